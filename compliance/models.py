"""Compliance cases (報告漏れ): a transfer that should have been reported and was not, followed
up by guidance and advice (指導助言) and, if need be, an improvement order (改善命令)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField

from reports import clock

from . import limits
from .lifecycle import (
    ACTIVE_STATUSES,
    CaseLifecycle,
    CaseStatus,
    case_url,
)


def _after(moment: datetime.datetime | None, due: datetime.date | None) -> bool:
    """Whether an answer given at `moment` came after the end of the `due` date (JST)."""
    return bool(moment and due and clock.jst_date(moment) > due)


class NoticeKind(models.TextChoices):
    GUIDANCE = "guidance", _("Guidance and advice")
    ORDER = "order", _("Improvement order")


class NoticeWording(models.Model):
    """The legal-basis wording printed on each kind of notice: data that administrators keep,
    not code (the wording is copied onto a case when its notice is written, so a later change
    never rewrites a notice already given)."""

    kind = models.CharField(_("notice"), max_length=20, choices=NoticeKind.choices, unique=True)
    legal_basis = models.TextField(
        _("legal basis"),
        max_length=limits.LEGAL_BASIS_MAX_LENGTH,
        validators=[MaxLengthValidator(limits.LEGAL_BASIS_MAX_LENGTH)],
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        ordering = ["kind"]
        verbose_name = _("notice wording")
        verbose_name_plural = _("notice wordings")

    def __str__(self) -> str:
        return str(NoticeKind(self.kind).label)


class ComplianceCase(CaseLifecycle, ConcurrentTransitionMixin, models.Model):
    """One case against an organisation; its lifecycle is compliance.lifecycle (mixed in)."""

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    status = FSMField(
        _("status"), default=CaseStatus.DRAFT, choices=CaseStatus.choices, protected=True
    )
    # Indexed by compliance_case_org_created (organisation first), not on its own.
    organisation = models.ForeignKey(
        "portal.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="compliance_cases",
        db_index=False,
    )
    # The technology's division when the case was opened; its staff run the case.
    # Indexed by compliance_case_division_created (division first).
    responsible_division = models.ForeignKey(
        "portal.Division",
        verbose_name=_("responsible division"),
        on_delete=models.PROTECT,
        related_name="compliance_cases",
        db_index=False,
    )
    technology = models.ForeignKey(
        "catalog.Technology",
        verbose_name=_("technology"),
        on_delete=models.PROTECT,
        related_name="compliance_cases",
    )
    # The late report the case was opened from; none for a transfer METI learned of otherwise.
    report = models.ForeignKey(
        "reports.Report",
        verbose_name=_("report"),
        on_delete=models.PROTECT,
        related_name="compliance_cases",
        null=True,
        blank=True,
    )
    transfer_date = models.DateField(_("transfer date"))
    facts = models.TextField(
        _("facts"),
        max_length=limits.FACTS_MAX_LENGTH,
        validators=[MaxLengthValidator(limits.FACTS_MAX_LENGTH)],
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The officer in charge: who opened the case; reminders go to them.
    assigned_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer in charge"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    thread = models.OneToOneField(
        "dialogue.Thread", on_delete=models.PROTECT, related_name="+", editable=False
    )
    opened_at = models.DateTimeField(_("opened to the organisation at"), null=True, blank=True)

    # Guidance and advice (指導助言).
    guidance_measures = models.TextField(
        _("requested measures"),
        blank=True,
        max_length=limits.MEASURES_MAX_LENGTH,
        validators=[MaxLengthValidator(limits.MEASURES_MAX_LENGTH)],
    )
    guidance_answer_due = models.DateField(_("answer due"), null=True, blank=True)
    guidance_legal_basis = models.TextField(_("legal basis of the guidance"), blank=True)
    guidance_issued_at = models.DateTimeField(_("guidance issued at"), null=True, blank=True)
    guidance_issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    # The company's first answer in the thread after the guidance.
    guidance_answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    # Set by the clock when the answer due date passed without an answer (staff only).
    answer_overdue_at = models.DateTimeField(_("answer overdue since"), null=True, blank=True)

    # Improvement order (改善命令): proposed, approved by a second supervisor, issued.
    order_measures = models.TextField(
        _("ordered improvements"),
        blank=True,
        max_length=limits.MEASURES_MAX_LENGTH,
        validators=[MaxLengthValidator(limits.MEASURES_MAX_LENGTH)],
    )
    order_compliance_due = models.DateField(_("compliance due"), null=True, blank=True)
    order_legal_basis = models.TextField(_("legal basis of the order"), blank=True)
    order_proposed_at = models.DateTimeField(_("order proposed at"), null=True, blank=True)
    order_proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    # Given only at issue, from a gap-free yearly sequence: IO-<JST year>-<4 digits>.
    order_number = models.CharField(
        _("order number"), max_length=20, unique=True, null=True, blank=True
    )
    order_issued_at = models.DateTimeField(_("order issued at"), null=True, blank=True)
    order_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    order_acknowledged_at = models.DateTimeField(
        _("receipt acknowledged at"), null=True, blank=True
    )
    order_acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    # The company's first answer in the thread after the order (its report on compliance).
    order_answered_at = models.DateTimeField(_("compliance reported at"), null=True, blank=True)
    compliance_overdue_at = models.DateTimeField(
        _("compliance overdue since"), null=True, blank=True
    )

    closing_summary = models.TextField(
        _("closing summary"),
        blank=True,
        max_length=limits.CLOSING_SUMMARY_MAX_LENGTH,
        validators=[MaxLengthValidator(limits.CLOSING_SUMMARY_MAX_LENGTH)],
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("compliance case")
        verbose_name_plural = _("compliance cases")
        indexes = [
            # The division's cases, newest first (selectors.cases_visible_to for staff).
            models.Index(
                fields=["responsible_division", "-created_at", "-id"],
                name="compliance_division_created",
            ),
            # An organisation's cases, newest first (the exporters' list and API).
            models.Index(
                fields=["organisation", "-created_at", "-id"], name="compliance_org_created"
            ),
            # The clock (compliance.clock): guidance awaiting an answer, by due date.
            models.Index(
                fields=["guidance_answer_due", "id"],
                name="compliance_answer_due",
                condition=models.Q(
                    status__in=["guidance_issued", "order_proposed"],
                    guidance_answered_at__isnull=True,
                ),
            ),
            # The clock: issued orders awaiting the company's report on compliance.
            models.Index(
                fields=["order_compliance_due", "id"],
                name="compliance_order_due",
                condition=models.Q(
                    status__in=["order_issued", "order_acknowledged"],
                    order_answered_at__isnull=True,
                ),
            ),
        ]
        constraints = [
            # Never a half-issued order: a number, an approver and an issue time exactly when
            # the order is out (issued, acknowledged, or a case closed after it).
            models.CheckConstraint(
                name="compliance_order_numbered_when_issued",
                condition=(
                    models.Q(order_number__isnull=True, order_issued_at__isnull=True)
                    | models.Q(
                        order_number__isnull=False,
                        order_issued_at__isnull=False,
                        order_approved_by__isnull=False,
                    )
                ),
            ),
            models.CheckConstraint(
                name="compliance_issued_states_have_number",
                condition=~models.Q(status__in=["order_issued", "order_acknowledged"])
                | models.Q(order_number__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return case_url(self)

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    # The clock's marks count only while the matching answer is missing on an active case: an
    # answer posted late ends the mark, and is shown as answered late instead.
    @property
    def answer_overdue(self) -> bool:
        return bool(self.answer_overdue_at) and not self.guidance_answered_at and self.is_active

    @property
    def compliance_overdue(self) -> bool:
        return bool(self.compliance_overdue_at) and not self.order_answered_at and self.is_active

    @property
    def is_overdue(self) -> bool:
        return self.answer_overdue or self.compliance_overdue

    @property
    def guidance_answered_late(self) -> bool:
        return _after(self.guidance_answered_at, self.guidance_answer_due)

    @property
    def order_answered_late(self) -> bool:
        return _after(self.order_answered_at, self.order_compliance_due)


class CaseTransition(models.Model):
    """History: one row per state transition (actor None would be the clock, which never moves
    a case)."""

    case = models.ForeignKey(ComplianceCase, on_delete=models.CASCADE, related_name="transitions")
    transition = models.CharField(max_length=40)
    from_status = models.CharField(max_length=30)
    to_status = models.CharField(max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_status} → {self.to_status}"

    @property
    def actor_name(self) -> str:
        return self.actor.username if self.actor_id else "system"


class DueDateKind(models.TextChoices):
    ANSWER = "answer", _("Answer to the guidance")
    COMPLIANCE = "compliance", _("Compliance with the order")


class CaseReminder(models.Model):
    """A reminder or an overdue mark the clock sent for one due date of a case: unique, so each
    is sent once per due date (a new due date gets its own)."""

    case = models.ForeignKey(ComplianceCase, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=20, choices=DueDateKind.choices)
    due_date = models.DateField()
    # "reminder" before the date, "overdue" once it passed without an answer.
    event = models.CharField(max_length=20)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind", "due_date", "event"], name="compliance_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.event} {self.kind} {self.due_date}"
