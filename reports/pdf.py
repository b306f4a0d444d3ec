"""The filed report as one A4 page (WeasyPrint), in Japanese or in English."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML

from . import clock
from .models import ProvisionMethod, Report


def report_pdf(report: Report, language: str = "ja") -> bytes:
    with translation.override("en" if language == "en" else "ja"):
        html = render_to_string(
            "reports/report_pdf.html",
            {
                "report": report,
                "organisation": report.organisation,
                "last_day": clock.last_day_of(report.decision_due_at)
                if report.decision_due_at
                else None,
                "provision_methods": [ProvisionMethod(m).label for m in report.provision_methods],
                "language": translation.get_language(),
            },
        )
        return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
