"""Accounts (organisations, divisions, users and roles), the audit trail and notifications."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .validators import validate_corporate_number


class Organisation(models.Model):
    """A registered company (事業者) that files prior reports."""

    name_ja = models.CharField(_("name (Japanese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    address = models.CharField(_("address"), max_length=300)
    corporate_number = models.CharField(
        _("corporate number"), max_length=13, unique=True, validators=[validate_corporate_number]
    )
    # The organisation's administrators may require every member to use a second factor.
    second_factor_required = models.BooleanField(_("second factor required"), default=False)

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name_ja


class Division(models.Model):
    """A METI division (所管原課) responsible for some notified technologies."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name_ja = models.CharField(_("name (Japanese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("division")
        verbose_name_plural = _("divisions")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The division's name in the reader's language."""
        from django.utils.translation import get_language

        return self.name_en if get_language() == "en" and self.name_en else self.name_ja


class Role(models.TextChoices):
    EXPORTER = "exporter", _("Exporter")
    OFFICER = "officer", _("Desk officer")
    SUPERVISOR = "supervisor", _("Supervisor")
    ADMINISTRATOR = "administrator", _("Administrator")


class OrganisationRole(models.TextChoices):
    """An exporter's place in their organisation."""

    MEMBER = "member", _("Member")
    ADMINISTRATOR = "administrator", _("Organisation administrator")


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    organisation_role = models.CharField(
        _("role in the organisation"),
        max_length=20,
        choices=OrganisationRole.choices,
        default=OrganisationRole.MEMBER,
    )
    department = models.CharField(_("department"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    # Set when too many sign-ins failed; only an administrator clears it (portal.security).
    locked_at = models.DateTimeField(_("locked"), null=True, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    division = models.ForeignKey(
        Division,
        verbose_name=_("division"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                name="user_role_membership",
                condition=(
                    models.Q(role="exporter", organisation__isnull=False, division__isnull=True)
                    | models.Q(
                        role__in=["officer", "supervisor"],
                        organisation__isnull=True,
                        division__isnull=False,
                    )
                    | models.Q(
                        role="administrator", organisation__isnull=True, division__isnull=True
                    )
                    | models.Q(role="")
                ),
            )
        ]

    def clean(self) -> None:
        super().clean()
        if self.role == Role.EXPORTER and (not self.organisation_id or self.division_id):
            raise ValidationError(_("An exporter belongs to exactly one organisation."))
        if self.role in (Role.OFFICER, Role.SUPERVISOR) and (
            not self.division_id or self.organisation_id
        ):
            raise ValidationError(_("An officer or supervisor belongs to exactly one division."))
        if self.role == Role.ADMINISTRATOR and (self.division_id or self.organisation_id):
            raise ValidationError(_("An administrator belongs to no organisation or division."))

    @property
    def display_name(self) -> str:
        """The person's name as given, family name first; the user name when none is given."""
        names = [name.strip() for name in (self.last_name, self.first_name) if name.strip()]
        return " ".join(names) or self.username


class AuditRecordQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("The audit trail is append-only.")

    def delete(self) -> Any:
        raise PermissionError("The audit trail is append-only.")


class AuditRecord(models.Model):
    """One append-only row of the portal-wide audit trail; written only by audit_record()."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=150)
    verb = models.CharField(max_length=100, db_index=True)
    target_type = models.CharField(max_length=100, db_index=True)
    target_id = models.CharField(max_length=64, blank=True, db_index=True)
    target_label = models.CharField(max_length=300, blank=True)
    payload = models.JSONField(default=dict)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    request_id = models.CharField(max_length=64, blank=True)

    objects = AuditRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        # Related lookups and Django internals use the base manager: make it the refusing one.
        base_manager_name = "objects"
        verbose_name = _("audit record")
        verbose_name_plural = _("audit records")

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("The audit trail is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError("The audit trail is append-only.")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.verb} {self.target_label}"


class EmailState(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    SKIPPED = "skipped", _("Skipped (no address)")
    FAILED = "failed", _("Failed")


class Notification(models.Model):
    """An in-app notification (the bell); e-mailed once by portal.tasks.send_notification_email."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    verb = models.CharField(max_length=100)
    title_ja = models.CharField(max_length=300)
    title_en = models.CharField(max_length=300)
    body_ja = models.TextField(blank=True)
    body_en = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # The e-mail outbox: the row is written in the action's transaction and delivered by the
    # worker; beat re-queues what is still pending, so a broker or mail outage loses nothing.
    email_state = models.CharField(
        max_length=10, choices=EmailState.choices, default=EmailState.PENDING
    )
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_next_attempt_at = models.DateTimeField(null=True, blank=True)
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    email_last_error = models.CharField(max_length=300, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The bell's unread count on every page (portal.context_processors).
            models.Index(fields=["recipient", "read_at"]),
            # A user's notifications page, newest first (portal.views.notifications).
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient_new"),
            # The outbox: e-mails still pending, oldest first (portal.tasks, /healthz).
            models.Index(
                fields=["created_at"],
                name="notification_email_pending",
                condition=models.Q(email_state="pending"),
            ),
        ]

    def title(self, language: str) -> str:
        return self.title_en if language == "en" else self.title_ja

    def __str__(self) -> str:
        return self.title_ja

    def body(self, language: str) -> str:
        return self.body_en if language == "en" else self.body_ja


class Sequence(models.Model):
    """A gap-free counter per key (e.g. `PR-2025`); rows are locked while a number is taken."""

    key = models.CharField(max_length=40, primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key}: {self.last}"


class IdempotencyKey(models.Model):
    """The first answer to an API POST sent with an `Idempotency-Key`, replayed on a retry.

    `status_code` is null while the first request is still being processed.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    content_type = models.CharField(max_length=100, blank=True)
    body = models.BinaryField(default=b"")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"
