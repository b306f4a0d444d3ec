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
from django.db import NotSupportedError, connection
from django.db.models import Aggregate, Count, F, FloatField, Func, IntegerField, Q, QuerySet, Value
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from catalog.models import Technology
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
            sql = (
                f"(({end_sql} AT TIME ZONE 'Asia/Tokyo')::date"
                f" - ({start_sql} AT TIME ZONE 'Asia/Tokyo')::date)"
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


def _month() -> TruncMonth:
    return TruncMonth("received_at", tzinfo=JST)


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
            n=Count("id"),
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


def _technologies(reports: QuerySet[Report]) -> list[NamedCount]:
    counts = list(
        reports.values("technology__code")
        .annotate(n=Count("id"))
        .order_by("-n", "technology__code")
    )
    # The latest version's name for each code (a code keeps its name across versions).
    names: dict[str, str] = {}
    codes = [row["technology__code"] for row in counts if row["technology__code"]]
    for version in Technology.objects.filter(code__in=codes).order_by("code", "-effective_from"):
        names.setdefault(version.code, version.name)
    return [
        NamedCount(
            code=row["technology__code"] or "",
            name=names.get(row["technology__code"], row["technology__code"] or "—"),
            count=row["n"],
        )
        for row in counts
    ]


def _destinations(reports: QuerySet[Report]) -> list[NamedCount]:
    rows = (
        reports.values(
            "counterparty_country_id",
            "counterparty_country__name_ja",
            "counterparty_country__name_en",
        )
        .annotate(n=Count("id"))
        .order_by("-n", "counterparty_country_id")[:TOP_DESTINATIONS]
    )
    return [
        NamedCount(
            code=row["counterparty_country_id"] or "",
            name=str(
                by_language(
                    row["counterparty_country__name_ja"] or "—",
                    row["counterparty_country__name_en"] or "—",
                )
            ),
            count=row["n"],
        )
        for row in rows
    ]


def report_statistics(
    *, filters: StatisticsFilter, parts: Iterable[str] = ALL_PARTS
) -> ReportStatistics:
    """The report figures for `filters`; `parts` limits the work to what a chart needs."""
    parts = frozenset(parts)
    reports = received_reports(filters)
    stats = ReportStatistics(filters=filters)
    grid = _grid(reports) if parts & {PART_MONTHS, PART_OUTCOMES, PART_SUMMARY} else []
    decided = reports.filter(status__in=DECIDED_STATUSES)

    if PART_MONTHS in parts:
        stats.months = _months(filters, grid)
        for month, (p50, p90) in _percentiles(decided, _month()).items():
            row = next(r for r in stats.months if r.month == _month_key(month))
            row.median_days, row.p90_days = p50, p90

    if PART_OUTCOMES in parts:
        counts = dict.fromkeys(OUTCOMES, 0)
        for cell in grid:
            counts[OUTCOME_OF_STATUS[cell["status"]]] += cell["n"]
        by_status = _percentiles(reports.filter(status__in=CLOSED_STATUSES), F("status"))
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
        summary.median_days, summary.p90_days = _percentiles(decided, None).get(None, (None, None))
        extensions = DeadlineExtension.objects.filter(report__in=reports).aggregate(
            n=Count("id"), reports=Count("report_id", distinct=True)
        )
        summary.extensions, summary.extended_reports = extensions["n"], extensions["reports"]

    if PART_TECHNOLOGIES in parts:
        stats.technologies = _technologies(reports)
    if PART_DESTINATIONS in parts:
        stats.destinations = _destinations(reports)
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
