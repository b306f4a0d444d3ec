"""CSV (UTF-8 with a byte order mark, so that Excel opens the Japanese text) and xlsx files of
the filtered report list and of every figure. Headers in the reader's language; times in JST."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterator
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from reports.clock import JST
from reports.models import DeadlineExtension, Report

from .selectors import OUTCOME_LABELS, OUTCOME_OF_STATUS, JstDays, StatisticsFilter
from .selectors import received_reports as _received_reports
from .tables import DAYS, INT, MONTH, SHARE, Table, display

EXPORT_MAX_ROWS = 100_000  # a larger list is a database job, not a page's
EXPORT_CHUNK = 2_000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value: Any) -> str:
    """A text cell a spreadsheet will not run as a formula (CSV injection, OWASP)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


# --- the report list ----------------------------------------------------------------------------


def report_list(filters: StatisticsFilter) -> QuerySet[Report]:
    """The filtered reports, oldest receipt first, with what the list shows (bounded)."""
    extensions = (
        DeadlineExtension.objects.filter(report=OuterRef("pk"))
        .order_by()
        .values("report")
        .annotate(n=Count("id"))
        .values("n")
    )
    return (
        _received_reports(filters)
        .select_related("technology", "counterparty_country", "responsible_division")
        .only(
            "reference",
            "status",
            "received_at",
            "decision_due_at",
            "closed_at",
            "late",
            "counterparty_name",
            "technology__code",
            "technology__name_ja",
            "technology__name_en",
            "counterparty_country__code",
            "counterparty_country__name_ja",
            "counterparty_country__name_en",
            "responsible_division__name_ja",
            "responsible_division__name_en",
        )
        .annotate(
            days=JstDays("received_at", "closed_at"),
            extension_count=Coalesce(Subquery(extensions, output_field=IntegerField()), 0),
        )
        .order_by("received_at", "id")[:EXPORT_MAX_ROWS]
    )


def report_list_header() -> list[str]:
    return [
        _("Reference"),
        _("Outcome"),
        _("Status code"),
        _("Division"),
        _("Technology"),
        _("Technology code"),
        _("Destination country"),
        _("Country code"),
        _("Counterparty"),
        _("Received (JST)"),
        _("Decision due (JST)"),
        _("Closed (JST)"),
        _("Days from receipt to closing"),
        _("Late"),
        _("Deadline extensions"),
    ]


def _jst(moment: datetime.datetime | None) -> datetime.datetime | None:
    return moment.astimezone(JST).replace(tzinfo=None) if moment else None


def report_list_values(report: Report) -> list[Any]:
    """One report's row: datetimes naive in JST (xlsx has no time zones), numbers as numbers."""
    country = report.counterparty_country
    technology = report.technology
    return [
        report.reference,
        str(OUTCOME_LABELS[OUTCOME_OF_STATUS[report.status]]),
        report.status,
        report.responsible_division.name if report.responsible_division else "",
        technology.name if technology else "",
        technology.code if technology else "",
        (country.name if country else ""),
        (country.code if country else ""),
        report.counterparty_name,
        _jst(report.received_at),
        _jst(report.decision_due_at),
        _jst(report.closed_at),
        report.days,  # type: ignore[attr-defined]
        _("Yes") if report.late else _("No"),
        report.extension_count,  # type: ignore[attr-defined]
    ]


def _text(value: Any) -> str:
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return _cell(value)


def report_list_csv(filters: StatisticsFilter) -> Iterator[str]:
    """The list as CSV lines, read in chunks (never the whole table in memory)."""
    language = translation.get_language()
    writer = csv.writer(_Echo())
    # A streamed body is written after the view returns: keep the reader's language for it.
    with translation.override(language):
        yield "\ufeff" + writer.writerow(report_list_header())
    rows = report_list(filters).iterator(chunk_size=EXPORT_CHUNK)
    while True:
        with translation.override(language):
            chunk = []
            for report in rows:
                chunk.append(writer.writerow([_text(v) for v in report_list_values(report)]))
                if len(chunk) == EXPORT_CHUNK:
                    break
        if not chunk:
            return
        yield "".join(chunk)


def _xlsx_row(sheet: Any, values: list[Any], formats: list[str | None] | None = None) -> None:
    cells = []
    for i, value in enumerate(values):
        if isinstance(value, str):
            value = _cell(value)
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, datetime.datetime):
            cell.number_format = "yyyy-mm-dd hh:mm"
        elif formats and formats[i]:
            cell.number_format = formats[i]
        cells.append(cell)
    sheet.append(cells)


def _workbook_bytes(workbook: Workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def report_list_xlsx(filters: StatisticsFilter) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Reports"))
    _xlsx_row(sheet, report_list_header())
    for report in report_list(filters).iterator(chunk_size=EXPORT_CHUNK):
        _xlsx_row(sheet, report_list_values(report))
    return _workbook_bytes(workbook)


# --- the figures --------------------------------------------------------------------------------


def _filter_lines(filter_text: list[tuple[str, str]]) -> list[list[str]]:
    return [[_cell(label), _cell(value)] for label, value in filter_text]


def figures_csv(tables: list[Table], filter_text: list[tuple[str, str]]) -> str:
    """Every table in one CSV: the filters, then each table's title, header and rows."""
    out = io.StringIO()
    writer = csv.writer(out)
    out.write("\ufeff")
    writer.writerows(_filter_lines(filter_text))
    for table in tables:
        writer.writerow([])
        writer.writerow([_cell(table.title)])
        writer.writerow([_cell(h) for h in table.headers])
        writer.writerows([[_cell(c) for c in row] for row in table.display_rows()])
    return out.getvalue()


_XLSX_FORMATS = {INT: "0", DAYS: "0.0", SHARE: "0.0%", MONTH: None}


def _xlsx_value(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == MONTH:
        return display(value, MONTH)
    return value if not hasattr(value, "__html__") else str(value)


def figures_xlsx(tables: list[Table], filter_text: list[tuple[str, str]]) -> bytes:
    """One sheet of filters, then one sheet per table, numbers as numbers."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Filters"))
    for line in filter_text:
        _xlsx_row(sheet, list(line))
    for table in tables:
        sheet = workbook.create_sheet(str(table.title)[:31])
        _xlsx_row(sheet, table.headers)
        for i, row in enumerate(table.rows):
            kinds = table.kinds(i)
            _xlsx_row(
                sheet,
                [_xlsx_value(v, k) for v, k in zip(row, kinds, strict=True)],
                [_XLSX_FORMATS.get(k) for k in kinds],
            )
    return _workbook_bytes(workbook)
