"""Early consultations (事前相談) before a report, and the general desk that takes those whose
technology is not known; the lifecycle is consultations.lifecycle (mixed in)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField

from reports.limits import REASON_MAX_LENGTH, SUMMARY_MAX_LENGTH

from .lifecycle import (
    TRANSITION_LABELS,
    ConsultationLifecycle,
    Outcome,
    Status,
    consultation_url,
)

SUBJECT_MAX_LENGTH = 200
DESCRIPTION_MAX_LENGTH = SUMMARY_MAX_LENGTH
OUTCOME_SUMMARY_MAX_LENGTH = SUMMARY_MAX_LENGTH
TRANSFER_REASON_MAX_LENGTH = REASON_MAX_LENGTH


class GeneralDesk(models.Model):
    """The division that takes consultations naming no technology ("I don't know which"): one
    row, which METI's administrators change at /consultations/desk/."""

    # Always 1: there is one desk (the constraint keeps a second row out).
    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    division = models.ForeignKey(
        "portal.Division", verbose_name=_("division"), on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("general consultation desk")
        verbose_name_plural = _("general consultation desk")
        constraints = [models.CheckConstraint(name="general_desk_single", condition=models.Q(id=1))]

    def __str__(self) -> str:
        return str(self.division)


class Consultation(ConsultationLifecycle, ConcurrentTransitionMixin, models.Model):
    """A company's question to METI about a planned transfer, before any report is filed."""

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    # Indexed by consultation_org_created (organisation first), not on its own.
    organisation = models.ForeignKey(
        "portal.Organisation",
        on_delete=models.PROTECT,
        related_name="consultations",
        db_index=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = FSMField(_("status"), default=Status.OPEN, choices=Status.choices, protected=True)
    subject = models.CharField(_("subject"), max_length=SUBJECT_MAX_LENGTH)
    description = models.TextField(
        _("planned transfer"),
        max_length=DESCRIPTION_MAX_LENGTH,
        validators=[MaxLengthValidator(DESCRIPTION_MAX_LENGTH)],
    )
    # None: the company does not know which technology it is (the general desk takes it).
    technology = models.ForeignKey(
        "catalog.Technology",
        verbose_name=_("technology"),
        on_delete=models.PROTECT,
        related_name="consultations",
        null=True,
        blank=True,
    )
    counterparty_country = models.ForeignKey(
        "catalog.Country",
        verbose_name=_("counterparty country"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    planned_contract_date = models.DateField(_("planned contract date"), null=True, blank=True)
    # The division that answers: the technology's, or the general desk's; moved by a transfer.
    # Indexed by consultation_division_waiting (division first).
    responsible_division = models.ForeignKey(
        "portal.Division", on_delete=models.PROTECT, related_name="consultations", db_index=False
    )
    # Since when the company has been waiting for METI: its oldest message that no METI reply
    # (internal notes aside) has followed; None when METI spoke last. Kept by the services so
    # that the officers' list and the reminder sweep read it from an index.
    awaiting_reply_since = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_rule = models.CharField(_("screening rule"), max_length=40, blank=True)
    outcome_summary = models.TextField(
        _("summary for the company"),
        max_length=OUTCOME_SUMMARY_MAX_LENGTH,
        blank=True,
        validators=[MaxLengthValidator(OUTCOME_SUMMARY_MAX_LENGTH)],
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    thread = models.OneToOneField(
        "dialogue.Thread", on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        indexes = [
            # The officers' list: the division's open consultations, the longest waiting first
            # (selectors.consultations_for_division), and the reminder sweep by waiting time.
            models.Index(
                fields=["responsible_division", "awaiting_reply_since", "id"],
                name="consultation_division_waiting",
                condition=models.Q(status="open"),
            ),
            models.Index(
                fields=["awaiting_reply_since", "id"],
                name="consultation_open_waiting",
                condition=models.Q(status="open", awaiting_reply_since__isnull=False),
            ),
            # Every consultation of a division, newest first (the list's "all").
            models.Index(
                fields=["responsible_division", "-created_at", "-id"],
                name="consultation_division_created",
            ),
            # An organisation's consultations, newest first: the exporters' list and dashboard.
            models.Index(
                fields=["organisation", "-created_at", "-id"], name="consultation_org_created"
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status == Status.OPEN

    def get_absolute_url(self) -> str:
        return consultation_url(self)


class ConsultationTransition(models.Model):
    """History: one row per state transition or transfer (actor None is the clock)."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="transitions"
    )
    transition = models.CharField(max_length=40)
    from_status = models.CharField(max_length=20)
    to_status = models.CharField(max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.consultation_id}: {self.transition}"

    @property
    def actor_name(self) -> str:
        return self.actor.username if self.actor_id else "system"

    @property
    def label(self) -> str:
        return str(TRANSITION_LABELS.get(self.transition, self.transition))


class ConsultationReport(models.Model):
    """A report the company filed after (or about) a consultation."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="report_links"
    )
    report = models.ForeignKey(
        "reports.Report", on_delete=models.CASCADE, related_name="consultation_links"
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["linked_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "report"], name="consultation_report_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.consultation_id} → {self.report_id}"


class ConsultationReminder(models.Model):
    """A reminder sent to a division about a consultation waiting since `awaiting_since`:
    unique, so each wait is reminded once per division however often the sweep runs."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="reminders"
    )
    division = models.ForeignKey("portal.Division", on_delete=models.CASCADE, related_name="+")
    awaiting_since = models.DateTimeField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "division", "awaiting_since"],
                name="consultation_reminder_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.consultation_id} reminded ({self.awaiting_since:%Y-%m-%d})"
