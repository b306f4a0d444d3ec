"""The charts, drawn on the server as SVG with pygal and served as images (no script runs).

Colours are the Digital Agency design system's (static/portal.css). The outcomes differ in
lightness, and the two closest in grey (withdrawn, open) also carry a pattern, so the stacks
read on a grey-scale print; each chart has a table with the same numbers beside it.
"""

from __future__ import annotations

from typing import Any

import pygal
from django.utils.translation import gettext as _
from pygal.style import Style

from .selectors import OUTCOME_LABELS, OUTCOMES, ReportStatistics

FONT = "'Noto Sans JP', 'Hiragino Sans', 'Yu Gothic', Meiryo, sans-serif"
INK = "#1a1a1a"
BLUE = "#0017c1"
# Relative luminance from 0.01 to 0.9: informed (blue 1200), closed without inform (blue 600),
# not subject (blue 300), lapsed (yellow 300), withdrawn (grey 536 stripes), open (blue dots).
OUTCOME_COLOURS = {
    "informed": "#000060",
    "closed_no_inform": "#3460fb",
    "not_subject": "#9db7f9",
    "lapsed": "#ffd43d",
    "withdrawn": "url(#insight-stripes)",
    "open": "url(#insight-dots)",
}
PATTERNS = [
    '<pattern id="insight-stripes" width="8" height="8" patternUnits="userSpaceOnUse"'
    ' patternTransform="rotate(45)"><rect width="8" height="8" fill="#ffffff"/>'
    '<rect width="4" height="8" fill="#4d4d4d"/></pattern>',
    '<pattern id="insight-dots" width="6" height="6" patternUnits="userSpaceOnUse">'
    '<rect width="6" height="6" fill="#e8f1fe"/><circle cx="3" cy="3" r="1.3" fill="#0017c1"/>'
    "</pattern>",
]

CHARTS = ("months", "days", "outcomes", "technologies", "destinations")


def _style(colours: tuple[str, ...]) -> Style:
    return Style(
        background="#ffffff",
        plot_background="#ffffff",
        foreground=INK,
        foreground_strong=INK,
        foreground_subtle="#767676",
        opacity="1",
        opacity_hover="1",
        colors=colours,
        font_family=FONT,
        label_font_size=13,
        major_label_font_size=13,
        legend_font_size=14,
        value_font_size=13,
        tooltip_font_size=13,
    )


def _config(**extra: Any) -> dict[str, Any]:
    return {
        "width": 800,
        "height": 420,
        "js": [],
        "disable_xml_declaration": True,
        "show_legend": True,
        "legend_at_bottom": True,
        "legend_at_bottom_columns": 3,
        "print_values": False,
        "no_data_text": _("No reports"),
        "defs": PATTERNS,
        "margin": 16,
        **extra,
    }


def _months(stats: ReportStatistics) -> pygal.Graph:
    labels = [m.month.strftime("%Y-%m") for m in stats.months]
    chart = pygal.StackedBar(
        style=_style(tuple(OUTCOME_COLOURS[o] for o in OUTCOMES)),
        x_label_rotation=45 if len(labels) > 12 else 0,
        **_config(),
    )
    chart.x_labels = labels
    for outcome in OUTCOMES:
        chart.add(str(OUTCOME_LABELS[outcome]), [m.counts[outcome] for m in stats.months])
    return chart


def _days(stats: ReportStatistics) -> pygal.Graph:
    chart = pygal.Line(
        style=_style((BLUE, "#4d4d4d")), **_config(show_dots=True, dots_size=4, include_x_axis=True)
    )
    chart.x_labels = [m.month.strftime("%Y-%m") for m in stats.months]
    chart.add(_("Median"), [m.median_days for m in stats.months])
    chart.add(
        _("90th percentile"),
        [m.p90_days for m in stats.months],
        stroke_style={"width": 3, "dasharray": "8, 5"},
    )
    return chart


def _outcomes(stats: ReportStatistics) -> pygal.Graph:
    rows = [o for o in stats.outcomes if o.median_days is not None]
    chart = pygal.Bar(style=_style((BLUE, "url(#insight-stripes)")), **_config())
    chart.x_labels = [o.label for o in rows]
    chart.add(_("Median"), [o.median_days for o in rows])
    chart.add(_("90th percentile"), [o.p90_days for o in rows])
    return chart


def _ranking(rows: list[Any]) -> pygal.Graph:
    chart = pygal.HorizontalBar(
        style=_style((BLUE,)), **_config(show_legend=False, height=max(220, 40 + 32 * len(rows)))
    )
    # pygal draws the first value at the bottom: reversed, the largest is at the top.
    chart.x_labels = [r.name for r in reversed(rows)]
    chart.add(_("Reports"), [r.count for r in reversed(rows)])
    return chart


def chart_svg(name: str, stats: ReportStatistics) -> bytes:
    """The chart `name` (one of CHARTS) as an SVG document without script."""
    builders = {
        "months": _months,
        "days": _days,
        "outcomes": _outcomes,
        "technologies": lambda s: _ranking(s.technologies),
        "destinations": lambda s: _ranking(s.destinations),
    }
    chart = builders[name](stats)
    tree = chart.render_tree()
    # pygal writes its configuration as an inline script for its optional tooltips; an image
    # never runs it, and without it the file passes the content-security policy on its own.
    for parent in list(tree.iter()):
        for child in list(parent):
            if isinstance(child.tag, str) and child.tag.rsplit("}", 1)[-1] == "script":
                parent.remove(child)
    from pygal.etree import etree

    return etree.tostring(tree, encoding="utf-8")
