"""Writes on informs: proposal, four-eyes approval (issue), return, and acknowledgement."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal import roles
from portal.errors import InvalidTransition
from portal.models import User
from portal.selectors import division_staff, division_supervisors, organisation_members
from portal.services import audit_record, notify, sequence_next
from portal.text import by_language, lazy_format
from reports import clock, lifecycle
from reports.limits import length_errors
from reports.models import Report

from . import limits
from .models import Inform, InformStatus


def clean_licence_conditions(value: Any) -> list[str]:
    """Licence conditions as a list of non-empty strings (trimmed), within the notice's
    limits (informs.limits); ValidationError otherwise."""
    if value is None:
        return []
    if not isinstance(value, list | tuple) or not all(isinstance(c, str) for c in value):
        raise ValidationError(
            {"licence_conditions": [str(_("Give the licence conditions as a list of texts."))]}
        )
    conditions = [c.strip() for c in value]
    if any(not c for c in conditions):
        raise ValidationError(
            {"licence_conditions": [str(_("A licence condition cannot be empty."))]}
        )
    problems = limits.licence_condition_problems(conditions)
    if problems:
        raise ValidationError({"licence_conditions": problems})
    return conditions


def _lock_pending_proposal(*, actor: User, inform_id: int, action: str) -> tuple[Inform, Report]:
    """Approve and return alike: lock the report, then the proposal (every service that touches
    both takes the locks in this order, and the clock's lapse takes only the report's, so two
    actions on one report queue instead of deadlocking), then the lifecycle's rule: a
    supervisor of the division who did not propose it, before the deadline."""
    report_id = Inform.objects.values_list("report_id", flat=True).get(pk=inform_id)
    report = Report.objects.select_for_update().get(pk=report_id)
    inform = Inform.objects.select_for_update().get(pk=inform_id)
    lifecycle.require(report, actor, action)
    if inform.status != InformStatus.PROPOSED:
        raise InvalidTransition(
            report.status, _("This proposal is no longer waiting for approval.")
        )
    return inform, report


def inform_propose(*, actor: User, report_id: int, grounds: str, licence_conditions: Any) -> Inform:
    """An officer of the division proposes an inform; the report goes to `inform_proposed`."""
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report_id)
        lifecycle.require(report, actor, "propose_inform")
        division_id = report.responsible_division_id
        errors: dict[str, list[str]] = {}
        grounds = (grounds or "").strip()
        if not grounds:
            errors["grounds"] = [str(_("Give the grounds for the inform."))]
        errors.update(length_errors(grounds=(grounds, limits.GROUNDS_MAX_LENGTH)))
        try:
            conditions = clean_licence_conditions(licence_conditions)
        except ValidationError as exc:
            errors.update(exc.message_dict)
        if errors:
            raise ValidationError(errors)

        report = lifecycle.report_propose_inform(actor=actor, report_id=report.pk)
        inform = Inform.objects.create(
            report=report,
            status=InformStatus.PROPOSED,
            grounds=grounds,
            licence_conditions=conditions,
            legal_basis=settings.INFORM_LEGAL_BASIS,
            proposed_by=actor,
            proposed_at=timezone.now(),
        )
        audit_record(
            actor=actor,
            verb="inform.propose",
            target=inform,
            payload={"report": report.pk, "licence_conditions": conditions},
        )
        notify(
            recipients=division_supervisors(division_id),
            exclude=actor,
            verb="inform.proposed",
            title=lazy_format(
                _("Inform proposed for %(reference)s: approval needed"),
                {"reference": report.reference},
            ),
            body=lazy_format(
                _("%(name)s proposed an inform. Decision due by %(day)s."),
                {
                    "name": actor.display_name,
                    "day": clock.last_day_of(report.decision_due_at).isoformat()
                    if report.decision_due_at
                    else "—",
                },
            ),
            url=reverse("informs:supervisor"),
        )
        return inform


def inform_approve(*, actor: User, inform_id: int) -> Inform:
    """A supervisor other than the proposer issues the inform: number given, report `informed`."""
    with transaction.atomic():
        inform, report = _lock_pending_proposal(
            actor=actor, inform_id=inform_id, action="issue_inform"
        )
        now = timezone.now()
        year = clock.jst_date(now).year
        # Taken inside this transaction after every check: a refused or rolled-back approval
        # gives the number back, so the yearly series has no gaps.
        number = f"INF-{year}-{sequence_next(key=f'INF-{year}'):04d}"
        report = lifecycle.report_issue_inform(
            actor=actor, report_id=report.pk, details={"inform": inform.pk, "number": number}
        )
        inform.status = InformStatus.ISSUED
        inform.number = number
        inform.approved_by = actor
        inform.issued_at = now
        inform.save(update_fields=["status", "number", "approved_by", "issued_at"])
        audit_record(
            actor=actor,
            verb="inform.issue",
            target=inform,
            payload={"report": report.pk, "number": number},
        )
        url = report.get_absolute_url()
        notify(
            recipients=organisation_members(report.organisation_id),
            verb="inform.issued",
            title=lazy_format(
                _("Inform %(number)s issued for %(reference)s"),
                {"number": number, "reference": report.reference},
            ),
            body=_(
                "METI has issued an inform: this transfer requires a licence application. "
                "Open the report to read the notice and acknowledge its receipt."
            ),
            url=url,
        )
        notify(
            recipients=[inform.proposed_by],
            verb="inform.issued",
            title=lazy_format(
                _("Your inform proposal for %(reference)s was approved (%(number)s)"),
                {"number": number, "reference": report.reference},
            ),
            url=url,
        )
        return inform


def inform_return(*, actor: User, inform_id: int, reason: str) -> Inform:
    """A supervisor returns a proposal with a reason; the report goes back to the dialogue."""
    with transaction.atomic():
        inform, report = _lock_pending_proposal(
            actor=actor, inform_id=inform_id, action="return_proposal"
        )
        reason = (reason or "").strip()
        if not reason:
            raise ValidationError({"reason": [str(_("Give the reason for returning."))]})
        too_long = length_errors(reason=(reason, limits.RETURN_REASON_MAX_LENGTH))
        if too_long:
            raise ValidationError(too_long)
        report = lifecycle.report_return_proposal(
            actor=actor, report_id=report.pk, reason=reason, details={"inform": inform.pk}
        )
        inform.status = InformStatus.RETURNED
        inform.returned_by = actor
        inform.returned_at = timezone.now()
        inform.return_reason = reason
        inform.save(update_fields=["status", "returned_by", "returned_at", "return_reason"])
        audit_record(
            actor=actor,
            verb="inform.return",
            target=inform,
            payload={"report": report.pk, "reason": reason},
        )
        notify(
            recipients=[inform.proposed_by],
            verb="inform.returned",
            title=lazy_format(
                _("Your inform proposal for %(reference)s was returned"),
                {"reference": report.reference},
            ),
            body=reason,
            url=report.get_absolute_url(),
        )
        return inform


def inform_acknowledge(*, actor: User, inform_id: int) -> Inform:
    """The exporter records receipt of an issued inform, once."""
    with transaction.atomic():
        inform = Inform.objects.select_for_update().select_related("report").get(pk=inform_id)
        report = inform.report
        division_id = report.responsible_division_id
        assert division_id is not None  # a filed report always has one
        if not roles.is_member_of_organisation(actor, report.organisation_id):
            raise PermissionDenied(_("Only the reporting organisation can acknowledge an inform."))
        if inform.status != InformStatus.ISSUED:
            raise InvalidTransition(
                lifecycle.status_seen_by(actor, report.status),
                _("Only an issued inform can be acknowledged."),
            )
        if inform.acknowledged_at is not None:
            raise InvalidTransition(
                lifecycle.status_seen_by(actor, report.status),
                _("Receipt was already acknowledged."),
            )
        inform.acknowledged_by = actor
        inform.acknowledged_at = timezone.now()
        inform.save(update_fields=["acknowledged_by", "acknowledged_at"])
        audit_record(
            actor=actor, verb="inform.acknowledge", target=inform, payload={"report": report.pk}
        )
        recipients = [
            u for u in (report.assigned_officer, inform.proposed_by, inform.approved_by) if u
        ]
        notify(
            recipients=recipients or division_staff(division_id),
            verb="inform.acknowledged",
            title=lazy_format(
                _("%(org)s acknowledged receipt of inform %(number)s"),
                {
                    "org": by_language(report.organisation.name_ja, report.organisation.name_en),
                    "number": inform.number,
                },
            ),
            url=report.get_absolute_url(),
        )
        return inform
