import io
import os
import re
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext
from pypdf import PdfReader

from catalog.models import Country, Technology
from portal.models import Organisation
from reports.models import ProvisionMethod, Report
from reports.pdf import (
    JOINABLE_TEXT_FIELDS,
    LONG_TEXT_FIELDS,
    NORMAL_LAYOUT,
    SMALLEST_LAYOUT,
    render_report_pdf,
)
from tests import factories
from tests.conftest import api_as

from .helpers import submitted_report

pytestmark = pytest.mark.django_db

# The report's free texts and the organisation's and technology's names, as the PDF shows them.
REPORT_TEXTS = (
    "technology_summary",
    "counterparty_name",
    "counterparty_other_names",
    "counterparty_address",
    "management_measures",
    "contact_name",
    "contact_department",
    "contact_phone",
    "contact_email",
    "late_reason",
)
ORGANISATION_TEXTS = ("name_ja", "name_en", "address")
TECHNOLOGY_TEXTS = ("name_ja", "name_en")


def pdf_text(content: bytes) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(content))
    return "".join(page.extract_text() for page in reader.pages), len(reader.pages)


def normalised(text: str) -> str:
    """Text without the line breaks the layout added (and the ↵ standing for the writer's)."""
    return re.sub(r"\s+", "", text.replace("↵", ""))


def font_sizes(content: bytes) -> set[float]:
    """The type sizes (pt) of the text on the first page, as the PDF draws it."""
    sizes: set[float] = set()

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip():
            sizes.add(round(font_size * abs(tm[3]) * abs(cm[3]), 2))

    PdfReader(io.BytesIO(content)).pages[0].extract_text(visitor_text=visit)
    return sizes


def _max(model, field: str) -> int:
    return model._meta.get_field(field).max_length


def _fill(max_length: int, piece) -> str:
    """`max_length` characters of numbered pieces, so that a cut anywhere is noticed."""
    text, n = "", 0
    while len(text) < max_length:
        n += 1
        text += piece(n)
    return text[:max_length]


FULL_WIDTH = str.maketrans("0123456789F", "０１２３４５６７８９Ｆ")


def japanese(tag: str):
    # Full-width throughout: the widest text a company can write.
    sentence = "積層セラミックコンデンサの焼成条件と内部電極の設計データ。"
    return lambda n: f"【{tag}-{n:03d}】".translate(FULL_WIDTH) + sentence


def unbroken(tag: str):
    # One run with no space or break opportunity: a part number list, a URL.
    return lambda n: f"{tag}N{n:04d}WMX"


def lines(tag: str):
    # Many short lines, as a bullet list is written.
    return lambda n: f"・{tag}-{n:03d}\n"


def make_maximal(report: Report, piece, *, factor: int = 1, long_piece=None) -> Report:
    """Every text of the report, its organisation and technology at its maximum length.

    Each text is numbered pieces tagged with the field (F1, F2, …), so that no two texts
    share a run and a cut anywhere is noticed.
    """
    tags = iter(range(1, 100))

    def text(model, field, make=piece):
        # Only the long texts (TextFields: no limit in the database) may go beyond the limit.
        times = factor if field in LONG_TEXT_FIELDS else 1
        return _fill(_max(model, field) * times, make(f"F{next(tags)}"))

    organisation = report.organisation
    for field in ORGANISATION_TEXTS:
        setattr(organisation, field, text(Organisation, field))
    organisation.save()
    technology = report.technology
    for field in TECHNOLOGY_TEXTS:
        setattr(technology, field, text(Technology, field))
    technology.save()
    longest_name = max(Country.objects.all(), key=lambda c: len(c.name_ja) + len(c.name_en))
    values = {
        field: text(
            Report, field, (long_piece or piece) if field in JOINABLE_TEXT_FIELDS else piece
        )
        for field in REPORT_TEXTS
    }
    Report.objects.filter(pk=report.pk).update(
        **values,
        counterparty_country=longest_name,
        transaction_type="other_enabling",
        counterparty_relationship="joint_venture",
        ownership_percent="33.33",
        provision_methods=list(ProvisionMethod.values),
        late=True,
        revision=99,
    )
    return Report.objects.select_related("organisation", "technology").get(pk=report.pk)


def assert_every_text_in(report: Report, text: str, language: str = "ja") -> None:
    """Every text of the report is on the page, whole (names in the page's language)."""
    found = normalised(text)
    expected = [getattr(report, f) for f in REPORT_TEXTS]
    expected += [report.organisation.address]
    expected += [getattr(report.organisation, f"name_{language}")]
    expected += [getattr(report.technology, f"name_{language}")]
    for value in expected:
        assert normalised(value) in found, value[:40]


def save_pdf_if_asked(content: bytes, name: str) -> None:
    """PDF_PREVIEW_DIR=/some/dir keeps the PDF there, to look at the page."""
    folder = os.environ.get("PDF_PREVIEW_DIR")
    if folder:
        Path(folder, f"{name}.pdf").write_bytes(content)


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


def test_normal_report_is_one_page_in_the_normal_type(exporter, catalog):
    report = submitted_report(exporter)
    rendered = render_report_pdf(report, "ja")
    save_pdf_if_asked(rendered.content, "normal-ja")
    assert rendered.layout == NORMAL_LAYOUT and not rendered.layout.joined_lines
    text, pages = pdf_text(rendered.content)
    assert pages == 1
    # The form's labels and values are all drawn in the normal type (the title is larger).
    assert NORMAL_LAYOUT.font_size in font_sizes(rendered.content)
    assert min(font_sizes(rendered.content)) >= 6.5  # the header's small print
    assert normalised(report.technology_summary) in normalised(text)
    assert normalised(report.management_measures) in normalised(text)


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("piece", [japanese, unbroken], ids=["japanese", "unbroken"])
def test_every_field_at_its_maximum_is_one_page_with_all_its_text(
    exporter, catalog, language, piece
):
    report = make_maximal(submitted_report(exporter), piece)
    rendered = render_report_pdf(report, language)
    save_pdf_if_asked(rendered.content, f"maximal-{piece.__name__}-{language}")
    text, pages = pdf_text(rendered.content)
    assert pages == 1
    assert rendered.layout.font_size >= SMALLEST_LAYOUT.font_size
    assert not rendered.layout.continued
    assert_every_text_in(report, text, language)
    assert report.reference in text


def test_many_short_lines_run_on_and_stay_on_one_page(exporter, catalog):
    report = make_maximal(submitted_report(exporter), japanese, long_piece=lines)
    rendered = render_report_pdf(report, "ja")
    save_pdf_if_asked(rendered.content, "maximal-lines-ja")
    text, pages = pdf_text(rendered.content)
    assert pages == 1
    # ~700 lines cannot each have their own line on one page: they are shown with ↵.
    assert rendered.layout.joined_lines and "↵" in text
    assert_every_text_in(report, text)


def test_text_beyond_any_page_continues_on_labelled_pages(exporter, catalog):
    # The long texts at three times their limits (only if the limits grow): nothing is lost.
    report = make_maximal(submitted_report(exporter), japanese, factor=3)
    rendered = render_report_pdf(report, "ja")
    save_pdf_if_asked(rendered.content, "beyond-limits-ja")
    _, pages = pdf_text(rendered.content)
    assert pages > 1 and rendered.layout.continued
    reader = PdfReader(io.BytesIO(rendered.content))
    with translation.override("ja"):
        continues, continued = (
            gettext("Continued on the next page"),
            gettext("Prior report (continued)"),
        )
    heading = normalised(f"{continued} {report.reference}")
    body = ""
    for number, page in enumerate(reader.pages, start=1):
        page_text = normalised(page.extract_text())
        assert (heading in page_text) == (number > 1)
        assert (normalised(continues) in page_text) == (number == 1)
        footer = normalised(f"{report.reference} {number} / {pages}")
        assert footer in page_text
        # The text runs on from page to page once the labels in the margins are set aside.
        for label in (heading, normalised(continues), footer):
            page_text = page_text.replace(label, "")
        body += page_text
    assert_every_text_in(report, body)


def test_pdf_access(exporter, catalog):
    report = submitted_report(exporter)
    url = f"/api/v1/reports/{report.pk}/pdf/"
    assert api_as(exporter).get(url).status_code == 200
    assert api_as(factories.OfficerFactory(division=catalog["elec"])).get(url).status_code == 200
    assert api_as(factories.SupervisorFactory(division=catalog["elec"])).get(url).status_code == 200
    assert api_as(factories.OfficerFactory(division=catalog["mat"])).get(url).status_code == 404
    assert api_as(factories.ExporterFactory()).get(url).status_code == 404
