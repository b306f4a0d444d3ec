"""Journey 2 of issue #15 in the browser: an officer opens a compliance case from a late report,
issues guidance, the company answers with evidence, an order is proposed and approved by a
second supervisor, then downloaded and acknowledged by the company."""

import datetime
import io
import re

import pytest
from pypdf import PdfReader

from compliance.lifecycle import CaseStatus
from compliance.models import ComplianceCase, NoticeWording
from tests import factories
from tests.compliance.helpers import late_report, today

from .axe import AxeAudit, assert_badges_on_one_line, assert_no_sideways_scroll

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


class Journey:
    def __init__(self, page):
        self.page = page
        self.axe = AxeAudit(page)

    def check(self) -> None:
        self.axe.check()
        assert_no_sideways_scroll(self.page)
        assert_badges_on_one_line(self.page)

    def as_(self, username: str) -> None:
        if self.page.locator("form[action='/accounts/logout/'] button").count():
            self.page.click("form[action='/accounts/logout/'] button")
            self.page.wait_for_url("**/accounts/login/")
        self.axe.sign_in(username)
        self.check()  # the page each role lands on

    def go(self, path: str) -> None:
        self.page.goto(path)
        self.check()

    def click(self, selector: str) -> None:
        self.page.click(selector)
        self.page.wait_for_load_state()
        self.check()

    def status(self) -> str:
        return self.page.get_attribute("[data-testid=case-status]", "class")


def test_a_case_from_a_late_report_to_an_acknowledged_order(page, catalog):
    exporter = factories.ExporterFactory(username="exp")
    factories.OfficerFactory(username="off", division=catalog["elec"])
    factories.SupervisorFactory(username="sup1", division=catalog["elec"])
    factories.SupervisorFactory(username="sup2", division=catalog["elec"])
    report = late_report(exporter)
    # The wording is data seeded by a migration; an earlier transactional test's flush may have
    # removed it, so the journey writes its own, as an administrator would.
    for kind, text in WORDING.items():
        NoticeWording.objects.update_or_create(kind=kind, defaults={"legal_basis": text})
    journey = Journey(page)

    # The officer opens a draft case from the report flagged late, then opens it to the company.
    journey.as_("off")
    journey.go(f"/reports/{report.pk}/")
    journey.click("[data-testid=open-compliance-case]")
    page.fill("#id_facts", "契約日当日に事前報告が提出された。契約前に図面が送付されていた。")
    journey.click("main form button[type=submit]")
    case = ComplianceCase.objects.get()
    assert case.report == report and case.status == CaseStatus.DRAFT
    assert page.locator("[data-testid=draft-note]").count() == 1
    journey.click("[data-testid=open-link]")
    assert page.locator("[data-testid=confirm-panel]").count() == 1
    journey.click("[data-testid=confirm]")
    assert "status-opened" in journey.status()

    # Guidance and advice: the measures and the answer date, confirmed before it is issued.
    journey.click("[data-testid=guidance-link]")
    page.fill("#id_measures", "事前報告の社内手続を整備し、その内容を報告すること。")
    page.fill("#id_answer_due", (today() + datetime.timedelta(days=14)).isoformat())
    journey.click("main form button[type=submit]")
    assert "事前報告の社内手続を整備" in page.inner_text("[data-testid=confirm-answers]")
    journey.click("[data-testid=confirm]")
    assert "status-guidance_issued" in journey.status()

    # The company finds the case, reads the guidance and answers with evidence attached.
    journey.as_("exp")
    journey.go("/compliance/")
    journey.click(f"text={case.reference}")
    assert "事前報告の社内手続を整備" in page.inner_text("[data-testid=guidance]")
    page.select_option("#id_kind", "answer")
    page.fill("#id_body", "社内規程を改定しました。改定後の規程を添付します。")
    page.set_input_files(
        "#id_attachment",
        files=[{"name": "規程.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    journey.click("[data-testid=post-message]")
    thread = page.inner_text("[data-testid=thread]")
    assert "社内規程を改定しました" in thread and "規程.pdf" in thread
    case.refresh_from_db()
    assert case.guidance_answered_at is not None

    # A supervisor proposes the order; being the proposer, they cannot approve it.
    journey.as_("sup1")
    journey.go(f"/compliance/{case.pk}/")
    journey.click("[data-testid=propose-link]")
    page.fill("#id_measures", "技術管理体制を改善し、改善結果を報告すること。")
    page.fill("#id_compliance_due", (today() + datetime.timedelta(days=30)).isoformat())
    journey.click("main form button[type=submit]")
    journey.click("[data-testid=confirm]")
    assert page.locator("[data-testid=order-proposal]").count() == 1
    assert page.locator("[data-testid=approve-link]").count() == 0

    # The company does not see the proposal.
    journey.as_("exp")
    journey.go(f"/compliance/{case.pk}/")
    assert page.locator("[data-testid=order-proposal]").count() == 0
    assert "status-guidance_issued" in journey.status()

    # A second supervisor reads the order with its legal wording and issues it.
    journey.as_("sup2")
    journey.go(f"/compliance/{case.pk}/")
    journey.click("[data-testid=approve-link]")
    wording = NoticeWording.objects.get(kind="order").legal_basis
    assert wording in page.inner_text("[data-testid=order-legal-basis]")
    journey.click("[data-testid=confirm]")
    case.refresh_from_db()
    assert case.status == CaseStatus.ORDER_ISSUED and case.order_approved_by.username == "sup2"
    assert case.order_number in page.inner_text("[data-testid=order-issued]")

    # The company downloads the notice and acknowledges its receipt.
    journey.as_("exp")
    journey.go(f"/compliance/{case.pk}/")
    pdf = page.request.get(page.get_attribute("[data-testid=order-pdf]", "href"))
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    text = re.sub(
        r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)
    )
    assert case.order_number in text and re.sub(r"\s+", "", wording) in text
    journey.click("[data-testid=acknowledge]")
    case.refresh_from_db()
    assert case.status == CaseStatus.ORDER_ACKNOWLEDGED
    assert case.order_acknowledged_by == exporter
    assert exporter.display_name in page.inner_text("[data-testid=order-acknowledged]")
    assert "status-order_acknowledged" in journey.status()
    journey.axe.assert_every_page_checked()


WORDING = {
    "guidance": "外国為替及び外国貿易法第55条の8の規定による事前報告がなかったため、指導及び助言を行う。",
    "order": "外国為替及び外国貿易法第55条の8の規定による事前報告がなかったため、改善を命ずる。",
}
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
