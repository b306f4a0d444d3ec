"""The improvement order notice (改善命令書) as a PDF, rendered by WeasyPrint from a template."""

from __future__ import annotations

import weasyprint
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from informs.pdf import japanese_date
from reports import clock

from .models import ComplianceCase


def order_notice_context(case: ComplianceCase) -> dict:
    return {
        "case": case,
        "organisation": case.organisation,
        "division": case.responsible_division,
        "technology": case.technology,
        "approver": case.order_approved_by,
        "issued_on": japanese_date(clock.jst_date(case.order_issued_at))
        if case.order_issued_at
        else "",
        "guidance_on": japanese_date(clock.jst_date(case.guidance_issued_at))
        if case.guidance_issued_at
        else "",
        "transfer_on": japanese_date(case.transfer_date),
        "compliance_due_on": japanese_date(case.order_compliance_due),
        "draft": case.order_number is None,
    }


def order_notice_pdf(case: ComplianceCase) -> bytes:
    """The A4 notice in Japanese, whatever the reader's language: it is the formal letter."""
    with translation.override("ja"):
        html = render_to_string("compliance/order_pdf.html", order_notice_context(case))
    return weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
