"""The figures as tables: the page's accessible tables and the CSV and xlsx exports are all
made from these, so that they show the same numbers under the same headings."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from .selectors import OUTCOME_LABELS, OUTCOMES, ReportStatistics

# How a column's values are shown: whole numbers, days (one decimal), shares (percent), text.
INT, DAYS, SHARE, TEXT, MONTH = "int", "days", "share", "text", "month"


@dataclass
class Column:
    label: Any
    kind: str = INT


@dataclass
class Table:
    key: str
    title: Any
    columns: list[Column]
    rows: list[list[Any]]
    caption: Any = ""
    # For a two-column table of differing figures (the summary): each row's value kind.
    row_kinds: list[str] | None = None

    def kinds(self, index: int) -> list[str]:
        kinds = [c.kind for c in self.columns]
        if self.row_kinds is not None:
            kinds[-1] = self.row_kinds[index]
        return kinds

    @property
    def headers(self) -> list[str]:
        return [str(c.label) for c in self.columns]

    def display_rows(self) -> list[list[str]]:
        """The cells as the page and the CSV show them (empty for no value)."""
        return [
            [display(value, kind) for value, kind in zip(row, self.kinds(i), strict=True)]
            for i, row in enumerate(self.rows)
        ]

    def page_rows(self) -> list[list[dict[str, Any]]]:
        """The cells for the page: text ("—" for no value) and whether to align as a number."""
        return [
            [
                {"text": text or "—", "num": kind in (INT, DAYS, SHARE)}
                for text, kind in zip(row, self.kinds(i), strict=True)
            ]
            for i, row in enumerate(self.display_rows())
        ]

    def numeric_columns(self) -> list[bool]:
        return [c.kind in (INT, DAYS, SHARE) for c in self.columns]


def display(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if kind == DAYS:
        return f"{value:.1f}"
    if kind == SHARE:
        return f"{value * 100:.1f}%"
    if kind == MONTH and isinstance(value, datetime.date):
        return value.strftime("%Y-%m")
    if kind == INT:
        return str(int(value))
    return str(value)


def _summary(stats: ReportStatistics) -> Table:
    s = stats.summary
    rows: list[list[Any]] = [
        [_("Reports received"), s.received, INT],
        [_("Decided by METI (informed, closed without inform, not subject)"), s.decided, INT],
        [_("Decided within 30 days"), s.within_period, INT],
        [_("Share decided within 30 days"), s.share_within_period, SHARE],
        [_("Lapsed (no decision in time)"), s.lapsed, INT],
        [_("Share lapsed"), s.share_lapsed, SHARE],
        [_("Withdrawn"), s.withdrawn, INT],
        [_("Still open"), s.open, INT],
        [_("Late reports (filed on or after the planned contract date)"), s.late, INT],
        [_("Deadline extensions granted"), s.extensions, INT],
        [_("Reports with an extended deadline"), s.extended_reports, INT],
        [_("Days from receipt to decision: median"), s.median_days, DAYS],
        [_("Days from receipt to decision: 90th percentile"), s.p90_days, DAYS],
    ]
    return Table(
        key="summary",
        title=_("Summary"),
        columns=[Column(_("Figure"), TEXT), Column(_("Value"), TEXT)],
        rows=[[str(label), value] for label, value, _kind in rows],
        row_kinds=[kind for _label, _value, kind in rows],
        caption=_(
            "Shares are of the reports METI had to decide that are no longer open (decided or "
            "lapsed). Days are JST calendar days; the day of receipt is not counted."
        ),
    )


def _months(stats: ReportStatistics) -> Table:
    columns = [Column(_("Month of receipt"), MONTH)]
    columns += [Column(OUTCOME_LABELS[o]) for o in OUTCOMES]
    columns += [
        Column(_("Received")),
        Column(_("Late")),
        Column(_("Decided within 30 days")),
        Column(_("Share decided within 30 days"), SHARE),
    ]
    rows = [
        [
            m.month,
            *(m.counts[o] for o in OUTCOMES),
            m.received,
            m.late,
            m.within_period,
            m.share_within_period,
        ]
        for m in stats.months
    ]
    return Table("months", _("Reports received per month, by outcome"), columns, rows)


def _days_by_month(stats: ReportStatistics) -> Table:
    columns = [
        Column(_("Month of receipt"), MONTH),
        Column(_("Decided by METI")),
        Column(_("Median days to decision"), DAYS),
        Column(_("90th percentile days"), DAYS),
    ]
    rows = [[m.month, m.decided, m.median_days, m.p90_days] for m in stats.months]
    return Table("days", _("Days from receipt to decision, per month"), columns, rows)


def _outcomes(stats: ReportStatistics) -> Table:
    columns = [
        Column(_("Outcome"), TEXT),
        Column(_("Reports")),
        Column(_("Median days to closing"), DAYS),
        Column(_("90th percentile days"), DAYS),
    ]
    rows = [[o.label, o.count, o.median_days, o.p90_days] for o in stats.outcomes]
    return Table("outcomes", _("Days from receipt to closing, per outcome"), columns, rows)


def _technologies(stats: ReportStatistics) -> Table:
    columns = [Column(_("Technology"), TEXT), Column(_("Code"), TEXT), Column(_("Reports"))]
    rows = [[t.name, t.code, t.count] for t in stats.technologies]
    return Table("technologies", _("Reports per technology"), columns, rows)


def _destinations(stats: ReportStatistics) -> Table:
    columns = [Column(_("Country"), TEXT), Column(_("Code"), TEXT), Column(_("Reports"))]
    rows = [[d.name, d.code, d.count] for d in stats.destinations]
    return Table("destinations", _("Top 15 destination countries"), columns, rows)


def _consultations(stats: ReportStatistics) -> Table:
    c = stats.consultations
    columns = [
        Column(_("Month of opening"), MONTH),
        Column(_("Consultations opened")),
        Column(_("Followed by a report")),
    ]
    rows: list[list[Any]] = [
        [m["month"], m["opened"], m["followed_by_report"]] for m in c.get("months", [])
    ]
    rows.append([str(_("Total")), c.get("opened", 0), c.get("followed_by_report", 0)])
    return Table(
        "consultations",
        _("Consultations before filing, and those followed by a report"),
        columns,
        rows,
        caption=_("A consultation is followed by a report when a prior report is linked to it."),
    )


def _compliance(stats: ReportStatistics) -> Table:
    c = stats.compliance
    columns = [Column(_("Stage"), TEXT), Column(_("Cases"))]
    rows: list[list[Any]] = [[str(s["label"]), s["count"]] for s in c.get("stages", [])]
    rows.append([str(_("Opened to the organisation")), c.get("opened", 0)])
    rows.append([str(_("All cases recorded")), c.get("recorded", 0)])
    return Table(
        "compliance",
        _("Compliance cases (transfers not reported), by stage"),
        columns,
        rows,
        caption=_(
            "Cases recorded in the period, at the stage they are at now. A case has a country "
            "only through the late report it came from."
        ),
    )


def figure_tables(stats: ReportStatistics) -> list[Table]:
    return [
        _summary(stats),
        _months(stats),
        _days_by_month(stats),
        _outcomes(stats),
        _technologies(stats),
        _destinations(stats),
        _consultations(stats),
        _compliance(stats),
    ]
