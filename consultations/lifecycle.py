"""The consultation's lifecycle in one place (issue 15, "Consultations").

Every action on a consultation, who may take it, from which states:

| action      | from         | to      | actor                                            | guard                         |
|-------------|--------------|---------|--------------------------------------------------|-------------------------------|
| close       | open         | closed  | an officer of the responsible division           | an outcome and a summary      |
| transfer    | open         | (same)  | an officer of the responsible division           | another division; a reason    |
| discuss     | open         | (same)  | the organisation or the responsible division     | —                             |
| file_report | open, closed | (same)  | a member of the consulting organisation          | —                             |
| link_report | open, closed | (same)  | a member of the consulting organisation          | their own report, not linked  |

"Officer" means an officer or a supervisor of the division (portal.roles). There is no decision
clock: beat only reminds the division of a company left waiting (services.consultations_remind).
Pages and the API offer what `available_actions` returns; services call `require` (403 for an
actor who may never do this, 409 for a state that refuses it now) and then the django-fsm
transition, which checks the same permission again.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import TextChoices
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import transition

from catalog.rules import RuleCode
from portal import roles
from portal.errors import InvalidTransition
from portal.models import User
from portal.selectors import organisation_members
from portal.services import audit_record, notify
from portal.text import lazy_format
from reports.limits import too_long_message


class Status(TextChoices):
    OPEN = "open", _("Under consultation")
    CLOSED = "closed", _("Closed")


class Outcome(TextChoices):
    REPORT_NEEDED = "report_needed", _("A prior report is needed")
    NOT_NEEDED = "not_needed", _("No prior report is needed")
    OTHER = "other", _("Other")


TRANSITION_LABELS = {
    "open": _("Consultation opened"),
    "transfer": _("Transferred to another division"),
    "close": _("Closed"),
}


# --- actors -------------------------------------------------------------------------------------


def _refusing(message: Any) -> Callable[[Callable], Callable]:
    def mark(check: Callable) -> Callable:
        check.refusal = message  # type: ignore[attr-defined]
        return check

    return mark


@_refusing(_("Only the consulting organisation can do this."))
def consulter(consultation: Any, user: User | None) -> bool:
    return roles.is_member_of_organisation(user, consultation.organisation_id)


@_refusing(_("Only an officer of the responsible division can do this."))
def officer(consultation: Any, user: User | None) -> bool:
    return roles.is_officer_of_division(user, consultation.responsible_division_id)


@_refusing(_("Only the consulting organisation and the responsible division take part."))
def participant(consultation: Any, user: User | None) -> bool:
    return consulter(consultation, user) or officer(consultation, user)


# --- the state machine (mixed into consultations.models.Consultation) --------------------------


class ConsultationLifecycle:
    """Transitions only change state; the services do everything else."""

    @transition(field="status", source=Status.OPEN, target=Status.CLOSED, permission=officer)
    def close(self) -> None:
        pass


@dataclass(frozen=True)
class Rule:
    sources: frozenset[str]
    actor: Callable[[Any, User | None], bool]
    state_refusal: Any


_OTHER_ACTIONS = {
    "transfer": Rule(
        frozenset({Status.OPEN}), officer, _("Only an open consultation can be transferred.")
    ),
    "discuss": Rule(
        frozenset({Status.OPEN}),
        participant,
        _("The consultation is closed: nothing can be added."),
    ),
    "file_report": Rule(frozenset({Status.OPEN, Status.CLOSED}), consulter, ""),
    "link_report": Rule(frozenset({Status.OPEN, Status.CLOSED}), consulter, ""),
}


@functools.cache
def _rules() -> dict[str, Rule]:
    """Every action's rule: the state machine's transitions (django-fsm's public API) and the
    other actions above."""
    rules: dict[str, Rule] = {}
    model = consultation_models.Consultation
    for step in model._meta.get_field("status").get_all_transitions(model):
        known = rules.get(step.name)
        sources = (known.sources if known else frozenset()) | {step.source}
        rules[step.name] = Rule(frozenset(sources), step.permission, "")
    return {**rules, **_OTHER_ACTIONS}


NOT_IN_THIS_STATE = _("This action is not allowed in the current state.")


def refusal(consultation: Any, user: User | None, action: str) -> Exception | None:
    """Why `user` may not take `action` now (PermissionDenied: never, for this actor;
    InvalidTransition: not in this state), or None if they may."""
    rule = _rules()[action]
    if not rule.actor(consultation, user):
        return PermissionDenied(rule.actor.refusal)  # type: ignore[attr-defined]
    if consultation.status not in rule.sources:
        return InvalidTransition(consultation.status, rule.state_refusal or NOT_IN_THIS_STATE)
    return None


def state_refusal(consultation: Any, user: User | None, action: str) -> Any | None:
    """The message when the state refuses `action` now (for pages before a confirmation)."""
    problem = refusal(consultation, user, action)
    return problem.message if isinstance(problem, InvalidTransition) else None


def require(consultation: Any, user: User | None, action: str) -> None:
    problem = refusal(consultation, user, action)
    if problem is not None:
        raise problem


def require_actor(consultation: Any, user: User | None, action: str) -> None:
    """Only the actor part: a role that may never do this hears 403 before anything else."""
    check = _rules()[action].actor
    if not check(consultation, user):
        raise PermissionDenied(check.refusal)  # type: ignore[attr-defined]


def available_actions(consultation: Any, user: User | None) -> frozenset[str]:
    """What this user may do on this consultation now: what pages and the API offer."""
    return frozenset(name for name in _rules() if refusal(consultation, user, name) is None)


def consultation_url(consultation: Any) -> str:
    from django.urls import reverse

    return reverse("consultations:detail", args=[consultation.pk])


# --- history and the transition runner ---------------------------------------------------------


def history_record(
    *,
    consultation: Any,
    actor: User | None,
    name: str,
    from_status: str,
    reason: str = "",
    details: dict | None = None,
) -> None:
    """One history row and its audit row (verb `consultation.<name>`)."""
    consultation_models.ConsultationTransition.objects.create(
        consultation=consultation,
        transition=name,
        from_status=from_status,
        to_status=consultation.status,
        actor=actor,
        reason=reason,
        details=details or {},
    )
    audit_record(
        actor=actor,
        verb=f"consultation.{name}",
        target=consultation,
        payload={
            "from": from_status,
            "to": consultation.status,
            "reason": reason,
            **(details or {}),
        },
    )


def lock(consultation_id: int) -> Any:
    """The consultation row, locked until the caller's transaction ends."""
    return consultation_models.Consultation.objects.select_for_update().get(pk=consultation_id)


# --- closing ------------------------------------------------------------------------------------


def close_errors(outcome: str, rule: str, summary: str) -> dict[str, list[Any]]:
    errors: dict[str, list[Any]] = {}
    if outcome not in Outcome.values:
        errors["outcome"] = [_("Choose the outcome of the consultation.")]
    if outcome == Outcome.NOT_NEEDED and rule not in RuleCode.values:
        errors["rule"] = [_("Choose the screening rule by which no report is needed.")]
    if outcome != Outcome.NOT_NEEDED and rule:
        errors["rule"] = [_("A screening rule is given only when no report is needed.")]
    if not summary:
        errors["summary"] = [_("Write the summary the company will read.")]
    limit = consultation_models.OUTCOME_SUMMARY_MAX_LENGTH
    if len(summary) > limit:
        errors["summary"] = [too_long_message(summary, limit)]
    return errors


@transaction.atomic
def consultation_close(
    *, actor: User, consultation_id: int, outcome: str, rule: str = "", summary: str
) -> Any:
    """An officer closes the consultation with its outcome and a summary the company sees."""
    consultation = lock(consultation_id)
    require(consultation, actor, "close")
    outcome, rule, summary = outcome or "", rule or "", (summary or "").strip()
    errors = close_errors(outcome, rule, summary)
    if errors:
        raise ValidationError(errors)
    from_status = consultation.status
    consultation.close()
    consultation.outcome = outcome
    consultation.outcome_rule = rule
    consultation.outcome_summary = summary
    consultation.closed_at = timezone.now()
    consultation.awaiting_reply_since = None
    consultation.save()
    history_record(
        consultation=consultation,
        actor=actor,
        name="close",
        from_status=from_status,
        reason=summary,
        details={"outcome": outcome, "rule": rule},
    )
    notify(
        recipients=organisation_members(consultation.organisation_id),
        verb="consultation.closed",
        title=lazy_format(
            _("METI closed your consultation %(reference)s"),
            {"reference": consultation.reference},
        ),
        body=lazy_format(
            _("Outcome: %(outcome)s. Sign in to the portal to read the summary."),
            {"outcome": Outcome(outcome).label},
        ),
        url=consultation_url(consultation),
        exclude=actor,
    )
    return consultation


# Imported last on purpose: consultations.models mixes ConsultationLifecycle (above) into
# Consultation, so the models module imports this one.
from . import models as consultation_models  # noqa: E402
