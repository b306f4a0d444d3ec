"""Organisation applications and invitations: how a company and its people join the portal."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.validators import validate_corporate_number


class ApplicationStatus(models.TextChoices):
    UNCONFIRMED = "unconfirmed", _("E-mail not yet confirmed")
    PENDING = "pending", _("Waiting for review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class OrganisationApplication(models.Model):
    """A company's request to register, with its first administrator's details.

    No user or organisation exists until METI approves: the chosen password is kept here as a
    hash and becomes the account's password on approval (and is cleared on rejection).
    """

    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.UNCONFIRMED,
        db_index=True,
    )
    name_ja = models.CharField(_("company name (Japanese)"), max_length=200)
    name_en = models.CharField(_("company name (English)"), max_length=200, blank=True)
    # Not unique here: only one organisation per number (Organisation.corporate_number is
    # unique), but a mistaken or rejected application must not block the real one.
    corporate_number = models.CharField(
        _("corporate number"), max_length=13, validators=[validate_corporate_number]
    )
    address = models.CharField(_("address"), max_length=300)
    last_name = models.CharField(_("last name"), max_length=150)
    first_name = models.CharField(_("first name"), max_length=150)
    department = models.CharField(_("department"), max_length=200)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("phone"), max_length=40)
    username = models.CharField(
        _("user name"), max_length=150, validators=[UnicodeUsernameValidator()]
    )
    password_hash = models.CharField(max_length=128, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("e-mail confirmed"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    organisation = models.ForeignKey(
        "portal.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["confirmed_at", "submitted_at", "pk"]
        verbose_name = _("organisation application")
        verbose_name_plural = _("organisation applications")

    def __str__(self) -> str:
        return f"{self.name_ja} ({self.corporate_number})"

    @property
    def applicant_name(self) -> str:
        return f"{self.last_name} {self.first_name}".strip()


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Not yet accepted")
    ACCEPTED = "accepted", _("Accepted")
    REVOKED = "revoked", _("Revoked")


class Invitation(models.Model):
    """An organisation administrator's invitation of a colleague, by e-mail.

    Only the SHA-256 of the link's token is stored: a resend replaces it, so the old link stops
    working, and nobody reading the table can accept an invitation.
    """

    organisation = models.ForeignKey(
        "portal.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    email = models.EmailField(_("e-mail"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=InvitationStatus.choices,
        default=InvitationStatus.PENDING,
    )
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("invited"), default=timezone.now)
    sent_at = models.DateTimeField(_("last sent"), default=timezone.now)
    expires_at = models.DateTimeField(_("link valid until"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            # One open invitation per address and organisation: resend it instead.
            models.UniqueConstraint(
                fields=["organisation", "email"],
                condition=models.Q(status="pending"),
                name="invitation_one_pending_per_email",
            )
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()
