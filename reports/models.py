"""The one-page prior report (事前報告), its revisions and its lifecycle (domain.md)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField

from catalog.fields import TransactionTypeField

from . import limits
from .lifecycle import (  # noqa: F401 - the states are the model's, re-exported
    OPEN_STATUSES,
    TRANSITION_LABELS,
    ReportLifecycle,
    Status,
    report_url,
)

# The open statuses as plain values, in a fixed order, for the partial indexes below.
_OPEN = models.Q(status__in=sorted(str(s) for s in OPEN_STATUSES))
# Reports closed by a decision of METI (reports.precedents.DECIDED_STATUSES), for its indexes.
_DECIDED = models.Q(status__in=["closed_no_inform", "informed", "not_subject"])


class TechnologyScope(models.TextChoices):
    DESIGN = "design", _("Design technology")
    MANUFACTURING = "manufacturing", _("Manufacturing technology")
    BOTH = "both", _("Design and manufacturing technology")


class Relationship(models.TextChoices):
    SUBSIDIARY = "subsidiary", _("Subsidiary")
    JOINT_VENTURE = "joint_venture", _("Joint venture")
    UNAFFILIATED = "unaffiliated", _("Unaffiliated company")


class ProvisionMethod(models.TextChoices):
    DOCUMENTS = "documents", _("Documents (drawings, specifications, manuals)")
    ONSITE_GUIDANCE = "onsite_guidance", _("On-site technical guidance")
    REMOTE_GUIDANCE = "remote_guidance", _("Remote technical guidance")
    PERSONNEL_DISPATCH = "personnel_dispatch", _("Dispatch of personnel")
    DATA_TRANSFER = "data_transfer", _("Electronic data transfer")


class Report(ReportLifecycle, ConcurrentTransitionMixin, models.Model):
    """The one-page prior report; its lifecycle is reports.lifecycle (mixed in)."""

    # Indexed by report_org_created (organisation first), not on its own.
    organisation = models.ForeignKey(
        "portal.Organisation", on_delete=models.PROTECT, related_name="reports", db_index=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reference = models.CharField(_("reference"), max_length=20, unique=True, null=True, blank=True)
    status = FSMField(_("status"), default=Status.DRAFT, choices=Status.choices, protected=True)
    revision = models.PositiveIntegerField(_("revision"), default=0)

    technology = models.ForeignKey(
        "catalog.Technology",
        verbose_name=_("technology"),
        on_delete=models.PROTECT,
        related_name="reports",
        null=True,
        blank=True,
    )
    # Copied from the technology at submit so that queues filter by division without a join
    # and keep pointing at the division that was responsible when the report was filed.
    # Indexed by report_division_status_due and report_division_due (division first).
    responsible_division = models.ForeignKey(
        "portal.Division",
        on_delete=models.PROTECT,
        related_name="reports",
        null=True,
        blank=True,
        db_index=False,
    )
    technology_scope = models.CharField(
        _("technology scope"), max_length=20, choices=TechnologyScope.choices, blank=True
    )
    technology_summary = models.TextField(
        _("what exactly is provided"),
        max_length=limits.TECHNOLOGY_SUMMARY_MAX_LENGTH,
        blank=True,
        validators=[MaxLengthValidator(limits.TECHNOLOGY_SUMMARY_MAX_LENGTH)],
    )
    # A code of the catalog's transaction types (data with effective dates, not fixed choices).
    transaction_type = TransactionTypeField(_("transaction type"), blank=True)
    counterparty_name = models.CharField(_("counterparty name"), max_length=200, blank=True)
    # Screened against the End User List with the name (endusers.screening.counterparty_names).
    counterparty_other_names = models.CharField(
        _("other names of the counterparty"),
        max_length=300,
        blank=True,
        help_text=_(
            "Former names, names in other languages or scripts, separated by semicolons or "
            "new lines."
        ),
    )
    counterparty_country = models.ForeignKey(
        "catalog.Country",
        verbose_name=_("counterparty country"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    counterparty_address = models.CharField(_("counterparty address"), max_length=300, blank=True)
    counterparty_relationship = models.CharField(
        _("relationship with the counterparty"),
        max_length=20,
        choices=Relationship.choices,
        blank=True,
    )
    ownership_percent = models.DecimalField(
        _("ownership (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    planned_contract_date = models.DateField(_("planned contract date"), null=True, blank=True)
    provision_methods = models.JSONField(_("provision methods"), default=list, blank=True)
    management_measures = models.TextField(
        _("planned management measures"),
        max_length=limits.MANAGEMENT_MEASURES_MAX_LENGTH,
        blank=True,
        validators=[MaxLengthValidator(limits.MANAGEMENT_MEASURES_MAX_LENGTH)],
    )
    contact_name = models.CharField(_("contact name"), max_length=100, blank=True)
    contact_department = models.CharField(_("contact department"), max_length=200, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), max_length=254, blank=True)
    declaration = models.BooleanField(_("declaration"), default=False)
    late_reason = models.TextField(
        _("reason for reporting late"),
        max_length=limits.LATE_REASON_MAX_LENGTH,
        blank=True,
        validators=[MaxLengthValidator(limits.LATE_REASON_MAX_LENGTH)],
    )

    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    decision_due_at = models.DateTimeField(_("decision due"), null=True, blank=True)
    late = models.BooleanField(_("late"), default=False)
    assigned_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned officer"),
        on_delete=models.PROTECT,
        related_name="assigned_reports",
        null=True,
        blank=True,
    )

    withdrawal_reason = models.TextField(
        _("reason for withdrawal"),
        max_length=limits.WITHDRAWAL_REASON_MAX_LENGTH,
        blank=True,
        validators=[MaxLengthValidator(limits.WITHDRAWAL_REASON_MAX_LENGTH)],
    )
    outcome_summary = models.TextField(
        _("summary of the dialogue"),
        max_length=limits.OUTCOME_SUMMARY_MAX_LENGTH,
        blank=True,
        validators=[MaxLengthValidator(limits.OUTCOME_SUMMARY_MAX_LENGTH)],
    )
    agreed_measures = models.TextField(
        _("agreed management measures"),
        max_length=limits.AGREED_MEASURES_MAX_LENGTH,
        blank=True,
        validators=[MaxLengthValidator(limits.AGREED_MEASURES_MAX_LENGTH)],
    )
    not_subject_rule = models.CharField(_("rule"), max_length=40, blank=True)
    not_subject_reason = models.TextField(
        _("reason"),
        max_length=limits.NOT_SUBJECT_REASON_MAX_LENGTH,
        blank=True,
        validators=[MaxLengthValidator(limits.NOT_SUBJECT_REASON_MAX_LENGTH)],
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # The dialogue's messages and files; made when the first one is written.
    thread = models.OneToOneField(
        "dialogue.Thread",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="report",
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("prior report")
        verbose_name_plural = _("prior reports")
        # Each index names the query that needs it (bench/pages.py and bench/sweep.py measure
        # them on 100,000 reports). The partial ones hold open reports only: about a fifth of
        # the table, and the rows the queues and the clock look at. Queue search on PostgreSQL
        # also has pg_trgm indexes on reference and counterparty_name (migration 0005; not
        # declared here because SQLite has no such index).
        indexes = [
            # The officers' queue by deadline (dialogue.selectors.queue_for, default "open"),
            # its "due soon" filter and the week's due list (selectors.clock_overview). Closed
            # reports have the earliest deadlines: without the condition the page walks past
            # all of them before it finds 25 open ones.
            models.Index(
                fields=["responsible_division", "decision_due_at", "id"],
                name="report_open_division_due",
                condition=_OPEN,
            ),
            # The clock's sweep (reports.sweep): open reports past their deadline, and those
            # due within the reminder window, in deadline order across divisions.
            models.Index(fields=["decision_due_at", "id"], name="report_open_due", condition=_OPEN),
            # The division's workload (open reports per assigned officer), the unassigned
            # count and the queue's "assigned to me" (dialogue.selectors).
            models.Index(
                fields=["responsible_division", "assigned_officer"],
                name="report_open_division_officer",
                condition=_OPEN,
            ),
            # The queue filtered to one status, by deadline, and the supervisors' proposals
            # (status inform_proposed) by deadline (informs.selectors).
            models.Index(
                fields=["responsible_division", "status", "decision_due_at", "id"],
                name="report_division_status_due",
            ),
            # The division's reports of every status by deadline: the API list for METI staff
            # (reports.api.views) and the queue's "all".
            models.Index(
                fields=["responsible_division", "decision_due_at", "id"], name="report_division_due"
            ),
            # Lapsed in the last 7 days (selectors.clock_overview), newest first.
            models.Index(
                fields=["responsible_division", "-closed_at", "-id"],
                name="report_lapsed_division_closed",
                condition=models.Q(status="lapsed"),
            ),
            # An organisation's reports, newest first: the exporters' dashboard and API list.
            models.Index(fields=["organisation", "-created_at", "-id"], name="report_org_created"),
            # Precedents (reports.precedents): decided reports of a technology, and of a
            # technology and destination, most recent decision first.
            models.Index(
                fields=["technology", "-closed_at", "-id"],
                name="report_decided_technology",
                condition=_DECIDED,
            ),
            models.Index(
                fields=["technology", "counterparty_country", "-closed_at", "-id"],
                name="report_decided_tech_country",
                condition=_DECIDED,
            ),
        ]

    def __str__(self) -> str:
        return self.reference or f"draft #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def get_absolute_url(self) -> str:
        return report_url(self)


class ReportTransition(models.Model):
    """History: one row per state transition (actor None is the clock, shown as `system`)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="transitions")
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
        return f"{self.report_id}: {self.from_status} → {self.to_status}"

    @property
    def actor_name(self) -> str:
        return self.actor.username if self.actor_id else "system"


class ReportRevision(models.Model):
    """The report's content as filed: revision 1 at submit, one more per amendment."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    content = models.JSONField()
    note = models.TextField(
        blank=True,
        max_length=limits.AMENDMENT_NOTE_MAX_LENGTH,
        validators=[MaxLengthValidator(limits.AMENDMENT_NOTE_MAX_LENGTH)],
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["report", "number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="revision_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.report_id} r{self.number}"


class DeadlineExtension(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="extensions")
    old_due_at = models.DateTimeField()
    new_due_at = models.DateTimeField()
    reason = models.TextField(
        max_length=limits.EXTENSION_REASON_MAX_LENGTH,
        validators=[MaxLengthValidator(limits.EXTENSION_REASON_MAX_LENGTH)],
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.old_due_at} → {self.new_due_at}"


class ReminderSent(models.Model):
    """A deadline reminder that was sent; unique so that each is sent once per deadline."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="reminders")
    days_before = models.PositiveSmallIntegerField()
    due_at = models.DateTimeField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["report", "days_before", "due_at"], name="reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.days_before}d before {self.due_at}"
