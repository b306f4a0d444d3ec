"""A compliance case's lifecycle in one place (issue #15; FEFTA: a transfer that was not
reported leads to guidance and advice, then an improvement order; penalties are decided
elsewhere and only recorded here as a referral).

| action            | from                                                       | to                 | actor                                            |
|-------------------|------------------------------------------------------------|--------------------|--------------------------------------------------|
| open              | draft                                                      | opened             | an officer of the responsible division           |
| issue_guidance    | opened                                                     | guidance_issued    | an officer of the responsible division           |
| propose_order     | guidance_issued                                            | order_proposed     | an officer of the responsible division           |
| return_order      | order_proposed                                             | guidance_issued    | a supervisor of the division, not the proposer   |
| approve_order     | order_proposed                                             | order_issued       | a supervisor of the division, not the proposer   |
| acknowledge_order | order_issued                                               | order_acknowledged | a member of the organisation                     |
| resolve           | opened, guidance_issued, order_issued, order_acknowledged  | resolved           | an officer of the responsible division           |
| refer             | opened, guidance_issued, order_issued, order_acknowledged  | referred           | an officer of the responsible division           |
| discard           | draft                                                      | discarded          | an officer of the responsible division           |
| discuss           | every state but the closed ones                            | (same)             | the organisation (once opened) or the division   |

"Officer" is any officer or supervisor of the case's division. A draft is METI's alone: the
organisation does not see it (selectors answer 404), nor a draft discarded (opened by mistake,
or on facts that did not hold), which stays in the division's list and history. The organisation never learns of an order
proposal until it is issued: `status_seen_by` shows them `order_proposed` as `guidance_issued`,
and their history leaves out the proposal and its return.

Pages and the API offer what `available_actions` returns; services call `require` (403 for an
actor who may never do this, 409 for a state that refuses it now) and then the django-fsm
transition, which checks the same permission again. The clock never moves a case: it reminds
and marks due dates overdue (compliance.clock).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _
from django_fsm import transition

from portal import roles
from portal.errors import InvalidTransition
from portal.models import User
from portal.services import audit_record


class CaseStatus(TextChoices):
    DRAFT = "draft", _("Draft (METI only)")
    OPENED = "opened", _("Opened (visible to the organisation)")
    GUIDANCE_ISSUED = "guidance_issued", _("Guidance issued")
    ORDER_PROPOSED = "order_proposed", _("Improvement order proposed")
    ORDER_ISSUED = "order_issued", _("Improvement order issued")
    ORDER_ACKNOWLEDGED = "order_acknowledged", _("Improvement order acknowledged")
    RESOLVED = "resolved", _("Closed: resolved")
    REFERRED = "referred", _("Closed: referred for penalty consideration")
    DISCARDED = "discarded", _("Discarded draft (METI only)")


CLOSED_STATUSES = frozenset({CaseStatus.RESOLVED, CaseStatus.REFERRED, CaseStatus.DISCARDED})
ACTIVE_STATUSES = frozenset(set(CaseStatus) - CLOSED_STATUSES)
# What the organisation may see: everything once the case is opened to it.
VISIBLE_TO_ORGANISATION = frozenset(set(CaseStatus) - {CaseStatus.DRAFT, CaseStatus.DISCARDED})
# A case may be closed while nobody waits on a decision: not a draft (never opened to the
# company) and not while an order proposal waits for a second supervisor.
CLOSABLE = frozenset(
    {
        CaseStatus.OPENED,
        CaseStatus.GUIDANCE_ISSUED,
        CaseStatus.ORDER_ISSUED,
        CaseStatus.ORDER_ACKNOWLEDGED,
    }
)
# The states in which an issued order is in force (its PDF is the notice the company holds).
ORDER_OUT = frozenset(
    {
        CaseStatus.ORDER_ISSUED,
        CaseStatus.ORDER_ACKNOWLEDGED,
        CaseStatus.RESOLVED,
        CaseStatus.REFERRED,
    }
)

TRANSITION_LABELS = {
    "open": _("Opened to the organisation"),
    "issue_guidance": _("Guidance issued"),
    "propose_order": _("Improvement order proposed"),
    "return_order": _("Order proposal returned"),
    "approve_order": _("Improvement order issued"),
    "acknowledge_order": _("Receipt of the order acknowledged"),
    "resolve": _("Closed as resolved"),
    "refer": _("Closed and referred for penalty consideration"),
    "discard": _("Draft discarded"),
}


# --- what the organisation may see ------------------------------------------------------------


def status_seen_by(user: User | None, status: str) -> str:
    """The one rule for the status a user is shown: an exporter sees a pending order proposal
    as the guidance it still is for them."""
    if status == CaseStatus.ORDER_PROPOSED and roles.is_exporter(user):
        return CaseStatus.GUIDANCE_ISSUED
    return status


def history_seen_by(user: User | None, rows: Iterable[Any]) -> list[Any]:
    """History rows as `status_seen_by` shows them; rows that change nothing the user can see
    (proposing an order, returning a proposal) are left out."""
    visible = []
    for row in rows:
        row.from_status = status_seen_by(user, row.from_status)
        row.to_status = status_seen_by(user, row.to_status)
        if row.from_status != row.to_status:
            visible.append(row)
    return visible


# --- actors -----------------------------------------------------------------------------------


def _refusing(message: Any) -> Callable[[Callable], Callable]:
    def mark(check: Callable) -> Callable:
        check.refusal = message  # type: ignore[attr-defined]
        return check

    return mark


@_refusing(_("Only the organisation concerned can do this."))
def member(case: Any, user: User | None) -> bool:
    return roles.is_member_of_organisation(user, case.organisation_id)


@_refusing(_("Only an officer of the responsible division can do this."))
def officer(case: Any, user: User | None) -> bool:
    return roles.is_officer_of_division(user, case.responsible_division_id)


@_refusing(_("Only a supervisor of the responsible division can do this."))
def supervisor(case: Any, user: User | None) -> bool:
    return roles.is_supervisor_of_division(user, case.responsible_division_id)


@_refusing(_("You cannot decide on your own proposal."))
def not_the_proposer(case: Any, user: User | None) -> bool:
    """Four eyes, as for informs: the supervisor who decides is not who proposed the order."""
    return user is None or proposer_id(case) != user.pk


@_refusing(_("Only the supervisor of the responsible division who did not propose it can do this."))
def second_supervisor(case: Any, user: User | None) -> bool:
    return supervisor(case, user) and not_the_proposer(case, user)


second_supervisor.checks = (supervisor, not_the_proposer)  # type: ignore[attr-defined]


@_refusing(
    _("Only the organisation concerned and the responsible division take part in this case.")
)
def participant(case: Any, user: User | None) -> bool:
    """The division, and the organisation once the case is opened to it (a draft is METI's)."""
    opened = case.status in VISIBLE_TO_ORGANISATION
    return (opened and member(case, user)) or officer(case, user)


def proposer_id(case: Any) -> int | None:
    """Who proposed the pending order (None when no proposal waits)."""
    if case.status != CaseStatus.ORDER_PROPOSED:
        return None
    return case.order_proposed_by_id


# --- the state machine (mixed into compliance.models.ComplianceCase) ---------------------------


class CaseLifecycle:
    """Transitions only change state; compliance.services does everything else."""

    @transition(
        field="status", source=CaseStatus.DRAFT, target=CaseStatus.OPENED, permission=officer
    )
    def open(self) -> None:
        pass

    @transition(
        field="status",
        source=CaseStatus.OPENED,
        target=CaseStatus.GUIDANCE_ISSUED,
        permission=officer,
    )
    def issue_guidance(self) -> None:
        pass

    @transition(
        field="status",
        source=CaseStatus.GUIDANCE_ISSUED,
        target=CaseStatus.ORDER_PROPOSED,
        permission=officer,
    )
    def propose_order(self) -> None:
        pass

    @transition(
        field="status",
        source=CaseStatus.ORDER_PROPOSED,
        target=CaseStatus.GUIDANCE_ISSUED,
        permission=second_supervisor,
    )
    def return_order(self) -> None:
        pass

    @transition(
        field="status",
        source=CaseStatus.ORDER_PROPOSED,
        target=CaseStatus.ORDER_ISSUED,
        permission=second_supervisor,
    )
    def approve_order(self) -> None:
        pass

    @transition(
        field="status",
        source=CaseStatus.ORDER_ISSUED,
        target=CaseStatus.ORDER_ACKNOWLEDGED,
        permission=member,
    )
    def acknowledge_order(self) -> None:
        pass

    @transition(
        field="status", source=list(CLOSABLE), target=CaseStatus.RESOLVED, permission=officer
    )
    def resolve(self) -> None:
        pass

    @transition(
        field="status", source=list(CLOSABLE), target=CaseStatus.REFERRED, permission=officer
    )
    def refer(self) -> None:
        pass

    @transition(
        field="status", source=CaseStatus.DRAFT, target=CaseStatus.DISCARDED, permission=officer
    )
    def discard(self) -> None:
        pass


NOT_IN_THIS_STATE = _("This action is not allowed in the current state.")


@dataclass(frozen=True)
class Rule:
    """Who may take an action and from which states."""

    sources: frozenset[str]
    actor: Callable[[Any, User | None], bool]
    state_refusal: Any = NOT_IN_THIS_STATE


# Actions on a case that do not change its state, with the same kind of rule.
_OTHER_ACTIONS = {
    "discuss": Rule(
        ACTIVE_STATUSES,
        participant,
        _("This case is closed: nothing can be added."),
    ),
}

_STATE_REFUSALS = {
    "open": _("This case has already been opened to the organisation."),
    "issue_guidance": _("Guidance can be issued only on a case just opened to the organisation."),
    "propose_order": _("An improvement order can be proposed only after guidance was issued."),
    "return_order": _("No improvement order proposal is waiting for a decision."),
    "approve_order": _("No improvement order proposal is waiting for a decision."),
    "acknowledge_order": _(
        "Only an issued order that is not yet acknowledged can be acknowledged."
    ),
    "resolve": _("This case cannot be closed now."),
    "refer": _("This case cannot be closed now."),
    "discard": _("Only a draft that was never opened to the organisation can be discarded."),
}


@functools.cache
def _rules() -> dict[str, Rule]:
    """Every action's rule: the state machine's transitions (read through django-fsm's public
    API) and the other actions above."""
    rules: dict[str, Rule] = {}
    case_class = case_models.ComplianceCase
    for step in case_class._meta.get_field("status").get_all_transitions(case_class):
        known = rules.get(step.name)
        sources = (known.sources if known else frozenset()) | {step.source}
        rules[step.name] = Rule(
            frozenset(sources), step.permission, _STATE_REFUSALS.get(step.name, NOT_IN_THIS_STATE)
        )
    return {**rules, **_OTHER_ACTIONS}


def _first_actor_refusal(check: Callable, case: Any, user: User | None) -> Any | None:
    parts: tuple[Any, ...] = getattr(check, "checks", (check,))
    for part in parts:
        if not part(case, user):
            return part.refusal
    return None


def refusal(case: Any, user: User | None, action: str) -> Exception | None:
    """Why `user` may not take `action` on `case` now (PermissionDenied: never, for this actor;
    InvalidTransition: not in this state), or None if they may."""
    rule = _rules()[action]
    reason = _first_actor_refusal(rule.actor, case, user)
    if reason is not None:
        return PermissionDenied(reason)
    if case.status not in rule.sources:
        return InvalidTransition(status_seen_by(user, case.status), rule.state_refusal)
    return None


def state_refusal(case: Any, user: User | None, action: str) -> Any | None:
    """Why `action` cannot be taken now because of the case's state (the message), or None."""
    problem = refusal(case, user, action)
    return problem.message if isinstance(problem, InvalidTransition) else None


def require(case: Any, user: User | None, action: str) -> None:
    problem = refusal(case, user, action)
    if problem is not None:
        raise problem


def require_actor(case: Any, user: User | None, action: str) -> None:
    """Only the actor part of the rule: a role that may never do this hears 403 before anything
    about its input."""
    reason = _first_actor_refusal(_rules()[action].actor, case, user)
    if reason is not None:
        raise PermissionDenied(reason)


def available_actions(case: Any, user: User | None) -> frozenset[str]:
    """What this user may do on this case now: what pages and the API offer."""
    return frozenset(name for name in _rules() if refusal(case, user, name) is None)


def case_url(case: Any) -> str:
    from django.urls import reverse

    return reverse("compliance:detail", args=[case.pk])


# --- the transition runner --------------------------------------------------------------------


def run_transition(
    *,
    case_id: int,
    actor: User | None,
    name: str,
    reason: str = "",
    details: dict | None = None,
    changes: dict[str, Any] | None = None,
) -> Any:
    """Lock the case, check the rule, run transition `name`, save, record history and audit.
    Runs inside the calling service's transaction."""
    case = case_models.ComplianceCase.objects.select_for_update().get(pk=case_id)
    require(case, actor, name)
    from_status = case.status
    getattr(case, name)()
    for field, value in (changes or {}).items():
        setattr(case, field, value)
    case.save()
    case_models.CaseTransition.objects.create(
        case=case,
        transition=name,
        from_status=from_status,
        to_status=case.status,
        actor=actor,
        reason=reason,
        details=details or {},
    )
    audit_record(
        actor=actor,
        verb=f"compliance.{name}",
        target=case,
        payload={"from": from_status, "to": case.status, "reason": reason, **(details or {})},
    )
    return case


# Imported last on purpose: compliance.models mixes CaseLifecycle (above) into ComplianceCase,
# so the models module imports this one; the functions here use the models only when called.
from . import models as case_models  # noqa: E402
