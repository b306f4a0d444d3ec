"""Reads on compliance cases, always scoped to what the user may see."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from dialogue import threads
from dialogue.models import Attachment, Message
from portal import roles
from portal.models import User
from reports.models import Report

from . import lifecycle
from .lifecycle import VISIBLE_TO_ORGANISATION, CaseStatus
from .models import CaseTransition, ComplianceCase, NoticeWording

# Long texts that lists never show and so leave unread.
CASE_LONG_TEXTS = (
    "facts",
    "guidance_measures",
    "guidance_legal_basis",
    "order_measures",
    "order_legal_basis",
    "closing_summary",
)


def cases_visible_to(user: User) -> QuerySet[ComplianceCase]:
    """Staff: their division's cases, drafts included. Exporters: their organisation's cases
    once opened to it (a draft is METI's alone). Everyone else: nothing."""
    qs = ComplianceCase.objects.select_related(
        "organisation", "responsible_division", "technology", "assigned_officer", "report"
    )
    if roles.is_meti_staff(user):
        return qs.filter(responsible_division_id=user.division_id)
    if roles.is_exporter(user):
        return qs.filter(
            organisation_id=user.organisation_id, status__in=sorted(VISIBLE_TO_ORGANISATION)
        )
    return qs.none()


def case_for_user(user: User, case_id: int | str) -> ComplianceCase:
    """The case if the user may see it; 404 otherwise, so that existence does not leak."""
    try:
        return cases_visible_to(user).get(pk=int(case_id))
    except (ComplianceCase.DoesNotExist, ValueError, TypeError):
        raise Http404("No such compliance case.") from None


def case_list(user: User, *, status: str = "") -> QuerySet[ComplianceCase]:
    """The user's cases, newest first (indexes compliance_division_created and
    compliance_org_created); `status` as the user sees statuses."""
    qs = cases_visible_to(user).defer(*CASE_LONG_TEXTS).order_by("-created_at", "-id")
    if status:
        qs = qs.filter(
            status__in=[s for s in CaseStatus.values if lifecycle.status_seen_by(user, s) == status]
        )
    return qs


def sees_internal(user: User, case: ComplianceCase) -> bool:
    """Internal notes: only the case's division's officers and supervisors."""
    return roles.is_officer_of_division(user, case.responsible_division_id)


def case_history(user: User, case: ComplianceCase) -> list[CaseTransition]:
    """The case's transitions as this user is shown them (lifecycle.history_seen_by)."""
    rows = lifecycle.history_seen_by(
        user, case.transitions.select_related("actor").order_by("at", "id")
    )
    for row in rows:
        row.label = lifecycle.TRANSITION_LABELS.get(row.transition, row.transition)
    return rows


def case_messages(user: User, case: ComplianceCase) -> QuerySet[Message]:
    return threads.thread_messages(
        case.thread_id, include_internal=sees_internal(user, case)
    ).prefetch_related("attachments")


def case_attachments(user: User, case: ComplianceCase) -> QuerySet[Attachment]:
    return threads.thread_attachments(case.thread_id, include_internal=sees_internal(user, case))


def case_attachment(user: User, case: ComplianceCase, attachment_id: int | str) -> Attachment:
    return threads.thread_attachment(
        thread_id=case.thread_id,
        attachment_id=attachment_id,
        include_internal=sees_internal(user, case),
    )


def unread_counts(user: User, cases: list[ComplianceCase]) -> dict[int, int]:
    """Unread messages per case thread, in one query."""
    if not cases:
        return {}
    include_internal = roles.is_meti_staff(user)  # the list holds the user's division's only
    return threads.thread_unread_counts(
        user, [c.thread_id for c in cases], include_internal=include_internal
    )


def cases_of_report(user: User, report: Report) -> QuerySet[ComplianceCase]:
    """The cases opened from a report, for its page (staff of the division only)."""
    if not roles.is_officer_of_division(user, report.responsible_division_id):
        return ComplianceCase.objects.none()
    return cases_visible_to(user).filter(report=report).defer(*CASE_LONG_TEXTS)


def can_open_from_report(user: User, report: Report) -> bool:
    """The report page's button: staff of the division, on a report flagged late."""
    return bool(report.late) and roles.is_officer_of_division(user, report.responsible_division_id)


def order_case_for_user(user: User, case_id: int | str) -> ComplianceCase:
    """A case whose order notice the user may read: once issued, everyone on the case; while a
    proposal waits, its draft for the division's staff only; otherwise there is none (404)."""
    case = case_for_user(user, case_id)
    if case.order_number or (
        case.status == CaseStatus.ORDER_PROPOSED and sees_internal(user, case)
    ):
        return case
    raise Http404("No improvement order.")


def notice_wordings() -> QuerySet[NoticeWording]:
    return NoticeWording.objects.select_related("updated_by").order_by("kind")


# --- statistics (the insight app's page and API) -----------------------------------------------


def compliance_case_statistics(
    *,
    date_from: datetime.datetime,
    date_before: datetime.datetime,
    division_id: int | None,
    technology_code: str = "",
    country_code: str = "",
) -> dict[str, Any]:
    """Compliance cases (transfers that went unreported) recorded in [date_from, date_before):
    how many, how many were opened to the organisation, and how many are at each stage now;
    one query. A case has a country only through the late report it came from, so a country
    filter counts only cases with such a report."""
    cases = ComplianceCase.objects.filter(created_at__gte=date_from, created_at__lt=date_before)
    if division_id is not None:
        cases = cases.filter(responsible_division_id=division_id)
    if technology_code:
        cases = cases.filter(technology__code=technology_code)
    if country_code:
        cases = cases.filter(report__counterparty_country_id=country_code)
    counts = cases.aggregate(
        recorded=Count("id"),
        opened=Count("id", filter=Q(opened_at__isnull=False)),
        **{f"stage_{status.value}": Count("id", filter=Q(status=status)) for status in CaseStatus},
    )
    return {
        "recorded": counts["recorded"],
        "opened": counts["opened"],
        "stages": [
            {"stage": status.value, "label": status.label, "count": counts[f"stage_{status.value}"]}
            for status in CaseStatus
        ],
    }
