"""The statistics page, its chart images and its exports (supervisors and administrators)."""

from __future__ import annotations

from typing import Any

from csp.decorators import csp_update
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import charts, exports
from .access import statistics_required
from .forms import StatisticsFilterForm
from .selectors import (
    PART_DESTINATIONS,
    PART_MONTHS,
    PART_OUTCOMES,
    PART_TECHNOLOGIES,
    ReportStatistics,
    report_statistics,
)
from .tables import figure_tables

# What each chart needs computed (a chart image is its own request).
CHART_PARTS = {
    "months": {PART_MONTHS},
    "days": {PART_MONTHS},
    "outcomes": {PART_OUTCOMES},
    "technologies": {PART_TECHNOLOGIES},
    "destinations": {PART_DESTINATIONS},
}
# Each chart: the table with its numbers, its heading and the image's text alternative.
CHART_TEXT = {
    "months": (
        "months",
        gettext_lazy("Reports received per month, by outcome"),
        gettext_lazy("Stacked bar chart of the reports received per month by outcome."),
    ),
    "days": (
        "days",
        gettext_lazy("Days from receipt to decision, per month"),
        gettext_lazy("Line chart of the median and 90th percentile days to decision per month."),
    ),
    "outcomes": (
        "outcomes",
        gettext_lazy("Days from receipt to closing, per outcome"),
        gettext_lazy("Bar chart of the median and 90th percentile days to closing per outcome."),
    ),
    "technologies": (
        "technologies",
        gettext_lazy("Reports per technology"),
        gettext_lazy("Bar chart of the reports per technology."),
    ),
    "destinations": (
        "destinations",
        gettext_lazy("Top 15 destination countries"),
        gettext_lazy("Bar chart of the reports per destination country, top 15."),
    ),
}


def _form(request: HttpRequest) -> StatisticsFilterForm:
    form = StatisticsFilterForm(request.GET, user=request.user)
    form.is_valid()
    return form


def _query(request: HttpRequest) -> str:
    return request.GET.urlencode()


def filter_text(form: StatisticsFilterForm) -> list[tuple[str, str]]:
    """The filters as label and value, for the page's caption and the exports' first lines."""
    data = form.cleaned_data
    return [
        (
            _("Period (month of receipt, JST)"),
            f"{data['from_month']:%Y-%m} – {data['to_month']:%Y-%m}",
        ),
        (_("Division"), form.division_name()),
        (_("Technology"), form.choice_label("technology")),
        (_("Destination country"), form.choice_label("country")),
        (_("Made at (JST)"), timezone.localtime().strftime("%Y-%m-%d %H:%M")),
    ]


def _bad_filters() -> HttpResponse:
    return HttpResponseBadRequest(
        _("Correct the filters on the statistics page first."),
        content_type="text/plain; charset=utf-8",
    )


@statistics_required
def statistics(request: HttpRequest) -> HttpResponse:
    form = _form(request)
    context: dict[str, Any] = {"form": form}
    if form.errors:
        return render(request, "insight/statistics.html", context, status=400)
    stats = report_statistics(filters=form.statistics_filter())
    tables = {t.key: t for t in figure_tables(stats)}
    query = _query(request)
    context.update(
        {
            "stats": stats,
            "tables": tables,
            "filter_text": filter_text(form),
            "query": query,
            "charts": [
                {
                    "name": name,
                    "table": tables[table_key],
                    "title": title,
                    "alt": alt,
                    "url": reverse(f"insight:chart_{name}") + (f"?{query}" if query else ""),
                }
                for name, (table_key, title, alt) in CHART_TEXT.items()
            ],
            "extra_tables": [tables["consultations"], tables["compliance"]],
            "export_max_rows": exports.EXPORT_MAX_ROWS,
            "too_many": stats.summary.received > exports.EXPORT_MAX_ROWS,
        }
    )
    return render(request, "insight/statistics.html", context)


# The chart is an SVG document with its own <style> (pygal's); shown as an <img>, so nothing
# in it runs. Its styles are allowed on this response only.
@csp_update({"style-src": ["'self'", "'unsafe-inline'"]})
@statistics_required
def chart(request: HttpRequest, name: str) -> HttpResponse:
    form = _form(request)
    if form.errors:
        return _bad_filters()
    stats: ReportStatistics = report_statistics(
        filters=form.statistics_filter(), parts=CHART_PARTS[name]
    )
    response = HttpResponse(charts.chart_svg(name, stats), content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=300"
    return response


def _stamp() -> str:
    return timezone.localtime().strftime("%Y%m%d-%H%M")


@statistics_required
def export_reports(request: HttpRequest, fmt: str) -> HttpResponse | StreamingHttpResponse:
    """The filtered report list (at most EXPORT_MAX_ROWS, oldest receipt first)."""
    form = _form(request)
    if form.errors:
        return _bad_filters()
    filters = form.statistics_filter()
    name = f"statistics-reports-{_stamp()}"
    response: HttpResponse | StreamingHttpResponse
    if fmt == "csv":
        response = StreamingHttpResponse(
            exports.report_list_csv(filters), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(exports.report_list_xlsx(filters), content_type=exports.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@statistics_required
def export_figures(request: HttpRequest, fmt: str) -> HttpResponse:
    """Every figure of the page, as the page shows it."""
    form = _form(request)
    if form.errors:
        return _bad_filters()
    tables = figure_tables(report_statistics(filters=form.statistics_filter()))
    text = filter_text(form)
    name = f"statistics-{_stamp()}"
    response: HttpResponse
    if fmt == "csv":
        response = HttpResponse(
            exports.figures_csv(tables, text), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(exports.figures_xlsx(tables, text), content_type=exports.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
