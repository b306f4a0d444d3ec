"""Reads on reports, always scoped to what the user may see."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.http import Http404

from portal import roles
from portal.models import User

from . import clock
from .models import Report, ReportTransition, Status


def reports_visible_to(user: User) -> QuerySet[Report]:
    """Exporters: their organisation's reports. Officers and supervisors: their division's
    filed reports (never drafts). Everyone else: nothing."""
    qs = Report.objects.select_related(
        "technology", "counterparty_country", "organisation", "assigned_officer"
    )
    if roles.is_exporter(user):
        return qs.filter(organisation_id=user.organisation_id)
    if roles.is_meti_staff(user):
        return qs.filter(responsible_division_id=user.division_id).exclude(status=Status.DRAFT)
    return qs.none()


def report_for_user(user: User, report_id: int | str, *, for_update: bool = False) -> Report:
    """The report if the user may see it; 404 otherwise, so that existence does not leak."""
    try:
        return reports_visible_to(user).get(pk=int(report_id))
    except (Report.DoesNotExist, ValueError, TypeError):
        raise Http404("No such report.") from None


def clock_overview(user: User, *, now: datetime.datetime) -> dict[str, list[Report]]:
    """For officers' and supervisors' dashboards: what is due within the week (JST) and what
    lapsed in the last 7 days, in the user's division."""
    from .models import OPEN_STATUSES

    qs = reports_visible_to(user)
    week_end = clock.end_of_day_jst(clock.jst_date(now) + datetime.timedelta(days=6))
    due = qs.filter(
        status__in=OPEN_STATUSES, decision_due_at__gt=now, decision_due_at__lte=week_end
    ).order_by("decision_due_at", "id")
    lapsed = qs.filter(
        status=Status.LAPSED, closed_at__gte=now - datetime.timedelta(days=7)
    ).order_by("-closed_at", "-id")
    return {"due_this_week": list(due[:50]), "lapsed_recently": list(lapsed[:50])}


# Until an inform is issued the exporter sees neither it nor that one was proposed
# (issue: "the exporter sees neither the inform nor its PDF before it is issued"): for them a
# proposal is still the dialogue, and proposal and return rows stay out of their history.
_HIDDEN_FROM_EXPORTERS = ("propose_inform", "return_proposal")


def status_seen_by(user: User, report: Report) -> str:
    if roles.is_exporter(user) and report.status == Status.INFORM_PROPOSED:
        return Status.UNDER_DIALOGUE
    return report.status


def transitions_visible_to(user: User, report: Report) -> list[ReportTransition]:
    rows = list(report.transitions.select_related("actor").order_by("at", "id"))
    if not roles.is_exporter(user):
        return rows
    visible = []
    for row in rows:
        if row.transition in _HIDDEN_FROM_EXPORTERS:
            continue
        if row.from_status == Status.INFORM_PROPOSED:
            row.from_status = Status.UNDER_DIALOGUE
        visible.append(row)
    return visible


def filter_by_status(qs: QuerySet[Report], user: User, status: str) -> QuerySet[Report]:
    """`?status=` as the user sees statuses (see status_seen_by)."""
    if not roles.is_exporter(user):
        return qs.filter(status=status)
    if status == Status.UNDER_DIALOGUE:
        return qs.filter(status__in=[Status.UNDER_DIALOGUE, Status.INFORM_PROPOSED])
    if status == Status.INFORM_PROPOSED:
        return qs.none()
    return qs.filter(status=status)
