"""Statistics on how the scheme works (issue 16), computed by database aggregation only.

Every figure is a GROUP BY over the reports received in the chosen period; no function here
loops over reports in Python (only over the few aggregated rows the database returns). Days
from receipt to decision are whole JST calendar days with the day of receipt not counted
(初日不算入, domain.md "The 30-day decision clock"): 30 is the last day of the standard period.
Medians and 90th percentiles are percentile_cont's (interpolated) of a histogram of whole days
that the database counts: the same number as PostgreSQL's percentile_cont over the reports, at
the price of a hashed count instead of sorting every report of every group.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import NotSupportedError, connection, transaction
from django.db.models import (
    Count,
    DateField,
    Func,
    IntegerField,
    Q,
    QuerySet,
)
from django.utils.translation import gettext_lazy as _

from catalog.models import Country, Technology
from compliance.selectors import compliance_case_statistics
from consultations.selectors import consultation_statistics
from portal.text import by_language
from reports.clock import JST
from reports.models import DeadlineExtension, Report, Status

# The outcomes a report received in the period can have, in the order charts stack them.
INFORMED = "informed"
CLOSED_NO_INFORM = "closed_no_inform"
NOT_SUBJECT = "not_subject"
LAPSED = "lapsed"
WITHDRAWN = "withdrawn"
OPEN = "open"
OUTCOMES = (INFORMED, CLOSED_NO_INFORM, NOT_SUBJECT, LAPSED, WITHDRAWN, OPEN)
OUTCOME_LABELS = {
    INFORMED: _("Informed"),
    CLOSED_NO_INFORM: _("Closed without inform"),
    NOT_SUBJECT: _("Not subject"),
    LAPSED: _("Lapsed"),
    WITHDRAWN: _("Withdrawn"),
    OPEN: _("Still open"),
}
OUTCOME_OF_STATUS = {
    Status.INFORMED: INFORMED,
    Status.CLOSED_NO_INFORM: CLOSED_NO_INFORM,
    Status.NOT_SUBJECT: NOT_SUBJECT,
    Status.LAPSED: LAPSED,
    Status.WITHDRAWN: WITHDRAWN,
    Status.SUBMITTED: OPEN,
    Status.UNDER_DIALOGUE: OPEN,
    Status.INFORM_PROPOSED: OPEN,
}
# A decision by METI: an inform, a concluded dialogue, or "not subject".
DECIDED_STATUSES = (Status.INFORMED, Status.CLOSED_NO_INFORM, Status.NOT_SUBJECT)
# Closed reports with a time to closing (per outcome): every outcome but open.
CLOSED_STATUSES = (*DECIDED_STATUSES, Status.LAPSED, Status.WITHDRAWN)
TOP_DESTINATIONS = 15
MAX_MONTHS = 120  # ten years: a longer period is a database job, not a page's

PART_MONTHS = "months"
PART_OUTCOMES = "outcomes"
PART_SUMMARY = "summary"
PART_TECHNOLOGIES = "technologies"
PART_DESTINATIONS = "destinations"
PART_CONSULTATIONS = "consultations"
PART_COMPLIANCE = "compliance"
ALL_PARTS = frozenset(
    {
        PART_MONTHS,
        PART_OUTCOMES,
        PART_SUMMARY,
        PART_TECHNOLOGIES,
        PART_DESTINATIONS,
        PART_CONSULTATIONS,
        PART_COMPLIANCE,
    }
)


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def next_month(month: datetime.date) -> datetime.date:
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def months_between(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    months, month = [], month_start(first)
    while month <= last:
        months.append(month)
        month = next_month(month)
    return months


@dataclass(frozen=True)
class StatisticsFilter:
    """Which reports the figures count: received in [month_from, month_to] (JST months)."""

    month_from: datetime.date
    month_to: datetime.date
    division_id: int | None = None
    technology_code: str = ""
    country_code: str = ""

    @property
    def received_from(self) -> datetime.datetime:
        return datetime.datetime.combine(self.month_from, datetime.time(), JST)

    @property
    def received_before(self) -> datetime.datetime:
        return datetime.datetime.combine(next_month(self.month_to), datetime.time(), JST)

    def months(self) -> list[datetime.date]:
        return months_between(self.month_from, self.month_to)


def default_period(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The last twelve months, this one included."""
    last = month_start(today)
    first = last
    for _i in range(11):
        first = month_start(first - datetime.timedelta(days=1))
    return first, last


def received_reports(filters: StatisticsFilter) -> QuerySet[Report]:
    """The reports the figures count (drafts never have a receipt time, so never count)."""
    reports = Report.objects.filter(
        received_at__gte=filters.received_from, received_at__lt=filters.received_before
    )
    if filters.division_id is not None:
        reports = reports.filter(responsible_division_id=filters.division_id)
    if filters.technology_code:
        reports = reports.filter(technology__code=filters.technology_code)
    if filters.country_code:
        reports = reports.filter(counterparty_country_id=filters.country_code)
    return reports.order_by()


# --- SQL building blocks ------------------------------------------------------------------------


class JstDays(Func):
    """Whole JST calendar days from `start`'s day to `end`'s day (the first day not counted)."""

    output_field = IntegerField()
    arity = 2

    def as_sql(self, compiler, connection, **extra_context):  # type: ignore[override]
        start, end = self.source_expressions
        start_sql, start_params = compiler.compile(start)
        end_sql, end_params = compiler.compile(end)
        if connection.vendor == "postgresql":
            # A fixed offset: Japan has no daylight saving time, and the offset costs far less
            # per row than a look-up of the named zone (100,000 rows a page, bench/pages.py).
            sql = (
                f"(({end_sql} AT TIME ZONE INTERVAL '+09:00')::date"
                f" - ({start_sql} AT TIME ZONE INTERVAL '+09:00')::date)"
            )
        elif connection.vendor == "sqlite":
            # Stored as UTC text; Japan has no daylight saving time, so +9 hours is JST.
            sql = (
                f"CAST(julianday(date({end_sql}, '+9 hours'))"
                f" - julianday(date({start_sql}, '+9 hours')) AS INTEGER)"
            )
        else:
            raise NotSupportedError("JstDays needs PostgreSQL or SQLite")
        return sql, (*end_params, *start_params)


class JstMonth(Func):
    """The first day of a moment's JST month, as a date."""

    output_field = DateField()
    arity = 1

    def as_sql(self, compiler, connection, **extra_context):  # type: ignore[override]
        sql, params = compiler.compile(self.source_expressions[0])
        if connection.vendor == "postgresql":
            return f"DATE_TRUNC('month', {sql} AT TIME ZONE INTERVAL '+09:00')::date", params
        if connection.vendor == "sqlite":
            return f"date({sql}, '+9 hours', 'start of month')", params
        raise NotSupportedError("JstMonth needs PostgreSQL or SQLite")


def _days() -> JstDays:
    return JstDays("received_at", "closed_at")


def _month() -> JstMonth:
    return JstMonth("received_at")


def _month_key(value: Any) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return (value.astimezone(JST) if value.tzinfo else value).date()
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value)[:10])


Percentiles = dict[Any, tuple[float | None, float | None]]
Histogram = dict[int, int]  # whole days -> reports


def percentile_cont(histogram: Histogram, fraction: float) -> float | None:
    """PostgreSQL's percentile_cont over the values a histogram counts: the value at position
    fraction * (n - 1) of the sorted values, interpolated between its two neighbours."""
    total = sum(histogram.values())
    if not total:
        return None
    position = fraction * (total - 1)
    low = int(position)
    values: list[float] = []
    seen = 0
    for days in sorted(histogram):
        seen += histogram[days]
        while len(values) < 2 and seen > low + len(values):
            values.append(days)
        if len(values) == 2:
            break
    if len(values) == 1:
        return float(values[0])
    return values[0] + (position - low) * (values[1] - values[0])


def _median_p90(histogram: Histogram) -> tuple[float | None, float | None]:
    return percentile_cont(histogram, 0.5), percentile_cont(histogram, 0.9)


# --- the figures --------------------------------------------------------------------------------


@dataclass
class MonthRow:
    month: datetime.date
    counts: dict[str, int]
    received: int = 0
    late: int = 0
    decided: int = 0
    due: int = 0  # decided or lapsed: METI had to decide and the report is no longer open
    within_period: int = 0  # decided within the standard 30 days
    median_days: float | None = None
    p90_days: float | None = None

    @property
    def share_within_period(self) -> float | None:
        return self.within_period / self.due if self.due else None


@dataclass
class OutcomeRow:
    outcome: str
    count: int
    median_days: float | None = None
    p90_days: float | None = None

    @property
    def label(self) -> str:
        return str(OUTCOME_LABELS[self.outcome])


@dataclass
class NamedCount:
    code: str
    name: str
    count: int


@dataclass
class Summary:
    received: int = 0
    decided: int = 0
    due: int = 0
    within_period: int = 0
    lapsed: int = 0
    withdrawn: int = 0
    open: int = 0
    late: int = 0
    extensions: int = 0
    extended_reports: int = 0
    median_days: float | None = None
    p90_days: float | None = None

    @property
    def share_within_period(self) -> float | None:
        return self.within_period / self.due if self.due else None

    @property
    def share_lapsed(self) -> float | None:
        return self.lapsed / self.due if self.due else None


@dataclass
class ReportStatistics:
    filters: StatisticsFilter
    months: list[MonthRow] = field(default_factory=list)
    outcomes: list[OutcomeRow] = field(default_factory=list)
    summary: Summary = field(default_factory=Summary)
    technologies: list[NamedCount] = field(default_factory=list)
    destinations: list[NamedCount] = field(default_factory=list)
    # From the consultations and compliance apps' selectors (their own aggregations).
    consultations: dict[str, Any] = field(default_factory=dict)
    compliance: dict[str, Any] = field(default_factory=dict)


def _months(filters: StatisticsFilter, grid: list[dict[str, Any]]) -> list[MonthRow]:
    rows = {m: MonthRow(month=m, counts=dict.fromkeys(OUTCOMES, 0)) for m in filters.months()}
    for cell in grid:
        row = rows[_month_key(cell["month"])]
        outcome = OUTCOME_OF_STATUS[cell["status"]]
        row.counts[outcome] += cell["n"]
        row.received += cell["n"]
        row.late += cell["late_n"]
        row.within_period += cell["within_n"]
        if cell["status"] in DECIDED_STATUSES:
            row.decided += cell["n"]
        if cell["status"] in (*DECIDED_STATUSES, Status.LAPSED):
            row.due += cell["n"]
    return list(rows.values())


@dataclass
class _Aggregates:
    """What the figures are made from: aggregated rows only (a few thousand at most)."""

    # (JST month of receipt, status, whole days to closing or None) -> (reports, late ones)
    histogram: dict[tuple[Any, str, int | None], tuple[int, int]] = field(default_factory=dict)
    technologies: dict[int | None, int] = field(default_factory=dict)  # per technology version
    countries: dict[str | None, int] = field(default_factory=dict)

    def grid(self) -> list[dict[str, Any]]:
        """Counts per (month, status); `within_n`: decided within the standard period."""
        period = settings.DECISION_PERIOD_DAYS
        cells: dict[tuple[Any, str], dict[str, Any]] = {}
        for (month, status, days), (n, late_n) in self.histogram.items():
            cell = cells.setdefault(
                (month, status),
                {"month": month, "status": status, "n": 0, "late_n": 0, "within_n": 0},
            )
            cell["n"] += n
            cell["late_n"] += late_n
            if status in DECIDED_STATUSES and days is not None and days <= period:
                cell["within_n"] += n
        return list(cells.values())

    def days(self, key: Any, statuses: Iterable[str]) -> Percentiles:
        """Median and 90th percentile of the days to closing of reports in `statuses`, per
        month (key "month"), per status (key "status") or for all (key None)."""
        statuses = frozenset(statuses)
        position = {"month": 0, "status": 1}.get(key)
        histograms: dict[Any, Histogram] = {}
        for cell, (n, _late) in self.histogram.items():
            days = cell[2]
            if days is not None and cell[1] in statuses:
                histogram = histograms.setdefault(None if position is None else cell[position], {})
                histogram[days] = histogram.get(days, 0) + n
        return {group: _median_p90(histogram) for group, histogram in histograms.items()}


@contextmanager
def _room_to_hash() -> Iterator[None]:
    """On PostgreSQL, for the statements inside: with the default 4 MB of work_mem the planner
    expects the hash tables of 100,000 reports not to fit and sorts the rows instead, four
    times slower; they take a few MB. Raised for this transaction only."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL work_mem = '32MB'")
        yield


def _aggregates_in_one_scan(reports: QuerySet[Report]) -> _Aggregates:
    """PostgreSQL: one pass over the filtered reports (an index-only scan of the covering index
    of insight/migrations/0001) with GROUPING SETS: reports per (month, status, days), per
    technology and per country, all hashed, none sorted."""
    inner, params = (
        reports.annotate(month=_month(), days=_days())
        .values("month", "status", "late", "technology_id", "counterparty_country_id", "days")
        .order_by()
        .query.sql_with_params()
    )
    # Only the ORM's own SQL is formatted in; the filter values stay parameters. GROUPING(...)
    # has a bit set for each column a row is not grouped by, the first column the highest.
    sql = f"""
        SELECT GROUPING(month, status, days, technology_id, counterparty_country_id),
               month, status, days, technology_id, counterparty_country_id,
               COUNT(*), COUNT(*) FILTER (WHERE late)
        FROM ({inner}) AS r
        GROUP BY GROUPING SETS ((month, status, days), (technology_id), (counterparty_country_id))
    """  # noqa: S608
    found = _Aggregates()
    with _room_to_hash(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        for g, month, status, days, technology_id, country, n, late_n in cursor.fetchall():
            if g == 0b00011:
                found.histogram[(month, status, days)] = (n, late_n)
            elif g == 0b11101:
                found.technologies[technology_id] = n
            elif g == 0b11110:
                found.countries[country] = n
    return found


def _aggregates(reports: QuerySet[Report], parts: frozenset[str]) -> _Aggregates:
    """The same aggregates, one query each, only those a part needs (SQLite)."""
    found = _Aggregates()
    if parts & {PART_MONTHS, PART_OUTCOMES, PART_SUMMARY}:
        rows = (
            reports.annotate(month=_month(), days=_days())
            .values_list("month", "status", "days")
            .annotate(n=Count("id"), late_n=Count("id", filter=Q(late=True)))
            .order_by()
        )
        with _room_to_hash():
            found.histogram = {
                (month, status, days): (n, late_n) for month, status, days, n, late_n in rows
            }
    if PART_TECHNOLOGIES in parts:
        found.technologies = dict(
            reports.values_list("technology_id").annotate(n=Count("id")).order_by()
        )
    if PART_DESTINATIONS in parts:
        found.countries = dict(
            reports.values_list("counterparty_country_id").annotate(n=Count("id")).order_by()
        )
    return found


def _technologies(counts: dict[int | None, int]) -> list[NamedCount]:
    """Counts per technology code (its versions together), under the latest version's name."""
    by_code: dict[str, int] = {}
    names: dict[str, str] = {}
    versions = Technology.objects.filter(pk__in=[pk for pk in counts if pk is not None])
    code_of = {}
    for version in versions.order_by("code", "-effective_from"):
        code_of[version.pk] = version.code
        names.setdefault(version.code, version.name)
    for pk, n in counts.items():
        code = code_of.get(pk, "") if pk is not None else ""
        by_code[code] = by_code.get(code, 0) + n
    ranked = sorted(by_code.items(), key=lambda item: (-item[1], item[0]))
    return [NamedCount(code=code, name=names.get(code, code or "—"), count=n) for code, n in ranked]


def _destinations(counts: dict[str | None, int]) -> list[NamedCount]:
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0] or ""))[:TOP_DESTINATIONS]
    countries = {
        c.code: c for c in Country.objects.filter(code__in=[code for code, _n in ranked if code])
    }
    result = []
    for code, n in ranked:
        country = countries.get(code or "")
        name = by_language(country.name_ja, country.name_en) if country else "—"
        result.append(NamedCount(code=code or "", name=str(name), count=n))
    return result


REPORT_PARTS = frozenset(
    {PART_MONTHS, PART_OUTCOMES, PART_SUMMARY, PART_TECHNOLOGIES, PART_DESTINATIONS}
)


def report_statistics(
    *, filters: StatisticsFilter, parts: Iterable[str] = ALL_PARTS
) -> ReportStatistics:
    """The report figures for `filters`; `parts` limits the work to what a chart needs."""
    parts = frozenset(parts)
    reports = received_reports(filters)
    stats = ReportStatistics(filters=filters)
    if connection.vendor == "postgresql" and parts & REPORT_PARTS:
        found = _aggregates_in_one_scan(reports)
    else:
        found = _aggregates(reports, parts)
    grid = found.grid()

    if PART_MONTHS in parts:
        stats.months = _months(filters, grid)
        for month, (p50, p90) in found.days("month", DECIDED_STATUSES).items():
            row = next(r for r in stats.months if r.month == _month_key(month))
            row.median_days, row.p90_days = p50, p90

    if PART_OUTCOMES in parts:
        counts = dict.fromkeys(OUTCOMES, 0)
        by_status = found.days("status", CLOSED_STATUSES)
        for cell in grid:
            counts[OUTCOME_OF_STATUS[cell["status"]]] += cell["n"]
        stats.outcomes = [
            OutcomeRow(outcome, counts[outcome], *by_status.get(outcome, (None, None)))
            for outcome in OUTCOMES
        ]

    if PART_SUMMARY in parts:
        summary = stats.summary
        for cell in grid:
            status, n = cell["status"], cell["n"]
            summary.received += n
            summary.late += cell["late_n"]
            summary.within_period += cell["within_n"]
            if status in DECIDED_STATUSES:
                summary.decided += n
            if status in (*DECIDED_STATUSES, Status.LAPSED):
                summary.due += n
            if status == Status.LAPSED:
                summary.lapsed += n
            elif status == Status.WITHDRAWN:
                summary.withdrawn += n
            elif OUTCOME_OF_STATUS[status] == OPEN:
                summary.open += n
        summary.median_days, summary.p90_days = found.days(None, DECIDED_STATUSES).get(
            None, (None, None)
        )
        # From the extensions' side: they are few, and each finds its report by primary key.
        extensions = DeadlineExtension.objects.filter(
            report__received_at__gte=filters.received_from,
            report__received_at__lt=filters.received_before,
            report__in=reports,
        ).aggregate(n=Count("*"), reports=Count("report_id", distinct=True))
        summary.extensions, summary.extended_reports = extensions["n"], extensions["reports"]

    if PART_TECHNOLOGIES in parts:
        stats.technologies = _technologies(found.technologies)
    if PART_DESTINATIONS in parts:
        stats.destinations = _destinations(found.countries)
    if PART_CONSULTATIONS in parts:
        stats.consultations = consultation_statistics(
            date_from=filters.received_from,
            date_before=filters.received_before,
            division_id=filters.division_id,
            technology_code=filters.technology_code,
            country_code=filters.country_code,
        )
        by_month = {m["month"]: m for m in stats.consultations["months"]}
        stats.consultations["months"] = [
            by_month.get(month, {"month": month, "opened": 0, "followed_by_report": 0})
            for month in filters.months()
        ]
    if PART_COMPLIANCE in parts:
        stats.compliance = compliance_case_statistics(
            date_from=filters.received_from,
            date_before=filters.received_before,
            division_id=filters.division_id,
            technology_code=filters.technology_code,
            country_code=filters.country_code,
        )
    return stats
