"""Officer, exporter and supervisors in the browser: dialogue, internal note, inform."""

import pytest

from informs.models import Inform
from reports.models import Report, Status
from tests import factories
from tests.reports.helpers import submitted_report

from .axe import AxeAudit
from .conftest import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_out(page):
    page.click("form[action='/accounts/logout/'] button")
    page.wait_for_url("**/accounts/login/")


def test_dialogue_then_inform_across_roles(page, catalog):
    exporter = factories.ExporterFactory(username="exp")
    factories.OfficerFactory(username="off", division=catalog["elec"])
    factories.SupervisorFactory(username="sup1", division=catalog["elec"])
    factories.SupervisorFactory(username="sup2", division=catalog["elec"])
    report = submitted_report(exporter)
    detail = f"/reports/{report.pk}/"

    # The officer finds the report in the queue and takes it.
    sign_in(page, "off")
    page.wait_for_url("**/dialogue/queue/**")
    page.click(f"text={report.reference}")
    page.wait_for_url(f"**{detail}")
    page.click("button:has-text('官民対話を開始する')")
    page.wait_for_selector("#dlg-msg-kind")
    page.select_option("#dlg-msg-kind", "concern_information")
    page.fill("#dlg-msg-body", "懸念情報：相手方の関連会社に軍需企業があります。")
    page.click("#dialogue button:has-text('投稿する')")
    page.wait_for_selector("text=懸念情報：相手方の関連会社")
    page.select_option("#dlg-msg-kind", "internal_note")
    page.fill("#dlg-msg-body", "内部メモ：課長に相談済み")
    page.click("#dialogue button:has-text('投稿する')")
    page.wait_for_selector("text=内部メモ：課長に相談済み")
    sign_out(page)

    # The exporter sees the bell, the concern information, and never the internal note.
    sign_in(page, "exp")
    page.wait_for_url("**/reports/")
    assert int(page.locator("[data-testid=unread-count]").inner_text()) >= 1
    page.goto(detail)
    assert page.locator("text=懸念情報：相手方の関連会社").count() == 1
    assert page.locator("text=内部メモ").count() == 0
    page.select_option("#dlg-msg-kind", "answer")
    page.fill("#dlg-msg-body", "<script>alert(1)</script>回答します")
    page.click("#dialogue button:has-text('投稿する')")
    page.wait_for_selector("text=回答します")
    assert (
        "<script>alert(1)</script>回答します" in page.locator("[data-testid=thread]").inner_text()
    )
    sign_out(page)

    # The officer proposes an inform; the first supervisor approves it.
    sign_in(page, "off")
    page.goto(detail)
    disclosure = page.locator("[data-testid=propose-disclosure] summary")
    if disclosure.count():  # the form may sit in a disclosure on the report page
        disclosure.click()
    page.fill("#id_grounds", "対話により懸念が解消されなかったため。")
    page.fill("#id_licence_conditions", "第三者への再移転を禁止すること\n年1回の報告")
    page.click("button:has-text('インフォームを提案する')")
    page.wait_for_selector("[data-testid=inform-proposal]")
    sign_out(page)
    sign_in(page, "sup1")
    page.goto(detail)
    # Approving opens the confirmation page: the notice's grounds, conditions and legal basis.
    page.click("[data-testid=approve-link]")
    page.wait_for_selector("[data-testid=confirm-panel]")
    AxeAudit(page).check()
    preview = page.inner_text("[data-testid=inform-notice-preview]")
    assert "対話により懸念が解消されなかったため。" in preview
    assert "第三者への再移転を禁止すること" in preview and "年1回の報告" in preview
    assert "外国為替及び外国貿易法" in page.inner_text("[data-testid=legal-basis]")
    assert Inform.objects.get(report=report).number is None  # nothing issued yet
    page.click("[data-testid=confirm]")
    page.wait_for_selector("[data-testid=inform-issued]")
    inform = Inform.objects.get(report=report)
    assert inform.number and inform.approved_by.username == "sup1"
    assert Report.objects.get(pk=report.pk).status == Status.INFORMED
    sign_out(page)

    # The exporter records receipt.
    sign_in(page, "exp")
    page.goto(detail)
    page.click("[data-testid=inform-issued] button:has-text('受領を確認する')")
    page.wait_for_selector(
        "[data-testid=inform-issued] button:has-text('受領を確認する')", state="detached"
    )
    inform.refresh_from_db()
    assert inform.acknowledged_by == exporter


def test_a_return_shows_the_reason_before_it_is_final_and_keeps_it_on_change(page, catalog):
    exporter = factories.ExporterFactory(username="exp")
    officer = factories.OfficerFactory(username="off", division=catalog["elec"])
    factories.SupervisorFactory(username="sup1", division=catalog["elec"])
    report = submitted_report(exporter)
    from tests.informs.helpers import propose, start_dialogue

    inform = propose(start_dialogue(report, officer), officer)
    reason = "根拠が不足しています。\n相手方の資本関係を確認してください。"
    sign_in(page, "sup1")
    page.goto(f"/informs/{inform.pk}/return/")
    page.fill("#id_reason", reason)
    page.click("main form button[type=submit]")
    page.wait_for_selector("[data-testid=confirm-panel]")
    AxeAudit(page).check()
    assert "相手方の資本関係を確認してください。" in page.inner_text(
        "[data-testid=confirm-answers]"
    )
    page.click("[data-testid=change]")  # back to the form: the two lines are still there
    page.wait_for_selector("#id_reason")
    assert page.input_value("#id_reason") == reason
    page.click("main form button[type=submit]")
    page.click("[data-testid=confirm]")
    page.wait_for_url(f"**/reports/{report.pk}/")
    inform.refresh_from_db()
    assert inform.return_reason == reason
