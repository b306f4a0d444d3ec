"""Statistics on how the scheme works (issue 16), computed by database aggregation only.

Every figure is a GROUP BY over the reports received in the chosen period; no function here
loops over reports in Python (only over the few aggregated rows the database returns). Days
from receipt to decision are whole JST calendar days with the day of receipt not counted
(初日不算入, domain.md "The 30-day decision clock"): 30 is the last day of the standard period.
Percentiles are PostgreSQL's percentile_cont; on SQLite (development) the same interpolated
percentile comes from a window query over the same filtered rows.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import NotSupportedError, connection, transaction
from django.db.models import (
    Aggregate,
    Count,
    DateField,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Value,
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


class PercentileCont(Aggregate):
    """PostgreSQL's percentile_cont(fraction) WITHIN GROUP (ORDER BY expression)."""

    function = "percentile_cont"
    output_field = FloatField()

    def __init__(self, expression: Any, fraction: float, **extra: Any) -> None:
        if not 0 <= fraction <= 1:
            raise ValueError("fraction must lie between 0 and 1")
        self.fraction = float(fraction)
        super().__init__(expression, **extra)

    def as_sql(self, compiler, connection, **extra_context):  # type: ignore[override]
        raise NotSupportedError("percentile_cont needs PostgreSQL")

    def as_postgresql(self, compiler, connection, **extra_context):
        template = f"percentile_cont({self.fraction!r}) WITHIN GROUP (ORDER BY %(expressions)s)"
        return super().as_sql(compiler, connection, template=template, **extra_context)


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


def _percentiles(reports: QuerySet[Report], group: Any | None) -> Percentiles:
    """Median and 90th percentile of the days to closing of `reports`, per value of `group`
    (an expression; None: one figure for all, under the key None). One query."""
    key = group if group is not None else Value(0)
    if connection.vendor == "postgresql":
        rows = (
            reports.annotate(g=key, days=_days())
            .values("g")
            .annotate(p50=PercentileCont("days", 0.5), p90=PercentileCont("days", 0.9))
            .order_by()
        )
        return {(row["g"] if group is not None else None): (row["p50"], row["p90"]) for row in rows}
    # SQLite: rank the rows of each group by days and interpolate between the two ranks around
    # fraction * (n - 1), as percentile_cont does.
    inner, params = (
        reports.annotate(g=key, days=_days()).values("g", "days").order_by().query.sql_with_params()
    )
    picks = []
    for fraction in (0.5, 0.9):
        pos = f"((n - 1) * {fraction!r})"
        low = f"CAST({pos} AS INTEGER)"
        picks.append(
            f"SUM(CASE WHEN rn = {low} THEN days * (1 - ({pos} - {low}))"
            f" WHEN rn = {low} + 1 THEN days * ({pos} - {low}) ELSE 0 END)"
        )
    # Only constants and the ORM's own SQL are formatted in; the filter values stay parameters.
    sql = (
        f"SELECT g, {picks[0]}, {picks[1]} FROM ("  # noqa: S608
        "SELECT g, days, ROW_NUMBER() OVER (PARTITION BY g ORDER BY days) - 1 AS rn,"
        " COUNT(*) OVER (PARTITION BY g) AS n"
        f" FROM ({inner})) GROUP BY g"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {
            (g if group is not None else None): (float(p50), float(p90))
            for g, p50, p90 in cursor.fetchall()
        }


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


def _grid(reports: QuerySet[Report]) -> list[dict[str, Any]]:
    """Counts per (JST month of receipt, status): the one query the counts come from."""
    period = settings.DECISION_PERIOD_DAYS
    return list(
        reports.annotate(month=_month(), days=_days())
        .values("month", "status")
        .annotate(
            n=Count("*"),
            late_n=Count("id", filter=Q(late=True)),
            within_n=Count("id", filter=Q(status__in=DECIDED_STATUSES, days__lte=period)),
        )
        .order_by()
    )


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
    """What the figures are assembled from: a few hundred aggregated rows, never reports."""

    grid: list[dict[str, Any]] = field(default_factory=list)
    month_days: Percentiles = field(default_factory=dict)  # decided, per month
    status_days: Percentiles = field(default_factory=dict)  # closed, per status
    overall_days: tuple[float | None, float | None] = (None, None)  # decided
    technologies: dict[int | None, int] = field(default_factory=dict)  # per technology version
    countries: dict[str | None, int] = field(default_factory=dict)


def _aggregates_in_two_scans(reports: QuerySet[Report]) -> _Aggregates:
    """PostgreSQL: every report figure from two passes over the filtered reports with GROUPING
    SETS: the counts (per month and status, per technology, per country; hashed) and the
    percentiles (per month, per status, overall; sorted). The covering index of
    insight/migrations/0001 serves both scans without reading the report rows."""
    decided = ", ".join(f"'{status}'" for status in DECIDED_STATUSES)
    period = int(settings.DECISION_PERIOD_DAYS)
    inner, params = (
        reports.annotate(month=_month(), days=_days())
        .values("month", "status", "late", "technology_id", "counterparty_country_id", "days")
        .order_by()
        .query.sql_with_params()
    )
    closed, closed_params = (
        reports.filter(status__in=CLOSED_STATUSES)
        .annotate(month=_month(), days=_days())
        .values("month", "status", "days")
        .order_by()
        .query.sql_with_params()
    )
    # Only constants and the ORM's own SQL are formatted in; the filter values stay parameters.
    # GROUPING(...) has a bit set for each column a row is not grouped by, the first highest.
    counts_sql = f"""
        SELECT GROUPING(month, status, technology_id, counterparty_country_id),
               month, status, technology_id, counterparty_country_id, COUNT(*),
               COUNT(*) FILTER (WHERE late),
               COUNT(*) FILTER (WHERE status IN ({decided}) AND days <= {period})
        FROM ({inner}) AS r
        GROUP BY GROUPING SETS ((month, status), (technology_id), (counterparty_country_id))
    """  # noqa: S608
    days_sql = f"""
        SELECT GROUPING(month, status), month, status,
               percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY days)
                   FILTER (WHERE status IN ({decided})),
               percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY days)
        FROM ({closed}) AS r
        GROUP BY GROUPING SETS ((month), (status), ())
    """  # noqa: S608
    found = _Aggregates()
    # The grouping and the percentiles sort some 100,000 small rows: with the default 4 MB
    # they spill to disk, which takes twice as long. Raised for these two statements only.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = '32MB'")
        cursor.execute(counts_sql, params)
        for g, month, status, technology_id, country, n, late_n, within_n in cursor.fetchall():
            if g == 0b0011:
                found.grid.append(
                    {"month": month, "status": status, "n": n, "late_n": late_n}
                    | {"within_n": within_n}
                )
            elif g == 0b1101:
                found.technologies[technology_id] = n
            elif g == 0b1110:
                found.countries[country] = n
        cursor.execute(days_sql, closed_params)
        # percentile_cont with an array of fractions sorts each group once for both.
        for g, month, status, decided_days, closed_days in cursor.fetchall():
            if g == 0b01 and decided_days is not None:
                found.month_days[month] = (decided_days[0], decided_days[1])
            elif g == 0b10:
                found.status_days[status] = (closed_days[0], closed_days[1])
            elif g == 0b11 and decided_days is not None:
                found.overall_days = (decided_days[0], decided_days[1])
    return found


def _aggregates(reports: QuerySet[Report], parts: frozenset[str]) -> _Aggregates:
    """The same aggregates query by query, each only when a part needs it (SQLite, and one
    chart's image on PostgreSQL)."""
    found = _Aggregates()
    if parts & {PART_MONTHS, PART_OUTCOMES, PART_SUMMARY}:
        found.grid = _grid(reports)
    decided = reports.filter(status__in=DECIDED_STATUSES)
    if PART_MONTHS in parts:
        found.month_days = _percentiles(decided, _month())
    if PART_OUTCOMES in parts:
        found.status_days = _percentiles(reports.filter(status__in=CLOSED_STATUSES), F("status"))
    if PART_SUMMARY in parts:
        found.overall_days = _percentiles(decided, None).get(None, (None, None))
    if PART_TECHNOLOGIES in parts:
        found.technologies = dict(
            reports.values_list("technology_id").annotate(n=Count("*")).order_by()
        )
    if PART_DESTINATIONS in parts:
        found.countries = dict(
            reports.values_list("counterparty_country_id").annotate(n=Count("*")).order_by()
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
    if connection.vendor == "postgresql" and len(parts & REPORT_PARTS) > 1:
        found = _aggregates_in_two_scans(reports)
    else:
        found = _aggregates(reports, parts)
    grid = found.grid

    if PART_MONTHS in parts:
        stats.months = _months(filters, grid)
        for month, (p50, p90) in found.month_days.items():
            row = next(r for r in stats.months if r.month == _month_key(month))
            row.median_days, row.p90_days = p50, p90

    if PART_OUTCOMES in parts:
        counts = dict.fromkeys(OUTCOMES, 0)
        for cell in grid:
            counts[OUTCOME_OF_STATUS[cell["status"]]] += cell["n"]
        stats.outcomes = [
            OutcomeRow(outcome, counts[outcome], *found.status_days.get(outcome, (None, None)))
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
        summary.median_days, summary.p90_days = found.overall_days
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
