import datetime
import io
import re

import pytest
from pypdf import PdfReader

from informs import services
from informs.pdf import inform_notice_pdf, japanese_date
from reports import clock

from .helpers import make_report_under_dialogue, propose

pytestmark = pytest.mark.django_db

CONDITIONS = [
    "第三国への再移転を行わないこと。",
    "技術の管理状況を毎年報告すること。",
    "Access log kept for 5 years",
]


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    # Line breaks inside long sentences are layout, not content.
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def _squash(value: str) -> str:
    return re.sub(r"\s+", "", value)


@pytest.fixture
def issued(people, catalog):
    division = catalog["elec"]
    division.contact_phone = "03-3501-1511"
    division.contact_email = "elec@meti.example.go.jp"
    division.save()
    people.supervisor.last_name, people.supervisor.first_name = "佐藤", "花子"
    people.supervisor.save()
    report = make_report_under_dialogue(people.exporter, people.officer)
    inform = propose(report, people.officer, conditions=CONDITIONS)
    return services.inform_approve(actor=people.supervisor, inform_id=inform.pk)


def test_notice_is_a_japanese_a4_letter_with_the_extractable_content(issued, people):
    pdf = inform_notice_pdf(issued)
    assert pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    text = _text(pdf)
    organisation = people.exporter.organisation
    report = issued.report
    assert issued.number in text
    # Japanese text comes out as text (fonts embedded with their Unicode mapping).
    assert _squash(organisation.name_ja) in text
    assert "インフォーム通知書" in text
    assert "経済産業省" in text
    for condition in CONDITIONS:
        assert _squash(condition) in text
    assert organisation.corporate_number in text
    assert _squash(organisation.address) in text
    assert report.reference in text
    assert _squash(issued.legal_basis) in text
    assert _squash(issued.grounds) in text
    assert _squash(report.responsible_division.name_ja) in text
    assert "03-3501-1511" in text and "elec@meti.example.go.jp" in text
    assert "佐藤花子" in text
    assert japanese_date(clock.jst_date(issued.issued_at)) in text
    assert japanese_date(clock.jst_date(report.received_at)) in text


def test_proposal_preview_is_marked_as_a_draft_without_number(people):
    report = make_report_under_dialogue(people.exporter, people.officer)
    inform = propose(report, people.officer, conditions=[])
    text = _text(inform_notice_pdf(inform))
    assert "案" in text and "INF-" not in text
    assert "許可条件なし" in text


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2025-03-04", "令和7年3月4日"),
        ("2019-05-01", "令和元年5月1日"),
        ("2026-01-01", "令和8年1月1日"),
    ],
)
def test_japanese_era_dates(day, expected):
    assert japanese_date(datetime.date.fromisoformat(day)) == expected
