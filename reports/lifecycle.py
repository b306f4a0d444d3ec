"""The report's lifecycle in one place (domain.md, "Lifecycle of a report").

Every action on a report, who may take it, from which states, and what else must hold:

| action           | from                                               | to               | actor                                        | guard                                          |
|------------------|----------------------------------------------------|------------------|----------------------------------------------|------------------------------------------------|
| submit           | draft                                              | submitted        | a member of the reporting organisation       | the form is complete (`submit_problems`)       |
| start_dialogue   | submitted                                          | under_dialogue   | an officer of the responsible division       | decision period running                        |
| propose_inform   | under_dialogue                                     | inform_proposed  | an officer of the responsible division       | decision period running (grounds: informs/)    |
| return_proposal  | inform_proposed                                    | under_dialogue   | a supervisor of the division, not the proposer | decision period running; a reason            |
| issue_inform     | inform_proposed                                    | informed         | a supervisor of the division, not the proposer | decision period running                      |
| conclude         | under_dialogue                                     | closed_no_inform | an officer of the responsible division       | decision period running; summary and measures  |
| mark_not_subject | submitted, under_dialogue                          | not_subject      | an officer of the responsible division       | decision period running; rule and reason       |
| withdraw         | draft, submitted, under_dialogue, inform_proposed  | withdrawn        | a member of the reporting organisation       | decision period running; reason once filed     |
| lapse            | submitted, under_dialogue, inform_proposed         | lapsed           | the clock only (actor None)                  | deadline at or before the sweep's moment       |
| edit_draft       | draft                                              | (same)           | a member of the reporting organisation       | —                                              |
| amend            | submitted, under_dialogue, inform_proposed         | (same)           | a member of the reporting organisation       | decision period running                        |
| extend_deadline  | submitted, under_dialogue, inform_proposed         | (same)           | a supervisor of the responsible division     | decision period running                        |
| reassign         | submitted, under_dialogue, inform_proposed         | (same)           | a supervisor of the responsible division     | —                                              |
| discuss          | submitted, under_dialogue, inform_proposed, informed | (same)         | the organisation or the responsible division | —                                              |

An exporter never learns of an inform proposal until it is issued: `status_seen_by` shows them
`inform_proposed` as `under_dialogue`, and so withdraw and amend stay open to them while a
proposal waits (a proposal whose report is withdrawn or lapses can no longer be decided).

Pages and the API offer what `available_actions` returns; services call `require` (403 for an
actor who may never do this, 409 for a state or guard that refuses now) and then the
django-fsm transition, which checks the same permission and conditions again.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import TextChoices
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import transition

from catalog.selectors import transaction_type_name, transaction_type_reportable
from portal import roles
from portal.errors import InvalidTransition
from portal.models import Role, User
from portal.selectors import division_staff, organisation_members
from portal.services import audit_record, audit_record_many, notify, notify_many, sequence_next
from portal.text import by_language, lazy_format

from . import clock


class Status(TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    UNDER_DIALOGUE = "under_dialogue", _("Under dialogue")
    INFORM_PROPOSED = "inform_proposed", _("Inform proposed")
    INFORMED = "informed", _("Informed")
    CLOSED_NO_INFORM = "closed_no_inform", _("Closed without inform")
    LAPSED = "lapsed", _("Lapsed (no decision in time)")
    NOT_SUBJECT = "not_subject", _("Not subject to reporting")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# Reports METI still has to decide on: the clock runs for these (domain.md, "the clock").
OPEN_STATUSES = frozenset({Status.SUBMITTED, Status.UNDER_DIALOGUE, Status.INFORM_PROPOSED})
# The thread stays open while METI is deciding and after an inform (the licence application
# that follows is discussed in it); every other end state closes it (api.md, "Dialogue").
DISCUSSION_STATUSES = OPEN_STATUSES | {Status.INFORMED}

TRANSITION_LABELS = {
    "submit": _("Submitted"),
    "start_dialogue": _("Dialogue started"),
    "propose_inform": _("Inform proposed"),
    "return_proposal": _("Proposal returned"),
    "issue_inform": _("Inform issued"),
    "conclude": _("Concluded without inform"),
    "mark_not_subject": _("Marked not subject"),
    "withdraw": _("Withdrawn"),
    "lapse": _("Lapsed at the deadline"),
}


# --- what an exporter may see -----------------------------------------------------------------


def status_seen_by(user: User | None, status: str) -> str:
    """The one rule for the status a user is shown: an exporter sees a pending inform proposal
    as the dialogue it still is for them. Used by pages, the API, PDFs and notifications."""
    if status == Status.INFORM_PROPOSED and roles.is_exporter(user):
        return Status.UNDER_DIALOGUE
    return status


def history_seen_by(user: User | None, rows: Iterable[Any]) -> list[Any]:
    """History rows as `status_seen_by` shows them; a row that changes nothing the user can see
    (proposing an inform, returning a proposal) is left out."""
    visible = []
    for row in rows:
        row.from_status = status_seen_by(user, row.from_status)
        row.to_status = status_seen_by(user, row.to_status)
        if row.from_status != row.to_status:
            visible.append(row)
    return visible


# --- actors and guards --------------------------------------------------------------------------


def _refusing(message: Any) -> Callable[[Callable], Callable]:
    def mark(check: Callable) -> Callable:
        check.refusal = message  # type: ignore[attr-defined]
        return check

    return mark


@_refusing(_("Only the reporting organisation can do this."))
def reporter(report: Any, user: User | None) -> bool:
    return roles.is_member_of_organisation(user, report.organisation_id)


@_refusing(_("Only an officer of the responsible division can do this."))
def officer(report: Any, user: User | None) -> bool:
    return roles.is_officer_of_division(user, report.responsible_division_id)


@_refusing(_("Only a supervisor of the responsible division can do this."))
def supervisor(report: Any, user: User | None) -> bool:
    return roles.is_supervisor_of_division(user, report.responsible_division_id)


@_refusing(_("You cannot decide on your own proposal."))
def not_the_proposer(report: Any, user: User | None) -> bool:
    """Four eyes (domain.md): the supervisor who decides is not the officer who proposed."""
    return user is None or proposer_id(report) != user.pk


@_refusing(_("Only the supervisor of the responsible division who did not propose it can do this."))
def second_supervisor(report: Any, user: User | None) -> bool:
    return supervisor(report, user) and not_the_proposer(report, user)


second_supervisor.checks = (supervisor, not_the_proposer)  # type: ignore[attr-defined]


@_refusing(
    _("Only the reporting organisation and the responsible division take part in this dialogue.")
)
def participant(report: Any, user: User | None) -> bool:
    return reporter(report, user) or officer(report, user)


@_refusing(_("Only the clock closes a report at its deadline."))
def the_clock(report: Any, user: User | None) -> bool:
    return user is None


@_refusing(_("The decision deadline has passed: the report lapses and can no longer change."))
def period_running(report: Any) -> bool:
    """Past the deadline the only outcome is the lapse (domain.md, "the clock"); the sweep may
    not have run yet, but nobody may act in its place."""
    due = report.decision_due_at
    return due is None or timezone.now() < due


def proposer_id(report: Any) -> int | None:
    """Who proposed the pending inform, from the report's own history."""
    if report.status != Status.INFORM_PROPOSED:
        return None
    if "_proposer_id" not in report.__dict__:  # asked for several actions on one page
        report._proposer_id = (
            report.transitions.filter(transition="propose_inform")
            .order_by("-at", "-id")
            .values_list("actor_id", flat=True)
            .first()
        )
    return report._proposer_id


# --- the state machine (mixed into reports.models.Report) --------------------------------------


class ReportLifecycle:
    """Transitions only change state; the services below do everything else."""

    @transition(field="status", source=Status.DRAFT, target=Status.SUBMITTED, permission=reporter)
    def submit(self) -> None:
        pass

    @transition(
        field="status",
        source=Status.SUBMITTED,
        target=Status.UNDER_DIALOGUE,
        permission=officer,
        conditions=[period_running],
    )
    def start_dialogue(self) -> None:
        pass

    @transition(
        field="status",
        source=Status.UNDER_DIALOGUE,
        target=Status.INFORM_PROPOSED,
        permission=officer,
        conditions=[period_running],
    )
    def propose_inform(self) -> None:
        pass

    @transition(
        field="status",
        source=Status.INFORM_PROPOSED,
        target=Status.UNDER_DIALOGUE,
        permission=second_supervisor,
        conditions=[period_running],
    )
    def return_proposal(self) -> None:
        pass

    @transition(
        field="status",
        source=Status.INFORM_PROPOSED,
        target=Status.INFORMED,
        permission=second_supervisor,
        conditions=[period_running],
    )
    def issue_inform(self) -> None:
        pass

    @transition(
        field="status",
        source=Status.UNDER_DIALOGUE,
        target=Status.CLOSED_NO_INFORM,
        permission=officer,
        conditions=[period_running],
    )
    def conclude(self) -> None:
        pass

    @transition(
        field="status",
        source=[Status.SUBMITTED, Status.UNDER_DIALOGUE],
        target=Status.NOT_SUBJECT,
        permission=officer,
        conditions=[period_running],
    )
    def mark_not_subject(self) -> None:
        pass

    @transition(
        field="status",
        source=[Status.DRAFT, *OPEN_STATUSES],
        target=Status.WITHDRAWN,
        permission=reporter,
        conditions=[period_running],
    )
    def withdraw(self) -> None:
        pass

    @transition(
        field="status",
        source=list(OPEN_STATUSES),
        target=Status.LAPSED,
        permission=the_clock,
    )
    def lapse(self) -> None:
        pass


NOT_IN_THIS_STATE = _("This action is not allowed in the current state.")


@dataclass(frozen=True)
class Rule:
    """Who may take an action, from which states, and what must hold at that moment."""

    sources: frozenset[str]
    actor: Callable[[Any, User | None], bool]
    conditions: tuple[Callable[[Any], bool], ...] = ()
    state_refusal: Any = NOT_IN_THIS_STATE


# Actions on a report that do not change its state, with the same kind of rule.
_OTHER_ACTIONS = {
    "edit_draft": Rule(
        frozenset({Status.DRAFT}),
        reporter,
        (),
        _("Only a draft can be edited. File an amendment instead."),
    ),
    "amend": Rule(
        OPEN_STATUSES,
        reporter,
        (period_running,),
        _("An amendment can be filed only while the report is under review."),
    ),
    "extend_deadline": Rule(
        OPEN_STATUSES,
        supervisor,
        (period_running,),
        _("Only an open report's deadline can be extended."),
    ),
    "reassign": Rule(OPEN_STATUSES, supervisor, (), _("Only an open report can be reassigned.")),
    "discuss": Rule(
        DISCUSSION_STATUSES,
        participant,
        (),
        _("The dialogue on this report is closed: nothing can be added."),
    ),
}


@functools.cache
def _rules() -> dict[str, Rule]:
    """Every action's rule: the state machine's transitions (read through django-fsm's public
    API) and the other actions above."""
    rules: dict[str, Rule] = {}
    report_class = report_models.Report
    for step in report_class._meta.get_field("status").get_all_transitions(report_class):
        known = rules.get(step.name)
        sources = (known.sources if known else frozenset()) | {step.source}
        rules[step.name] = Rule(frozenset(sources), step.permission, tuple(step.conditions))
    return {**rules, **_OTHER_ACTIONS}


def _first_actor_refusal(check: Callable, report: Any, user: User | None) -> Any | None:
    parts: tuple[Any, ...] = getattr(check, "checks", (check,))
    for part in parts:
        if not part(report, user):
            return part.refusal
    return None


def refusal(report: Any, user: User | None, action: str) -> Exception | None:
    """Why `user` may not take `action` on `report` now (PermissionDenied: never, for this
    actor; InvalidTransition: not in this state or not now), or None if they may."""
    rule = _rules()[action]
    reason = _first_actor_refusal(rule.actor, report, user)
    if reason is not None:
        return PermissionDenied(reason)
    shown = status_seen_by(user, report.status)
    if report.status not in rule.sources:
        return InvalidTransition(shown, rule.state_refusal)
    for condition in rule.conditions:
        if not condition(report):
            return InvalidTransition(shown, condition.refusal)  # type: ignore[attr-defined]
    return None


def state_refusal(report: Any, user: User | None, action: str) -> Any | None:
    """Why `action` cannot be taken now because of the report's state or a guard (the
    message), or None; for pages that check before they ask to confirm."""
    problem = refusal(report, user, action)
    return problem.message if isinstance(problem, InvalidTransition) else None


def require(report: Any, user: User | None, action: str) -> None:
    problem = refusal(report, user, action)
    if problem is not None:
        raise problem


def require_actor(report: Any, user: User | None, action: str) -> None:
    """Only the actor part of the rule: for a request whose body is checked next, so that a role
    that may never do this hears 403 before anything about its input."""
    reason = _first_actor_refusal(_rules()[action].actor, report, user)
    if reason is not None:
        raise PermissionDenied(reason)


def available_actions(report: Any, user: User | None) -> frozenset[str]:
    """What this user may do on this report now: what pages and the API offer."""
    return frozenset(name for name in _rules() if refusal(report, user, name) is None)


# --- who hears about it ----------------------------------------------------------------------


def report_url(report: Any) -> str:
    from django.urls import reverse

    return reverse("reports:detail", args=[report.pk])


def staff_to_notify(report: Any) -> Iterable[User]:
    """Who hears from the company: the assigned officer, or the whole division if nobody is."""
    if report.assigned_officer_id is not None:
        return [report.assigned_officer]
    if report.responsible_division_id is None:  # only drafts lack one
        return []
    return division_staff(report.responsible_division_id)


class DivisionStaff:
    """The active staff of some divisions, fetched once for a batch (the sweep)."""

    def __init__(self, division_ids: Iterable[int | None]):
        self.supervisors: dict[int | None, list[User]] = {}
        self.officers: dict[int | None, list[User]] = {}
        self.by_id: dict[int, User] = {}
        for person in User.objects.filter(
            is_active=True, role__in=[Role.OFFICER, Role.SUPERVISOR], division_id__in=division_ids
        ):
            self.by_id[person.pk] = person
            side = self.supervisors if person.role == Role.SUPERVISOR else self.officers
            side.setdefault(person.division_id, []).append(person)

    def deciders(self, report: Any) -> list[User]:
        """The division's supervisors and the assigned officer (or, if none, every officer)."""
        division = report.responsible_division_id
        people = list(self.supervisors.get(division, []))
        if report.assigned_officer_id in self.by_id:
            people.append(self.by_id[report.assigned_officer_id])
        else:
            people.extend(self.officers.get(division, []))
        return people


# --- the transition runner --------------------------------------------------------------------


def _transition(
    *,
    report_id: int,
    actor: User | None,
    name: str,
    reason: str = "",
    details: dict | None = None,
    changes: dict[str, Any] | None = None,
) -> Any:
    """Lock the report, check the rule, run transition `name`, save, record history and audit.
    Runs inside the calling service's transaction."""
    report = report_models.Report.objects.select_for_update().get(pk=report_id)
    require(report, actor, name)
    from_status = report.status
    getattr(report, name)()
    for field, value in (changes or {}).items():
        setattr(report, field, value)
    report.save()
    report_models.ReportTransition.objects.create(
        report=report,
        transition=name,
        from_status=from_status,
        to_status=report.status,
        actor=actor,
        reason=reason,
        details=details or {},
    )
    audit_record(
        actor=actor,
        verb=f"report.{name}",
        target=report,
        payload={"from": from_status, "to": report.status, "reason": reason, **(details or {})},
    )
    return report


# --- submit -------------------------------------------------------------------------------------

REQUIRED_AT_SUBMIT = (
    "technology",
    "technology_scope",
    "technology_summary",
    "transaction_type",
    "counterparty_name",
    "counterparty_country",
    "counterparty_address",
    "counterparty_relationship",
    "planned_contract_date",
    "management_measures",
    "contact_name",
    "contact_department",
    "contact_phone",
    "contact_email",
)
OWNERSHIP_RELATIONSHIPS = ("subsidiary", "joint_venture")


def is_late(report: Any) -> bool:
    """Filed on or after the planned contract date (JST day of receipt)."""
    if report.received_at is None or report.planned_contract_date is None:
        return False
    return clock.jst_date(report.received_at) >= report.planned_contract_date


def submit_problems(report: Any, today: datetime.date) -> dict[str, list[str]]:
    """The submit guard: everything that keeps a report from being filed, by field (empty:
    ready). Amendments are held to it too, on their day of receipt."""
    errors: dict[str, list[str]] = {}

    def error(field: str, message: Any) -> None:
        errors.setdefault(field, []).append(str(message))

    for field in REQUIRED_AT_SUBMIT:
        if getattr(report, field) in (None, "", []):
            error(field, _("This field is required to submit the report."))
    if not report.provision_methods:
        error("provision_methods", _("Choose at least one provision method."))
    if report.transaction_type and not transaction_type_reportable(
        report.transaction_type, report.planned_contract_date or today
    ):
        error(
            "transaction_type",
            _("“%(type)s” is not subject to prior reporting, so it cannot be filed as a report.")
            % {"type": transaction_type_name(report.transaction_type)},
        )
    if (
        report.counterparty_relationship in OWNERSHIP_RELATIONSHIPS
        and report.ownership_percent is None
    ):
        error(
            "ownership_percent",
            _("Give the ownership percentage for a subsidiary or a joint venture."),
        )
    if report.technology and report.planned_contract_date:
        if not report.technology.in_force_on(report.planned_contract_date):
            error(
                "technology",
                _(
                    "%(name)s is not a notified technology in force on the planned contract "
                    "date (%(date)s)."
                )
                % {"name": report.technology.name, "date": report.planned_contract_date},
            )
    if report.planned_contract_date and today >= report.planned_contract_date:
        if not report.late_reason.strip():
            error(
                "late_reason",
                _(
                    "The report is due before the contract. Explain why it is filed on or "
                    "after the planned contract date."
                ),
            )
    if not report.declaration:
        error("declaration", _("Tick the declaration to submit the report."))
    return errors


def report_content(report: Any) -> dict[str, Any]:
    """The report's filed content as plain JSON, for revisions and their comparison."""
    return {
        "technology": report.technology.code if report.technology else None,
        "technology_scope": report.technology_scope,
        "technology_summary": report.technology_summary,
        "transaction_type": report.transaction_type,
        "counterparty_name": report.counterparty_name,
        "counterparty_other_names": report.counterparty_other_names,
        "counterparty_country": report.counterparty_country_id,
        "counterparty_address": report.counterparty_address,
        "counterparty_relationship": report.counterparty_relationship,
        "ownership_percent": (
            str(Decimal(report.ownership_percent).quantize(Decimal("0.01")))
            if report.ownership_percent is not None
            else None
        ),
        "planned_contract_date": (
            report.planned_contract_date.isoformat() if report.planned_contract_date else None
        ),
        "provision_methods": list(report.provision_methods),
        "management_measures": report.management_measures,
        "contact_name": report.contact_name,
        "contact_department": report.contact_department,
        "contact_phone": report.contact_phone,
        "contact_email": report.contact_email,
        "late_reason": report.late_reason,
    }


@transaction.atomic
def report_submit(*, actor: User, report_id: int) -> Any:
    """File a draft: reference, receipt time, decision deadline; notify the division."""
    report = report_models.Report.objects.select_for_update().get(pk=report_id)
    require_actor(report, actor, "submit")
    if report.status != Status.DRAFT:
        raise InvalidTransition(
            status_seen_by(actor, report.status), _("This report has already been submitted.")
        )
    now = timezone.now()
    problems = submit_problems(report, clock.jst_date(now))
    if problems:
        raise ValidationError(problems)
    year = clock.jst_date(now).year
    number = sequence_next(key=f"PR-{year}")
    assert report.technology is not None and report.planned_contract_date is not None
    report = _transition(
        report_id=report.pk,
        actor=actor,
        name="submit",
        changes={
            "reference": f"PR-{year}-{number:06d}",
            "received_at": now,
            "decision_due_at": clock.decision_due_at_for(now),
            "late": clock.jst_date(now) >= report.planned_contract_date,
            "responsible_division_id": report.technology.division_id,
            "revision": 1,
        },
    )
    report_models.ReportRevision.objects.create(
        report=report, number=1, content=report_content(report), created_by=actor
    )
    # Screened against the End User List once committed, in the worker; a broker that is down
    # never fails the submit (the screening sweep catches up). Imported here: endusers'
    # services import the reports models, which import this module.
    from endusers.services import report_screen_enqueue

    transaction.on_commit(lambda: report_screen_enqueue(report_id=report_id))
    notify(
        recipients=division_staff(report.responsible_division_id),
        verb="report.submitted",
        title=lazy_format(_("New prior report %(reference)s"), {"reference": report.reference}),
        body=lazy_format(
            _("%(org)s filed a prior report on %(technology)s. Decision due by %(due)s."),
            {
                "org": by_language(report.organisation.name_ja, report.organisation.name_en),
                "technology": by_language(report.technology.name_ja, report.technology.name_en),
                "due": clock.last_day_of(report.decision_due_at),
            },
        ),
        url=report_url(report),
    )
    return report


# --- the officers' transitions ------------------------------------------------------------------


@transaction.atomic
def report_start_dialogue(*, actor: User, report_id: int) -> Any:
    """An officer of the division takes a submitted report: it is assigned to them."""
    report = _transition(
        report_id=report_id,
        actor=actor,
        name="start_dialogue",
        changes={"assigned_officer": actor},
    )
    division = report.responsible_division
    notify(
        recipients=organisation_members(report.organisation_id),
        verb="dialogue.started",
        title=lazy_format(
            _("METI has started the dialogue on %(reference)s"), {"reference": report.reference}
        ),
        body=lazy_format(
            _("%(officer)s (%(division)s) is your contact for this report."),
            {
                "officer": actor.display_name,
                "division": by_language(division.name_ja, division.name_en),
            },
        ),
        url=report_url(report),
    )
    return report


def _close_by_officer(
    *,
    actor: User,
    report_id: int,
    name: str,
    errors: dict[str, list[Any]],
    reason: str,
    changes: dict[str, Any],
    details: dict | None = None,
) -> Any:
    """Conclude and not-subject alike: the rule first (403/409), then the officer's texts (400),
    then the transition; the report is closed."""
    report = report_models.Report.objects.select_for_update().get(pk=report_id)
    require(report, actor, name)
    if errors:
        raise ValidationError(errors)
    return _transition(
        report_id=report.pk,
        actor=actor,
        name=name,
        reason=reason,
        details=details,
        changes={**changes, "closed_at": timezone.now()},
    )


@transaction.atomic
def report_conclude(*, actor: User, report_id: int, summary: str, agreed_measures: str) -> Any:
    """Close the dialogue without an inform, recording its outcome and the agreed measures."""
    from . import limits

    summary, agreed_measures = (summary or "").strip(), (agreed_measures or "").strip()
    errors: dict[str, list[Any]] = {}
    if not summary:
        errors["summary"] = [_("Summarise the outcome of the dialogue.")]
    if not agreed_measures:
        errors["agreed_measures"] = [_("Record the technology management measures agreed.")]
    errors.update(
        limits.length_errors(
            summary=(summary, limits.OUTCOME_SUMMARY_MAX_LENGTH),
            agreed_measures=(agreed_measures, limits.AGREED_MEASURES_MAX_LENGTH),
        )
    )
    report = _close_by_officer(
        actor=actor,
        report_id=report_id,
        name="conclude",
        errors=errors,
        reason=summary,
        changes={"outcome_summary": summary, "agreed_measures": agreed_measures},
    )
    notify(
        recipients=organisation_members(report.organisation_id),
        verb="dialogue.concluded",
        title=lazy_format(
            _("The dialogue on %(reference)s was concluded without an inform"),
            {"reference": report.reference},
        ),
        body=lazy_format(
            _("Summary: %(summary)s\n\nAgreed management measures: %(measures)s"),
            {"summary": summary, "measures": agreed_measures},
        ),
        url=report_url(report),
    )
    return report


@transaction.atomic
def report_mark_not_subject(*, actor: User, report_id: int, rule: str, reason: str) -> Any:
    """Close a report that turns out not to need reporting, naming the screening rule."""
    from catalog.rules import RuleCode

    from . import limits

    reason = (reason or "").strip()
    errors: dict[str, list[Any]] = {}
    if rule not in RuleCode.values:
        errors["rule"] = [_("Choose the screening rule that applies.")]
    if not reason:
        errors["reason"] = [_("Explain why the report is not subject to reporting.")]
    errors.update(limits.length_errors(reason=(reason, limits.NOT_SUBJECT_REASON_MAX_LENGTH)))
    report = _close_by_officer(
        actor=actor,
        report_id=report_id,
        name="mark_not_subject",
        errors=errors,
        reason=reason,
        details={"rule": rule},
        changes={"not_subject_rule": rule, "not_subject_reason": reason},
    )
    notify(
        recipients=organisation_members(report.organisation_id),
        verb="dialogue.not_subject",
        title=lazy_format(
            _("%(reference)s is not subject to prior reporting"),
            {"reference": report.reference},
        ),
        body=lazy_format(
            _(
                "METI closed the report as not subject to prior reporting: %(rule)s.\n\n"
                "Reason: %(reason)s"
            ),
            {"rule": RuleCode(rule).label, "reason": reason},
        ),
        url=report_url(report),
    )
    return report


# --- inform proposals: the report's side (informs/ keeps the proposal itself) -------------------


def report_propose_inform(*, actor: User, report_id: int) -> Any:
    """The report goes to `inform_proposed`; called by informs.services.inform_propose."""
    return _transition(report_id=report_id, actor=actor, name="propose_inform")


def report_return_proposal(*, actor: User, report_id: int, reason: str, details: dict) -> Any:
    """The report goes back to the dialogue; called by informs.services.inform_return."""
    return _transition(
        report_id=report_id, actor=actor, name="return_proposal", reason=reason, details=details
    )


def report_issue_inform(*, actor: User, report_id: int, details: dict) -> Any:
    """The report is `informed`; called by informs.services.inform_approve."""
    return _transition(
        report_id=report_id,
        actor=actor,
        name="issue_inform",
        details=details,
        changes={"closed_at": timezone.now()},
    )


# --- the company's withdrawal ------------------------------------------------------------------


@transaction.atomic
def report_withdraw(*, actor: User, report_id: int, reason: str = "") -> Any:
    """Withdraw a draft or a report under review; a reason is required once submitted."""
    from . import limits

    report = report_models.Report.objects.select_for_update().get(pk=report_id)
    require(report, actor, "withdraw")
    reason = (reason or "").strip()
    was_filed = report.status != Status.DRAFT
    if was_filed and not reason:
        raise ValidationError({"reason": [str(_("Give the reason for withdrawing."))]})
    too_long = limits.length_errors(reason=(reason, limits.WITHDRAWAL_REASON_MAX_LENGTH))
    if too_long:
        raise ValidationError(too_long)
    report = _transition(
        report_id=report.pk,
        actor=actor,
        name="withdraw",
        reason=reason,
        changes={"withdrawal_reason": reason, "closed_at": timezone.now()},
    )
    if was_filed:
        notify(
            recipients=division_staff(report.responsible_division_id),
            verb="report.withdrawn",
            title=lazy_format(_("%(reference)s was withdrawn"), {"reference": report.reference}),
            body=reason,
            url=report_url(report),
        )
    return report


# --- the clock ----------------------------------------------------------------------------------


def reports_lapse(reports: list[Any], now: datetime.datetime) -> list[Any]:
    """Lapse open reports whose rows the caller (the sweep) holds locked; actor `system`.

    The state machine's `lapse` (the clock only, deadline passed) runs on each; the batch is
    then written with a few set-based queries (history, audit, notifications), so a sweep's
    cost follows the number of reports due. Reports no longer due are left alone.
    """
    lapsed: list[Any] = []
    history: list[Any] = []
    for report in reports:
        # The guard: the deadline is at or before the sweep's moment (the clock's `now`, so a
        # late or catching-up sweep decides as of when it looks).
        due = report.decision_due_at
        if due is None or due > now or refusal(report, None, "lapse") is not None:
            continue
        from_status = report.status
        report.lapse()
        report.closed_at = now
        report.updated_at = now
        lapsed.append(report)
        history.append(
            report_models.ReportTransition(
                report=report,
                transition="lapse",
                from_status=from_status,
                to_status=report.status,
                actor=None,
            )
        )
    if not lapsed:
        return lapsed
    # One set-based UPDATE per resulting state (there is one: lapsed) rather than bulk_update's
    # CASE over every row: the busy sweep's largest cost. The rows are locked by the sweep.
    by_status: dict[str, list[int]] = {}
    for report in lapsed:
        by_status.setdefault(report.status, []).append(report.pk)
    for status, ids in by_status.items():
        report_models.Report.objects.filter(pk__in=ids).update(
            status=status, closed_at=now, updated_at=now
        )
    report_models.ReportTransition.objects.bulk_create(history)
    audit_record_many(
        actor=None,
        verb="report.lapse",
        entries=[
            (r, {"from": h.from_status, "to": r.status})
            for r, h in zip(lapsed, history, strict=True)
        ],
    )
    members: dict[int | None, list[User]] = {}
    for person in User.objects.filter(
        is_active=True,
        role=Role.EXPORTER,
        organisation_id__in={r.organisation_id for r in lapsed},
    ):
        members.setdefault(person.organisation_id, []).append(person)
    staff = DivisionStaff({r.responsible_division_id for r in lapsed})
    messages = []
    for report in lapsed:
        url = report_url(report)
        messages.append(
            {
                "recipients": members.get(report.organisation_id, []),
                "verb": "report.lapsed",
                "title": lazy_format(
                    _("%(reference)s: no inform was issued in time"),
                    {"reference": report.reference},
                ),
                "body": _(
                    "METI did not issue an inform within the decision period. Your reporting "
                    "obligation for this transaction is met and the contract may proceed."
                ),
                "url": url,
            }
        )
        messages.append(
            {
                "recipients": staff.deciders(report),
                "verb": "report.lapsed",
                "title": lazy_format(
                    _("%(reference)s lapsed at its deadline"), {"reference": report.reference}
                ),
                "body": _(
                    "No decision was recorded before the deadline; the report is now closed."
                ),
                "url": url,
            }
        )
    notify_many(messages)
    return lapsed


def extension_cap_days() -> int:
    """How far one extension may move the deadline (settings.DEADLINE_EXTENSION_MAX_DAYS)."""
    return int(settings.DEADLINE_EXTENSION_MAX_DAYS)


# Imported last on purpose: reports.models mixes ReportLifecycle (above) into Report, so the
# models module imports this one; the services here use the models only when called.
from . import models as report_models  # noqa: E402
