"""Reads on reports, always scoped to what the user may see."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.http import Http404

from portal import roles
from portal.models import User

from . import clock, lifecycle
from .models import OPEN_STATUSES, Report, ReportTransition, Status

# The report's long texts: lists (dashboard, queue, clock overview) never show them, so they
# leave them unread (`.defer(*REPORT_LONG_TEXTS)`); the report page and the API read them.
REPORT_LONG_TEXTS = (
    "technology_summary",
    "management_measures",
    "late_reason",
    "withdrawal_reason",
    "outcome_summary",
    "agreed_measures",
    "not_subject_reason",
    "counterparty_address",
    "provision_methods",
)


# What templates/reports/_clock_overview.html shows of a report.
OVERVIEW_FIELDS = (
    "reference",
    "status",
    "decision_due_at",
    "closed_at",
    "responsible_division",
    "organisation__name_ja",
    "organisation__name_en",
    "assigned_officer__username",
    "assigned_officer__first_name",
    "assigned_officer__last_name",
)


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
    # Only what the overview shows: up to 100 rows on every queue and supervisor page.
    qs = (
        reports_visible_to(user)
        .select_related(None)
        .select_related("organisation", "assigned_officer")
        .only(*OVERVIEW_FIELDS)
    )
    week_end = clock.end_of_day_jst(clock.jst_date(now) + datetime.timedelta(days=6))
    due = qs.filter(
        status__in=OPEN_STATUSES, decision_due_at__gt=now, decision_due_at__lte=week_end
    ).order_by("decision_due_at", "id")
    lapsed = qs.filter(
        status=Status.LAPSED, closed_at__gte=now - datetime.timedelta(days=7)
    ).order_by("-closed_at", "-id")
    return {"due_this_week": list(due[:50]), "lapsed_recently": list(lapsed[:50])}


def status_seen_by(user: User, report: Report) -> str:
    """The report's status as this user is shown it (reports.lifecycle.status_seen_by)."""
    return lifecycle.status_seen_by(user, report.status)


def transitions_visible_to(user: User, report: Report) -> list[ReportTransition]:
    """The report's history as this user is shown it (reports.lifecycle.history_seen_by)."""
    rows = report.transitions.select_related("actor").order_by("at", "id")
    return lifecycle.history_seen_by(user, rows)


def dashboard_reports(user: User) -> QuerySet[Report]:
    """An exporter's reports for the dashboard, newest first (the index report_org_created)."""
    return reports_visible_to(user).defer(*REPORT_LONG_TEXTS).order_by("-created_at", "-id")


def filter_by_status(qs: QuerySet[Report], user: User, status: str) -> QuerySet[Report]:
    """`?status=` as the user sees statuses: the states shown to them under that name."""
    return qs.filter(
        status__in=[s for s in Status.values if lifecycle.status_seen_by(user, s) == status]
    )
