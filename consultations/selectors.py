"""Reads on consultations, always scoped to what the user may see."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, QuerySet
from django.db.models.functions import TruncMonth
from django.http import Http404

from dialogue import threads
from dialogue.models import Attachment, Message
from portal import roles, workdays
from portal.models import Division, User
from reports.clock import JST
from reports.models import Report

from . import lifecycle
from .models import Consultation, ConsultationReport, ConsultationTransition, GeneralDesk, Status

LIST_ALL = "all"


def consultations_visible_to(user: User) -> QuerySet[Consultation]:
    """Companies: their organisation's consultations. Officers and supervisors: those with
    their division now (a transfer takes it away). Everyone else: nothing."""
    qs = Consultation.objects.select_related(
        "technology", "counterparty_country", "organisation", "responsible_division"
    )
    if roles.is_exporter(user):
        return qs.filter(organisation_id=user.organisation_id)
    if roles.is_meti_staff(user):
        return qs.filter(responsible_division_id=user.division_id)
    return qs.none()


def consultation_for_user(user: User, consultation_id: Any) -> Consultation:
    """The consultation if the user may see it; 404 otherwise, so that existence does not leak."""
    try:
        return consultations_visible_to(user).get(pk=int(consultation_id))
    except (Consultation.DoesNotExist, ValueError, TypeError):
        raise Http404("No such consultation.") from None


def consultation_list(user: User, *, show: str = "") -> QuerySet[Consultation]:
    """Staff: the division's open consultations, the longest waiting first (those METI has
    answered last), or with `show=all` every one, newest first. Companies: theirs, newest
    first."""
    qs = consultations_visible_to(user).defer("description", "outcome_summary")
    if roles.is_meti_staff(user) and show != LIST_ALL:
        return qs.filter(status=Status.OPEN).order_by(
            F("awaiting_reply_since").asc(nulls_last=True), "id"
        )
    return qs.order_by("-created_at", "-id")


def waiting_working_days(consultation: Consultation, now: datetime.datetime) -> int | None:
    """Working days the company has waited for METI's answer (None: METI spoke last)."""
    if consultation.awaiting_reply_since is None:
        return None
    return workdays.working_days_since(consultation.awaiting_reply_since, now)


def open_consultations_for_dashboard(user: User, limit: int = 10) -> list[Consultation]:
    """The company's open consultations, newest first, for its dashboard."""
    if not roles.is_exporter(user):
        return []
    return list(
        consultations_visible_to(user)
        .filter(status=Status.OPEN)
        .defer("description", "outcome_summary")
        .order_by("-created_at", "-id")[:limit]
    )


def consultations_by_report(user: User, report_ids: list[int]) -> dict[int, list[Consultation]]:
    """For the dashboard's rows: the consultations linked to each of these reports that the
    user may open, in the order they were linked; one query for the whole page."""
    if not report_ids:
        return {}
    links = (
        ConsultationReport.objects.filter(
            report_id__in=report_ids,
            consultation__in=consultations_visible_to(user).values("pk"),
        )
        .select_related("consultation")
        .only("report", "consultation__reference", "consultation__status")
        .order_by("linked_at", "id")
    )
    found: dict[int, list[Consultation]] = {}
    for link in links:
        found.setdefault(link.report_id, []).append(link.consultation)
    return found


def can_see_internal(user: User, consultation: Consultation) -> bool:
    """Internal notes: the responsible division's officers and supervisors only."""
    return roles.is_officer_of_division(user, consultation.responsible_division_id)


def messages_for(user: User, consultation: Consultation) -> QuerySet[Message]:
    return threads.thread_messages(
        consultation.thread, include_internal=can_see_internal(user, consultation)
    )


def attachments_for(user: User, consultation: Consultation) -> QuerySet[Attachment]:
    return threads.thread_attachments(
        consultation.thread, include_internal=can_see_internal(user, consultation)
    )


def attachment_for_user(user: User, consultation_id: Any, attachment_id: Any) -> Attachment:
    """A file of a consultation the user may see; an internal note's only for its division."""
    consultation = consultation_for_user(user, consultation_id)
    try:
        attachment_id = int(attachment_id)
    except (TypeError, ValueError):
        raise Http404("No such attachment.") from None
    return threads.thread_attachment(
        thread_id=consultation.thread_id,
        attachment_id=attachment_id,
        include_internal=can_see_internal(user, consultation),
    )


def history(consultation: Consultation) -> QuerySet[ConsultationTransition]:
    return consultation.transitions.select_related("actor").order_by("at", "id")


def linked_reports(user: User, consultation: Consultation) -> list[Report]:
    """The reports linked to the consultation that this user may open (staff never see a
    draft; a company sees its own)."""
    from reports.selectors import reports_visible_to

    ids = consultation.report_links.values_list("report_id", flat=True)
    return list(reports_visible_to(user).filter(pk__in=ids).order_by("created_at", "id"))


def linked_report_ids(consultation: Consultation) -> set[int]:
    return set(consultation.report_links.values_list("report_id", flat=True))


def linkable_reports(user: User, consultation: Consultation) -> QuerySet[Report]:
    """The organisation's reports not yet linked to this consultation, newest first."""
    from reports.selectors import reports_visible_to

    return (
        reports_visible_to(user)
        .filter(organisation_id=consultation.organisation_id)
        .exclude(pk__in=linked_report_ids(consultation))
        .order_by("-created_at", "-id")
    )


def consultations_for_report(user: User, report: Report) -> list[dict[str, Any]]:
    """The consultations linked to a report the user may see, for the report page: each with
    whether the user may open it (another division's is shown, not opened)."""
    links = (
        ConsultationReport.objects.filter(report=report)
        .select_related("consultation", "consultation__responsible_division")
        .order_by("linked_at", "id")
    )
    visible = set(
        consultations_visible_to(user)
        .filter(pk__in=[link.consultation_id for link in links])
        .values_list("pk", flat=True)
    )
    return [
        {"consultation": link.consultation, "can_open": link.consultation_id in visible}
        for link in links
    ]


def general_desk_division() -> Division | None:
    desk = GeneralDesk.objects.select_related("division").first()
    return desk.division if desk else None


def transfer_divisions(consultation: Consultation) -> QuerySet[Division]:
    """The divisions a consultation may be transferred to: every one but its own."""
    return Division.objects.exclude(pk=consultation.responsible_division_id).order_by("code")


def available_actions(user: User, consultation: Consultation) -> frozenset[str]:
    return lifecycle.available_actions(consultation, user)


# --- statistics (the insight app's page and API) -----------------------------------------------


def consultation_statistics(
    *,
    date_from: datetime.datetime,
    date_before: datetime.datetime,
    division_id: int | None,
    technology_code: str = "",
    country_code: str = "",
) -> dict[str, Any]:
    """Consultations opened in [date_from, date_before) and those followed by a report (one
    linked to it), in total and per JST month of opening; one grouped query. `division_id` is
    the division that has the consultation now (a transfer moves it)."""
    consultations = Consultation.objects.filter(
        created_at__gte=date_from, created_at__lt=date_before
    )
    if division_id is not None:
        consultations = consultations.filter(responsible_division_id=division_id)
    if technology_code:
        consultations = consultations.filter(technology__code=technology_code)
    if country_code:
        consultations = consultations.filter(counterparty_country_id=country_code)
    linked = ConsultationReport.objects.filter(consultation=OuterRef("pk"))
    rows = list(
        consultations.annotate(month=TruncMonth("created_at", tzinfo=JST))
        .values("month")
        .annotate(opened=Count("id"), followed_by_report=Count("id", filter=Exists(linked)))
        .order_by("month")
    )
    months = [
        {
            "month": row["month"].astimezone(JST).date()
            if isinstance(row["month"], datetime.datetime)
            else row["month"],
            "opened": row["opened"],
            "followed_by_report": row["followed_by_report"],
        }
        for row in rows
    ]
    return {
        "opened": sum(m["opened"] for m in months),
        "followed_by_report": sum(m["followed_by_report"] for m in months),
        "months": months,
    }
