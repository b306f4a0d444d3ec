"""Reads on informs, always scoped to what the user may see."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from portal import roles
from portal.models import User
from reports import clock
from reports.models import Report, Status

from .models import Inform, InformStatus


def informs_visible_to(user: User) -> QuerySet[Inform]:
    """Staff: every inform of their division's reports, proposals included. Exporters: only
    issued informs of their organisation's reports, since a proposal is internal to METI until
    a second supervisor approves it. Everyone else: nothing."""
    qs = Inform.objects.select_related(
        "report",
        "report__organisation",
        "report__responsible_division",
        "proposed_by",
        "approved_by",
        "returned_by",
        "acknowledged_by",
    )
    if roles.is_meti_staff(user) and user.division_id is not None:
        return qs.filter(report__responsible_division_id=user.division_id)
    if roles.is_exporter(user) and user.organisation_id is not None:
        return qs.filter(report__organisation_id=user.organisation_id, status=InformStatus.ISSUED)
    return qs.none()


def inform_for_user(user: User, inform_id: int | str) -> Inform:
    """The inform if the user may see it; 404 otherwise, so that existence does not leak."""
    try:
        return informs_visible_to(user).get(pk=int(inform_id))
    except (Inform.DoesNotExist, ValueError, TypeError):
        raise Http404("No such inform.") from None


def informs_of_report(user: User, report: Report) -> QuerySet[Inform]:
    """The report's informs the user may see, oldest proposal first (the history)."""
    return informs_visible_to(user).filter(report=report).order_by("proposed_at", "id")


@dataclass
class PendingProposal:
    inform: Inform
    report: Report
    days_remaining: int | None
    last_day: datetime.date | None  # the last JST day on which it may still be approved
    own: bool


# What the supervisors' page shows of each proposal. Never the grounds, conditions or legal
# basis, nor the report's long texts: the page is a list, the report page shows the rest.
PROPOSAL_LIST_FIELDS = (
    "id",
    "status",
    "proposed_at",
    "report",
    "proposed_by",
    "report__organisation",
    "report__technology",
    "proposed_by__username",
    "proposed_by__first_name",
    "proposed_by__last_name",
    "report__reference",
    "report__status",
    "report__decision_due_at",
    "report__responsible_division_id",
    "report__organisation__name_ja",
    "report__organisation__name_en",
    "report__technology__name_ja",
    "report__technology__name_en",
)


def pending_proposals(user: User, *, own: bool) -> QuerySet[Inform]:
    """Open proposals of the supervisor's division, the nearest report deadline first: the
    supervisor's own (`own=True`, another supervisor decides) or those awaiting them.

    A proposal whose report already lapsed is not pending any more and is left out.
    """
    if not roles.is_supervisor(user) or user.division_id is None:
        return Inform.objects.none()
    qs = (
        Inform.objects.filter(
            status=InformStatus.PROPOSED,
            report__status=Status.INFORM_PROPOSED,
            report__responsible_division_id=user.division_id,
        )
        .select_related("report__organisation", "report__technology", "proposed_by")
        .only(*PROPOSAL_LIST_FIELDS)
        .order_by("report__decision_due_at", "proposed_at", "id")
    )
    return qs.filter(proposed_by=user) if own else qs.exclude(proposed_by=user)


def as_pending(
    user: User, informs: Iterable[Inform], now: datetime.datetime
) -> list[PendingProposal]:
    """Proposals with what the page says of their deadline."""
    return [
        PendingProposal(
            inform=inform,
            report=inform.report,
            days_remaining=clock.days_remaining(inform.report.decision_due_at, now),
            last_day=(
                clock.last_day_of(inform.report.decision_due_at)
                if inform.report.decision_due_at
                else None
            ),
            own=inform.proposed_by_id == user.pk,
        )
        for inform in informs
    ]
