import datetime

import pytest
from django.utils import timezone

from reports.models import Report, Status
from tests import factories

from .axe import AxeAudit
from .conftest import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_sign_in_page_is_japanese_and_switches_to_english(page, catalog):
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "ja"
    assert page.locator("h1").inner_text() == "ログイン"
    page.click("text=English")
    page.wait_for_selector("html[lang=en]")
    assert page.locator("h1").inner_text() == "Sign in"


def test_exporter_screens_files_and_downloads_a_report(page, catalog):
    exporter = factories.ExporterFactory(username="hanako", email="hanako@example.jp")
    factories.OfficerFactory(division=catalog["elec"])
    sign_in(page, "hanako")
    page.wait_for_url("**/reports/")
    page.goto("/reports/screening/")
    contract = (timezone.localdate() + datetime.timedelta(days=45)).isoformat()
    page.select_option("#id_technology", "mlcc")
    page.select_option("#id_transaction_type", "subsidiary_transfer")
    # The country picker: a text box with suggestions; the name is enough.
    page.fill("#id_destination_country", "ベトナム")
    page.fill("#id_planned_contract_date", contract)
    # No answer is chosen in advance: checking without answering shows the errors first.
    page.click("main button[type=submit]")
    page.wait_for_selector("#error-summary")
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert page.locator("#error-summary a[href='#field-goods_only']").count() == 1
    AxeAudit(page).check()
    assert page.input_value("#id_destination_country") == "ベトナム"  # kept
    page.check("input[name=goods_only][value=no]")
    page.check("input[name=publicly_known][value=no]")
    page.click("main button[type=submit]")
    result = page.locator("#screening-result")
    assert "result-required" in result.get_attribute("class")
    page.click("#screening-result a.button")
    page.wait_for_url("**/reports/new/**")
    # carried over from the screening
    assert page.input_value("#id_technology") == "mlcc"
    assert page.input_value("#id_counterparty_country") == "ベトナム (VN)"
    page.select_option("#id_technology_scope", "manufacturing")
    page.fill("#id_technology_summary", "焼成炉の運転条件")
    page.fill("#id_counterparty_name", "Hanoi Demo Co.")
    page.fill("#id_counterparty_address", "Hanoi")
    page.select_option("#id_counterparty_relationship", "subsidiary")
    # Forget the ownership and the declaration: submitting shows both next to their fields.
    page.check("input[name=provision_methods][value=documents]")
    page.fill("#id_management_measures", "秘密保持契約")
    page.fill("#id_contact_department", "輸出管理部")
    page.fill("#id_contact_phone", "03-1111-2222")
    page.click("button[name=submit]")
    page.wait_for_selector("#error-summary")
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert page.locator("#field-ownership_percent .errorlist").count() == 1
    assert page.locator("#field-declaration .errorlist").count() == 1
    assert page.input_value("#id_counterparty_name") == "Hanoi Demo Co."  # nothing lost
    page.fill("#id_ownership_percent", "100")
    page.check("#id_declaration")
    page.click("button[name=submit]")
    # Check your answers: every answer with a link back to its field, then submit.
    page.wait_for_url("**/check/")
    AxeAudit(page).check()
    assert "Hanoi Demo Co." in page.inner_text("main")
    page.click("[data-testid=change-counterparty_name]")
    page.wait_for_url("**/edit/#field-counterparty_name")
    page.fill("#id_counterparty_name", "Hanoi Demo Co., Ltd.")
    page.click("button[name=submit]")
    page.wait_for_url("**/check/")
    assert "Hanoi Demo Co., Ltd." in page.inner_text("main")
    page.click("[data-testid=submit-report]")
    page.wait_for_selector("[data-testid=report-status]")
    report = Report.objects.get(organisation=exporter.organisation)
    assert report.status == Status.SUBMITTED
    assert report.reference in page.locator("h1").inner_text()
    with page.expect_download() as download:
        page.evaluate(
            "url => { const a = document.createElement('a'); a.href = url; a.download = 'r.pdf';"
            " document.body.appendChild(a); a.click(); }",
            f"/reports/{report.pk}/pdf/",
        )
    path = download.value.path()
    with open(path, "rb") as f:
        assert f.read(5) == b"%PDF-"
