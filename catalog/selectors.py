"""Reads of the catalog; made at request time, so a new entry is offered from its date on."""

from __future__ import annotations

import datetime
import re
import unicodedata
from typing import TypeVar

from django.db import models
from django.db.models import Case, Max, Q, QuerySet, When
from django.utils import timezone
from django.utils.translation import get_language

from portal.models import AuditRecord

from .kana import gojuon_key
from .models import Country, ExclusionRule, InForcePeriod, Technology, TransactionType

Entry = TypeVar("Entry", bound=InForcePeriod)


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


def technologies_offered(today: datetime.date | None = None) -> list[Technology]:
    """What screening and the report form offer, one version per code: the one in force today,
    or for a technology only announced, the first version to come (see `offered_versions`)."""
    return offered_versions(Technology.objects.select_related("division"), today)


def versions_around(
    model: type[Entry], code: str, day: datetime.date
) -> tuple[Entry | None, Entry | None]:
    """The last version of `code` that ended before `day` and the first that starts after it:
    what to tell someone who chose it for a day it is not in force."""
    versions = model._default_manager.filter(code=code)
    before = versions.filter(effective_to__lt=day).order_by("-effective_to").first()
    after = versions.filter(effective_from__gt=day).order_by("effective_from").first()
    return before, after


def version_on(model: type[Entry], code: str, day: datetime.date) -> Entry | None:
    """The version of `code` in force on `day`, or None when none is."""
    return model._default_manager.in_force_on(day).filter(code=code).first()


def latest_version(model: type[Entry], code: str) -> Entry | None:
    """The version of `code` that started last, or None for a code the catalog does not know."""
    return model._default_manager.filter(code=code).order_by("-effective_from").first()


def with_status(
    rows: QuerySet[Entry], *, status: str = "", today: datetime.date | None = None
) -> list[Entry]:
    """The rows (in_force, upcoming, retired or all), each with `status` on `today`."""
    today = today or timezone.localdate()
    if status == "in_force":
        rows = rows.in_force_on(today)  # type: ignore[attr-defined]
    elif status == "upcoming":
        rows = rows.upcoming(today)  # type: ignore[attr-defined]
    elif status == "retired":
        rows = rows.filter(effective_to__lt=today)
    result = list(rows)
    for entry in result:
        entry.status = entry.status_on(today)  # type: ignore[attr-defined]
    return result


def offered_versions(rows: QuerySet[Entry], today: datetime.date | None = None) -> list[Entry]:
    """One version per code of the rows in force today or announced for a later day: the one
    in force today, else the first to come. Each has `announced`: True when not yet in force."""
    today = today or timezone.localdate()
    chosen: dict[str, Entry] = {}
    # Versions of one code never overlap, so the earliest not yet retired is the right one.
    for entry in rows.offered(today).order_by("effective_from", "pk"):  # type: ignore[attr-defined]
        chosen.setdefault(entry.code, entry)
    result = list(chosen.values())
    for entry in result:
        entry.announced = not entry.in_force_on(today)  # type: ignore[attr-defined]
    return result


def technology_list(*, status: str = "", today: datetime.date | None = None) -> list[Technology]:
    """Every version, by code and date, each with `status` (in_force, upcoming or retired)."""
    rows = Technology.objects.select_related("division").order_by("code", "effective_from")
    return with_status(rows, status=status, today=today)


def technology_versions(code: str) -> QuerySet[Technology]:
    return Technology.objects.filter(code=code).order_by("effective_from")


def overlapping_version(
    model: type[Entry],
    *,
    code: str,
    effective_from: datetime.date,
    effective_to: datetime.date | None,
    exclude_pk: int | None = None,
) -> Entry | None:
    """Another version of `code` whose period shares at least one day with the one given."""
    rows = model._default_manager.filter(code=code).filter(
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


def audit_history(entry: models.Model) -> QuerySet[AuditRecord]:
    """The audit rows of one catalog entry, oldest first."""
    return (
        AuditRecord.objects.filter(target_type=entry._meta.label_lower, target_id=str(entry.pk))
        .select_related("actor")
        .order_by("at", "id")
    )


def technology_history(technology: Technology) -> QuerySet[AuditRecord]:
    """The audit rows of this technology version, oldest first."""
    return audit_history(technology)


# --- transaction types ----------------------------------------------------------------------


def transaction_types_in_force(on: datetime.date) -> QuerySet[TransactionType]:
    """The transaction type versions in force on `on` (at most one per code), in form order."""
    return TransactionType.objects.in_force_on(on).order_by("order", "code")


def transaction_type_for_code_on(code: str, day: datetime.date) -> TransactionType | None:
    """The version of `code` in force on `day`, or None when none is."""
    return transaction_types_in_force(day).filter(code=code).first()


def transaction_type_reportable(code: str, day: datetime.date) -> bool:
    """Whether `code` is a transaction type in force on `day` that must be reported."""
    transaction_type = transaction_type_for_code_on(code, day)
    return transaction_type is not None and transaction_type.reportable


def transaction_types_offered(today: datetime.date | None = None) -> list[TransactionType]:
    """What screening and the report form offer: in force today or announced, in form order."""
    offered = offered_versions(TransactionType.objects.all(), today)
    return sorted(offered, key=lambda t: (t.order, t.code))


def transaction_type_name(code: str, today: datetime.date | None = None) -> str:
    """The name of `code` in the reader's language: of the version in force today, else of the
    latest; the code itself for a code the catalog does not know."""
    today = today or timezone.localdate()
    version = version_on(TransactionType, code, today) or latest_version(TransactionType, code)
    return version.name if version else code


def transaction_type_list(
    *, status: str = "", today: datetime.date | None = None
) -> list[TransactionType]:
    """Every version, in form order, each with `status` (in_force, upcoming or retired)."""
    rows = TransactionType.objects.order_by("order", "code", "effective_from")
    return with_status(rows, status=status, today=today)


# --- exclusion rules ------------------------------------------------------------------------


def exclusion_rules_in_force(on: datetime.date) -> dict[str, ExclusionRule]:
    """The exclusion rules screening applies on `on`, by code."""
    return {rule.code: rule for rule in ExclusionRule.objects.in_force_on(on)}


def exclusion_rules_offered(today: datetime.date | None = None) -> dict[str, ExclusionRule]:
    """The exclusion rules in force today or announced, by code: screening asks their
    questions, and applies each on the planned contract dates it is in force."""
    return {rule.code: rule for rule in offered_versions(ExclusionRule.objects.all(), today)}


def exclusion_rule_list(
    *, status: str = "", today: datetime.date | None = None
) -> list[ExclusionRule]:
    """Every version, by code and date, each with `status` (in_force, upcoming or retired)."""
    return with_status(
        ExclusionRule.objects.order_by("code", "effective_from"), status=status, today=today
    )


def versions_of(entry: Entry) -> QuerySet[Entry]:
    """Every version of the entry's code (the entry included), oldest first."""
    code = entry.code
    return type(entry)._default_manager.filter(code=code).order_by("effective_from")


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


def destination_countries() -> list[Country]:
    """The countries a transfer may go to (every one but Japan), as the reader's language lists
    them: 五十音 order of the reading in Japanese, alphabetical in English."""
    countries = list(Country.objects.exclude(code="JP"))
    if get_language() == "en":
        return sorted(countries, key=lambda c: c.name_en.casefold())
    return sorted(countries, key=lambda c: gojuon_key(c.name_ja_reading or c.name_ja))


def country_from_text(text: str) -> Country | None:
    """The country someone typed: its ISO code ("CN"), its name in Japanese or English ("中国",
    "China"), another name it goes by ("韓国", "UK"), or a picker entry ("中国 (CN)")."""
    text = unicodedata.normalize("NFKC", text or "").strip()
    if not text:
        return None
    entry = re.fullmatch(r".*\(([A-Za-z]{2})\)", text)
    code = entry.group(1) if entry else text if re.fullmatch(r"[A-Za-z]{2}", text) else None
    if code:
        found = Country.objects.filter(code=code.upper()).first()
        if found is not None or entry:
            return found
    folded = text.casefold()
    found = Country.objects.filter(Q(name_ja=text) | Q(name_en__iexact=text)).first()
    if found is not None:
        return found
    for country in Country.objects.exclude(aliases=[]):
        if any(unicodedata.normalize("NFKC", a).casefold() == folded for a in country.aliases):
            return country
    return None
