"""Reads on reports, always scoped to what the user may see."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from portal import roles
from portal.models import User

from .models import Report, Status


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
