"""Reads of the dialogue: the officers' queue, threads as each user may see them, unread counts."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from portal import roles
from portal.models import Organisation, User
from portal.selectors import division_staff
from reports import clock
from reports.models import OPEN_STATUSES, Report, Status
from reports.selectors import REPORT_LONG_TEXTS, reports_visible_to

from . import threads
from .models import Attachment, Message

# Queue status filter values beyond the state codes themselves.
QUEUE_OPEN = "open"
QUEUE_ALL = "all"
DUE_SOON_DAYS = 7


def sees_internal_notes(user: User, report: Report) -> bool:
    """Internal notes are for the responsible division's officers and supervisors only."""
    return roles.is_officer_of_division(user, report.responsible_division_id)


def due_soon_cutoff(now: datetime.datetime) -> datetime.datetime:
    """Reports due at or before this moment have DUE_SOON_DAYS or fewer days remaining."""
    return clock.latest_due_at_with_days_remaining(DUE_SOON_DAYS, now)


def queue_for(user: User, filters: dict[str, Any] | None = None) -> QuerySet[Report]:
    """The division's reports for an officer or supervisor, filtered, by decision deadline.

    filters: `status` (a state code, "open" — the default — or "all"), `technology` (code),
    `country` (ISO alpha-2), `assigned_to_me` (bool), `due_soon` (7 days or fewer left),
    `q` (reference, company name in either language, or counterparty), `now` (for tests).
    """
    if not roles.is_meti_staff(user):
        return Report.objects.none()
    filters = filters or {}
    qs = reports_visible_to(user).select_related("responsible_division")
    status = filters.get("status") or QUEUE_OPEN
    if status == QUEUE_OPEN:
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif status in Status.values:
        qs = qs.filter(status=status)
    if filters.get("technology"):
        qs = qs.filter(technology__code=filters["technology"])
    if filters.get("country"):
        qs = qs.filter(counterparty_country_id=str(filters["country"]).upper())
    if filters.get("assigned_to_me"):
        qs = qs.filter(assigned_officer=user)
    if filters.get("due_soon"):
        now = filters.get("now") or timezone.now()
        qs = qs.filter(status__in=OPEN_STATUSES, decision_due_at__lte=due_soon_cutoff(now))
    q = (filters.get("q") or "").strip()
    if q:
        # The companies first (a few dozen rows), so that the reports are matched on their
        # own columns without a join: on PostgreSQL each arm then has an index (the
        # organisation's, and pg_trgm on reference and counterparty, reports migration 0006)
        # instead of a LIKE on every open report of the division, twice (count and page).
        organisations = list(
            Organisation.objects.filter(Q(name_ja__icontains=q) | Q(name_en__icontains=q))
            .order_by()
            .values_list("pk", flat=True)
        )
        qs = qs.filter(
            Q(reference__icontains=q)
            | Q(counterparty_name__icontains=q)
            | Q(organisation_id__in=organisations)
        )
    # Undecided reports have a deadline; any without one (none in practice) go last.
    return qs.defer(*REPORT_LONG_TEXTS).order_by(F("decision_due_at").asc(nulls_last=True), "id")


def division_workload(division_id: int) -> QuerySet[User]:
    """The division's officers and supervisors, each with `open_reports` assigned to them."""
    # A count per person over the division's open reports only (the partial index
    # report_open_division_officer), not a join to every report ever assigned to them.
    open_assigned = (
        Report.objects.filter(
            responsible_division_id=division_id,
            status__in=OPEN_STATUSES,
            assigned_officer_id=OuterRef("pk"),
        )
        .order_by()
        .values("assigned_officer_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return (
        division_staff(division_id)
        .annotate(open_reports=Coalesce(Subquery(open_assigned), 0))
        .order_by("-open_reports", "username")
    )


def unassigned_open_count(division_id: int) -> int:
    return Report.objects.filter(
        responsible_division_id=division_id,
        status__in=OPEN_STATUSES,
        assigned_officer__isnull=True,
    ).count()


def thread_messages(user: User, report: Report) -> QuerySet[Message]:
    """The report's messages, oldest first, as this user may see them (no internal notes for
    anyone outside the responsible division). The caller has checked access to the report."""
    return threads.thread_messages(
        report.thread_id, include_internal=sees_internal_notes(user, report)
    )


def report_attachments(user: User, report: Report) -> QuerySet[Attachment]:
    """The report's attachments this user may download (none of an internal note's for the
    exporter)."""
    return threads.thread_attachments(
        report.thread_id, include_internal=sees_internal_notes(user, report)
    )


def attachment_for_user(user: User, attachment_id: int | str) -> Attachment:
    """A report's attachment if the user may download it; 404 otherwise, as for the report."""
    try:
        pk = int(attachment_id)
    except (ValueError, TypeError):
        raise Http404("No such attachment.") from None
    report = (
        reports_visible_to(user)
        .filter(thread__attachments__pk=pk)
        .values("thread_id", "responsible_division_id")
        .first()
    )
    if report is None:
        raise Http404("No such attachment.")
    return threads.thread_attachment(
        thread_id=report["thread_id"],
        attachment_id=pk,
        include_internal=roles.is_officer_of_division(user, report["responsible_division_id"]),
    )


def unread_message_counts(user: User, report_ids: Iterable[int]) -> dict[int, int]:
    """Unread messages per report: messages by others after the user's read marker; internal
    notes never count for an exporter. Reports the user may not see count 0."""
    ids = [int(i) for i in report_ids]
    counts = dict.fromkeys(ids, 0)
    if not ids:
        return counts
    visible_threads = reports_visible_to(user).filter(pk__in=ids).order_by().values("thread_id")
    # Staff see only their own division's reports (reports_visible_to), notes included.
    counts.update(
        threads.thread_unread_counts(
            user,
            visible_threads,
            include_internal=roles.is_meti_staff(user),
            key="thread__report",
        )
    )
    return counts


def last_read_message_id(user: User, report: Report) -> int:
    return threads.thread_last_read(user, report.thread_id)
