"""A portal account's gBizID, and the mark a gBizID sign-in leaves on its session."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, DeviceManager


class AccountType(models.TextChoices):
    """gBizID's account types (GBIZID_ACCOUNT_TYPES maps the claim's values to these)."""

    PRIME = "prime", _("gBizID Prime")
    MEMBER = "member", _("gBizID Member")
    ENTRY = "entry", _("gBizID Entry")


class GbizidLink(models.Model):
    """The gBizID account (issuer and `sub`) that signs a portal account in.

    One gBizID account per portal account and one portal account per gBizID account. The
    corporate number is not kept here: it is the organisation's, and every sign-in compares
    the number gBizID gives with it.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="gbizid_link",
    )
    issuer = models.CharField(_("issuer"), max_length=300)
    subject = models.CharField(_("gBizID account"), max_length=255)
    account_type = models.CharField(_("account type"), max_length=10, choices=AccountType.choices)
    linked_at = models.DateTimeField(_("linked"), default=timezone.now)
    last_signin_at = models.DateTimeField(_("last sign-in with gBizID"), null=True, blank=True)

    class Meta:
        verbose_name = _("gBizID link")
        verbose_name_plural = _("gBizID links")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="gbizid_link_one_account")
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.user_id}"


class SessionDeviceManager(DeviceManager):
    def devices_for_user(self, user, confirmed=None):
        # Not a device the person holds: never offered at the code step, never counted as their
        # second factor (signin.selectors.has_second_factor), so a password sign-in still asks
        # for the authenticator app where the signin app's rules say so.
        return self.none()


class GbizidSessionDevice(Device):
    """Marks a session signed in through gBizID as having passed a second factor.

    gBizID Prime and Member accounts sign in with a second factor of gBizID's own (an SMS code
    or the gBizID app) on every sign-in, so the portal does not ask for its own code after
    them. django-otp's middleware reads the session's device; this one accepts no code.
    """

    objects = SessionDeviceManager()

    class Meta(Device.Meta):
        verbose_name = _("gBizID sign-in")
        verbose_name_plural = _("gBizID sign-ins")

    def verify_token(self, token):
        return False
