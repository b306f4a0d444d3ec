"""The filed report as one A4 page (WeasyPrint), in Japanese or in English.

The report is one page by design (domain.md), yet its free texts may hold about 10,000
characters at their maximum lengths (reports/limits.py). So the page is laid out at the largest
type that fits: every layout from the normal type down to the smallest is tried, and the
first whose rendering is one page is the one returned. Nothing is ever cut: when even the
smallest type does not fit (texts with many short lines), line breaks in the long texts are
shown as ↵ so that the lines run on; and should that still not fit, the form flows onto further
pages, each labelled as the report's continuation.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe
from weasyprint import HTML
from weasyprint.document import Document

from . import clock
from .models import ProvisionMethod, Report

# The report's texts that may run to thousands of characters; each is laid out across the
# full width of the form.
LONG_TEXT_FIELDS = ("technology_summary", "late_reason", "management_measures")
# Texts whose line breaks are shown as ↵ when the lines must run on: the long texts, and the
# counterparty's other names (short, but possibly one name a line).
JOINABLE_TEXT_FIELDS = (*LONG_TEXT_FIELDS, "counterparty_other_names")


@dataclass(frozen=True)
class Layout:
    font_size: float  # pt, every part of the form (labels and values)
    line_height: float
    title_size: float  # pt
    joined_lines: bool = False  # line breaks in the long texts shown as ↵, not as new lines
    continued: bool = False  # the form runs over more than one page (labelled continuation)

    @property
    def small_size(self) -> float:
        """The header's small print (the Act, the reference and dates): never below 6.5 pt."""
        return max(6.5, self.font_size - 1)


# Largest first; 9 pt is the normal type. The smallest, 5 pt, is still read in print (the
# kanji keep their strokes at 300 dpi) and on screen (the PDF zooms); it is needed because
# every field at its maximum length in full-width Japanese is about 9,800 characters, which
# at 6 pt would need more than the whole A4 page even without labels or borders.
LAYOUTS: tuple[Layout, ...] = (
    Layout(font_size=9.0, line_height=1.45, title_size=13.0),
    Layout(font_size=8.5, line_height=1.4, title_size=12.5),
    Layout(font_size=8.0, line_height=1.4, title_size=12.0),
    Layout(font_size=7.5, line_height=1.35, title_size=11.5),
    Layout(font_size=7.0, line_height=1.3, title_size=11.0),
    Layout(font_size=6.5, line_height=1.3, title_size=10.5),
    Layout(font_size=6.0, line_height=1.25, title_size=10.0),
    Layout(font_size=5.5, line_height=1.15, title_size=10.0),
    Layout(font_size=5.25, line_height=1.15, title_size=9.5),
    Layout(font_size=5.0, line_height=1.15, title_size=9.0),
)
NORMAL_LAYOUT = LAYOUTS[0]
SMALLEST_LAYOUT = LAYOUTS[-1]

_LINE_BREAK_MARK = mark_safe('<span class="nl"> ↵ </span>')


@dataclass(frozen=True)
class RenderedReport:
    content: bytes
    layout: Layout
    pages: int


def report_pdf(report: Report, language: str = "ja") -> bytes:
    """The filed report as a PDF: one A4 page, in the reader's language."""
    return render_report_pdf(report, language).content


def render_report_pdf(report: Report, language: str = "ja") -> RenderedReport:
    """The PDF at the largest layout that keeps the report on one page, and that layout."""
    with translation.override("en" if language == "en" else "ja"):
        context = _context(report)

        def render(layout: Layout) -> Document:
            texts = {
                field: _long_text(getattr(report, field), joined=layout.joined_lines)
                for field in JOINABLE_TEXT_FIELDS
            }
            html = render_to_string(
                "reports/report_pdf.html", {**context, "layout": layout, "texts": texts}
            )
            return HTML(string=html, base_url=str(settings.BASE_DIR)).render()

        found = _largest_fitting(LAYOUTS, render)
        if found is None:
            found = _largest_fitting(
                [replace(layout, joined_lines=True) for layout in LAYOUTS], render
            )
        if found is None:
            layout = replace(SMALLEST_LAYOUT, joined_lines=True, continued=True)
            found = layout, render(layout)
        layout, document = found
        return RenderedReport(
            content=document.write_pdf(), layout=layout, pages=len(document.pages)
        )


def _context(report: Report) -> dict:
    return {
        "report": report,
        "organisation": report.organisation,
        "last_day": clock.last_day_of(report.decision_due_at) if report.decision_due_at else None,
        "provision_methods": [ProvisionMethod(m).label for m in report.provision_methods],
        "language": translation.get_language(),
    }


def _long_text(text: str, *, joined: bool) -> str | SafeString:
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    if not joined:
        return text  # escaped by the template; the cell keeps the line breaks (pre-wrap)
    return format_html_join(_LINE_BREAK_MARK, "{}", ((line,) for line in text.split("\n")))


def _largest_fitting(
    layouts: Sequence[Layout], render: Callable[[Layout], Document]
) -> tuple[Layout, Document] | None:
    """The first of `layouts` (largest type first) whose rendering is one page, if any.

    The normal type is tried first, since nearly every report fits at it; then a binary
    search, since a smaller type never needs more pages than a larger one. Only a layout
    that was actually rendered on one page is ever returned.
    """
    first = render(layouts[0])
    if len(first.pages) == 1:
        return layouts[0], first
    best = None
    low, high = 1, len(layouts) - 1
    while low <= high:
        middle = (low + high) // 2
        document = render(layouts[middle])
        if len(document.pages) == 1:
            best = layouts[middle], document
            high = middle - 1
        else:
            low = middle + 1
    return best
