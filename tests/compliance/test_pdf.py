"""The improvement order notice: a Japanese A4 letter whose text holds the number and the
legal-basis wording that administrators keep."""

import io
import re

import pytest
from pypdf import PdfReader

from compliance import services
from compliance.models import NoticeKind, NoticeWording
from compliance.pdf import order_notice_pdf
from informs.pdf import japanese_date

from .helpers import issued_case, proposed_case

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def test_the_order_notice_has_the_number_the_wording_and_the_measures(people, administrator):
    wording = NoticeWording.objects.get(kind=NoticeKind.ORDER)
    services.notice_wording_update(
        actor=administrator,
        wording_id=wording.pk,
        legal_basis="外国為替及び外国貿易法第55条の8に基づき、下記のとおり改善を命ずる（試験用文言）。",
    )
    case = issued_case(people.officer, people.supervisor, people.exporter)
    pdf = order_notice_pdf(case)
    assert pdf.startswith(b"%PDF")
    box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4
    text = _text(pdf)
    assert case.order_number in text
    assert "改善を命ずる（試験用文言）" in text
    assert "改善命令書" in text
    assert "技術管理体制を改善し、その結果を報告すること。" in text
    assert re.sub(r"\s+", "", people.exporter.organisation.name_ja) in text
    assert japanese_date(case.order_compliance_due) in text
    assert "案（未発出）" not in text


def test_a_proposals_preview_is_marked_as_a_draft_without_a_number(people):
    case = proposed_case(people.officer, people.exporter)
    text = _text(order_notice_pdf(case))
    assert "番号未付与" in text and "命令としての効力を有しない" in text


def test_the_order_notice_is_never_kept_in_a_shared_cache_page_or_api(people):
    from django.test import Client
    from django.urls import reverse

    from tests.conftest import api_as

    case = issued_case(people.officer, people.supervisor, people.exporter)
    client = Client()
    client.force_login(people.exporter)
    page = client.get(reverse("compliance:order_pdf", args=[case.pk]))
    api = api_as(people.exporter).get(f"/api/v1/compliance-cases/{case.pk}/order/pdf/")
    for response in (page, api):
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert response["Cache-Control"] == "private, no-store"
