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
from reports import clock
from reports.limits import length_errors
from reports.models import Report, Status
from reports.services import apply_transition

from . import limits
from .models import Inform, InformStatus


def _report_url(report: Report) -> str:
    return reverse("reports:detail", args=[report.pk])


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


def _lock_inform_and_report(inform_id: int) -> tuple[Inform, Report]:
    """Lock the report first, then the inform.

    Every service that touches both takes the locks in this order (the clock's lapse takes only
    the report's), so two actions on one report queue behind each other instead of deadlocking.
    """
    report_id = Inform.objects.values_list("report_id", flat=True).get(pk=inform_id)
    report = Report.objects.select_for_update().get(pk=report_id)
    inform = Inform.objects.select_for_update().get(pk=inform_id)
    return inform, report


def inform_propose(*, actor: User, report_id: int, grounds: str, licence_conditions: Any) -> Inform:
    """An officer of the division proposes an inform; the report goes to `inform_proposed`."""
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report_id)
        if not roles.is_officer_of_division(actor, report.responsible_division_id):
            raise PermissionDenied(_("Only an officer of the responsible division can propose."))
        division_id = report.responsible_division_id
        assert division_id is not None  # a filed report always has one
        if report.status != Status.UNDER_DIALOGUE:
            raise InvalidTransition(
                report.status, _("An inform can be proposed only while under dialogue.")
            )
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

        report = apply_transition(report_id=report.pk, actor=actor, name="propose_inform")
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
        inform, report = _lock_inform_and_report(inform_id)
        if not roles.is_supervisor_of_division(actor, report.responsible_division_id):
            raise PermissionDenied(
                _("Only a supervisor of the responsible division can approve an inform.")
            )
        if inform.proposed_by_id == actor.pk:
            # Four eyes: the proposer may never approve their own proposal.
            raise PermissionDenied(_("You cannot approve your own proposal."))
        if inform.status != InformStatus.PROPOSED or report.status != Status.INFORM_PROPOSED:
            raise InvalidTransition(
                report.status, _("This proposal is no longer waiting for approval.")
            )
        now = timezone.now()
        # After the deadline the decision period is over: the clock lapses the report instead
        # (domain.md, "the 30-day decision clock"), even if its sweep has not run yet.
        if report.decision_due_at is not None and now >= report.decision_due_at:
            raise InvalidTransition(
                report.status,
                _("The decision deadline has passed; the inform can no longer be issued."),
            )
        year = clock.jst_date(now).year
        # Taken inside this transaction after every check: a refused or rolled-back approval
        # gives the number back, so the yearly series has no gaps.
        number = f"INF-{year}-{sequence_next(key=f'INF-{year}'):04d}"
        report = apply_transition(
            report_id=report.pk,
            actor=actor,
            name="issue_inform",
            details={"inform": inform.pk, "number": number},
            changes={"closed_at": now},
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
        url = _report_url(report)
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
        inform, report = _lock_inform_and_report(inform_id)
        if not roles.is_supervisor_of_division(actor, report.responsible_division_id):
            raise PermissionDenied(
                _("Only a supervisor of the responsible division can return a proposal.")
            )
        if inform.proposed_by_id == actor.pk:
            # domain.md: supervisors approve or return proposals, never their own.
            raise PermissionDenied(_("You cannot return your own proposal."))
        if inform.status != InformStatus.PROPOSED or report.status != Status.INFORM_PROPOSED:
            raise InvalidTransition(
                report.status, _("This proposal is no longer waiting for approval.")
            )
        reason = (reason or "").strip()
        if not reason:
            raise ValidationError({"reason": [str(_("Give the reason for returning."))]})
        too_long = length_errors(reason=(reason, limits.RETURN_REASON_MAX_LENGTH))
        if too_long:
            raise ValidationError(too_long)
        report = apply_transition(
            report_id=report.pk,
            actor=actor,
            name="return_proposal",
            reason=reason,
            details={"inform": inform.pk},
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
            url=_report_url(report),
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
            raise InvalidTransition(report.status, _("Only an issued inform can be acknowledged."))
        if inform.acknowledged_at is not None:
            raise InvalidTransition(report.status, _("Receipt was already acknowledged."))
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
            url=_report_url(report),
        )
        return inform
