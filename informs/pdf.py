"""The inform notice (インフォーム通知書) as a PDF, rendered by WeasyPrint from a template."""

from __future__ import annotations

import datetime

import weasyprint
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from reports import clock

from .models import Inform

# Official notices carry Japanese-era dates (和暦). Reiwa began on 2019-05-01.
_REIWA_START = datetime.date(2019, 5, 1)


def japanese_date(day: datetime.date | None) -> str:
    """A date as an official letter writes it, e.g. 令和7年3月4日 (2025-03-04)."""
    if day is None:
        return ""
    if day >= _REIWA_START:
        year = day.year - 2018
        era = f"令和{'元' if year == 1 else year}年"
    else:
        era = f"{day.year}年"
    return f"{era}{day.month}月{day.day}日"


def _jst_day(moment: datetime.datetime | None) -> datetime.date | None:
    return clock.jst_date(moment) if moment is not None else None


def inform_notice_context(inform: Inform) -> dict:
    report = inform.report
    return {
        "inform": inform,
        "report": report,
        "organisation": report.organisation,
        "division": report.responsible_division,
        "approver": inform.approved_by,
        "technology": report.technology,
        "issued_on": japanese_date(_jst_day(inform.issued_at)),
        "received_on": japanese_date(_jst_day(report.received_at)),
        "conditions": inform.licence_conditions,
        "draft": not inform.is_issued,
    }


def inform_notice_pdf(inform: Inform) -> bytes:
    """The A4 notice in Japanese, whatever the reader's language: it is the formal letter."""
    with translation.override("ja"):
        html = render_to_string("informs/notice_pdf.html", inform_notice_context(inform))
    return weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
