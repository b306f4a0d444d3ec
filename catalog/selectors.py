"""Reads of the catalog; made at request time, so a new technology is offered from its date on."""

from __future__ import annotations

import datetime

from django.db.models import Case, Max, Q, QuerySet, When
from django.utils import timezone

from portal.models import AuditRecord

from .models import Country, Technology


def technologies_in_force(on: datetime.date) -> QuerySet[Technology]:
    """The technology versions in force on `on` (at most one per code)."""
    return Technology.objects.in_force_on(on).select_related("division").order_by("code")


def technology_for_code_on(code: str, day: datetime.date) -> Technology | None:
    """The version of `code` in force on `day`, or None when none is."""
    return technologies_in_force(day).filter(code=code).first()


def technologies_upcoming(today: datetime.date | None = None) -> QuerySet[Technology]:
    """Announced technology versions that are not yet in force."""
    return (
        Technology.objects.upcoming(today or timezone.localdate())
        .select_related("division")
        .order_by("effective_from", "code")
    )


def technology_list(*, status: str = "", today: datetime.date | None = None) -> list[Technology]:
    """Every version, by code and date, each with `status` (in_force, upcoming or retired)."""
    today = today or timezone.localdate()
    rows = Technology.objects.select_related("division").order_by("code", "effective_from")
    if status == "in_force":
        rows = rows.in_force_on(today)
    elif status == "upcoming":
        rows = rows.upcoming(today)
    elif status == "retired":
        rows = rows.filter(effective_to__lt=today)
    result = list(rows)
    for technology in result:
        technology.status = technology.status_on(today)  # type: ignore[attr-defined]
    return result


def technology_versions(code: str) -> QuerySet[Technology]:
    return Technology.objects.filter(code=code).order_by("effective_from")


def technology_overlapping_version(
    *,
    code: str,
    effective_from: datetime.date,
    effective_to: datetime.date | None,
    exclude_pk: int | None = None,
) -> Technology | None:
    """Another version of `code` whose period shares at least one day with the one given."""
    rows = Technology.objects.filter(code=code).filter(
        Q(effective_to__isnull=True) | Q(effective_to__gte=effective_from)
    )
    if effective_to is not None:
        rows = rows.filter(effective_from__lte=effective_to)
    if exclude_pk is not None:
        rows = rows.exclude(pk=exclude_pk)
    return rows.order_by("effective_from").first()


def _filed_reports(technology: Technology) -> QuerySet:
    # Through the relation the report app declares (Report.technology, related_name
    # "reports"): the catalog imports no domain app. Drafts are re-resolved against the
    # catalog at submit and have no reference yet, so only filed reports pin a technology
    # version (withdrawn ones included: they keep pointing at what was in force).
    return technology.reports.filter(reference__isnull=False)


def technology_in_use(technology: Technology) -> bool:
    """Whether any filed report points at this technology version."""
    return _filed_reports(technology).exists()


def technology_last_use_date(technology: Technology) -> datetime.date | None:
    """The latest planned contract date of the filed reports that use this version."""
    return _filed_reports(technology).aggregate(last=Max("planned_contract_date"))["last"]


def technology_history(technology: Technology) -> QuerySet[AuditRecord]:
    """The audit rows of this technology version, oldest first."""
    return AuditRecord.objects.filter(
        target_type=Technology._meta.label_lower, target_id=str(technology.pk)
    ).order_by("at", "id")


def country_search(*, query: str = "", exempt: str = "") -> QuerySet[Country]:
    """Countries whose code is `query` (listed first) or whose name contains it.

    `exempt` is "yes", "no" or "" (both).
    """
    rows = Country.objects.all()
    query = query.strip()
    if query:
        exact = Q(code__iexact=query)
        rows = rows.filter(
            exact | Q(name_en__icontains=query) | Q(name_ja__icontains=query)
        ).order_by(Case(When(exact, then=0), default=1), "code")
    if exempt == "yes":
        rows = rows.filter(prior_report_exempt=True)
    elif exempt == "no":
        rows = rows.filter(prior_report_exempt=False)
    return rows if query else rows.order_by("code")
