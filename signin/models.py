"""Failed sign-ins, kept to count towards the lockout and to show where attempts came from."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    PASSWORD = "password", _("Password")
    SECOND_FACTOR = "second_factor", _("Second factor")


class SigninFailure(models.Model):
    """One refused sign-in: the username tried (which may name no account), when and from where.

    `cleared_at` is set when the account signs in successfully or is unlocked, so that earlier
    failures no longer count towards the lockout; the row itself stays as a record.
    """

    username = models.CharField(_("username tried"), max_length=150)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="signin_failures",
    )
    at = models.DateTimeField(_("time"), default=timezone.now)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    stage = models.CharField(
        _("stage"), max_length=20, choices=Stage.choices, default=Stage.PASSWORD
    )
    cleared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("failed sign-in")
        verbose_name_plural = _("failed sign-ins")
        indexes = [models.Index(fields=["user", "at"], name="signin_failure_user_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username} {self.ip or ''}".strip()
