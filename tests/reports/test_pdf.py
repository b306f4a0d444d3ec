import io

import pytest
from pypdf import PdfReader

from tests import factories
from tests.conftest import api_as

from .helpers import submitted_report

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(content))
    return "".join(page.extract_text() for page in reader.pages), len(reader.pages)


def test_filed_report_pdf_in_japanese(client, exporter, catalog):
    report = submitted_report(exporter)
    client.force_login(exporter)
    response = client.get(f"/reports/{report.pk}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text, pages = pdf_text(response.content)
    assert pages == 1
    assert report.reference in text
    assert "積層セラミックコンデンサ（MLCC）" in text.replace(" ", "")
    assert exporter.organisation.corporate_number in text
    assert "事前報告" in text


def test_pdf_in_english_for_english_users(client, exporter, catalog):
    report = submitted_report(exporter)
    client.force_login(exporter)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    text, _ = pdf_text(client.get(f"/reports/{report.pk}/pdf/").content)
    assert "Multilayer ceramic capacitors (MLCC)" in text
    assert report.reference in text


def test_pdf_access(exporter, catalog):
    report = submitted_report(exporter)
    url = f"/api/v1/reports/{report.pk}/pdf/"
    assert api_as(exporter).get(url).status_code == 200
    assert api_as(factories.OfficerFactory(division=catalog["elec"])).get(url).status_code == 200
    assert api_as(factories.SupervisorFactory(division=catalog["elec"])).get(url).status_code == 200
    assert api_as(factories.OfficerFactory(division=catalog["mat"])).get(url).status_code == 404
    assert api_as(factories.ExporterFactory()).get(url).status_code == 404
