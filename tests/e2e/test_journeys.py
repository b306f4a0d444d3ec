"""Every role's journey in the browser, as a new user would walk it (issue 13):

1. screen, draft, sign out and in, check the answers, submit, PDF (Japanese, 1,280 px);
2. the dialogue, where the officer's internal note never reaches the exporter;
3. propose, a return with a reason, propose again, confirm and issue; the exporter's notice
   and acknowledgement;
4. a supervisor extends the deadline and the exporter sees the new date;
5. a report lapses through the `sweep_deadlines` command and the exporter sees why;
6. journey 1 in English on a 390 px phone.

Every page a journey reaches is checked by axe-core (serious or critical findings fail) and
must not scroll sideways: at 1,280 px, and at 390 px for the queue and for journey 6.
"""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from pypdf import PdfReader

from informs.models import Inform, InformStatus
from reports import clock
from reports.models import Report, Status
from tests import factories
from tests.informs.helpers import start_dialogue
from tests.reports.helpers import submitted_report

from .axe import AxeAudit, assert_badges_on_one_line, assert_no_sideways_scroll

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


class Journey:
    """A person's way through the pages: each page reached is checked (axe, no sideways
    scrolling, badges and dates on one line) before the next step."""

    def __init__(self, page, viewport=DESKTOP) -> None:
        self.page = page
        self.axe = AxeAudit(page)
        page.set_viewport_size(viewport)

    def check(self) -> None:
        self.page.wait_for_load_state("load")
        assert_no_sideways_scroll(self.page)
        assert_badges_on_one_line(self.page)
        self.axe.check()

    def go(self, path: str) -> None:
        self.page.goto(path)
        self.check()

    def click(self, selector: str, *, url: str | None = None) -> None:
        """Follow a link or send a form, then check where it led."""
        self.page.click(selector)
        if url:
            self.page.wait_for_url(url)
        self.check()

    def sign_in(self, username: str, *, lands_on: str) -> None:
        self.axe.sign_in(username)
        self.page.wait_for_url(lands_on)
        self.check()

    def sign_out(self) -> None:
        self.page.click("form[action='/accounts/logout/'] button")
        self.page.wait_for_url("**/accounts/login/")
        self.check()

    def at_width(self, viewport) -> None:
        self.page.set_viewport_size(viewport)
        assert_no_sideways_scroll(self.page)

    def main_text(self) -> str:
        return self.page.inner_text("main")

    def done(self) -> None:
        self.axe.assert_every_page_checked()


def people(catalog):
    """A company's exporter, an officer and two supervisors of the division, all with names."""
    return {
        "exporter": factories.ExporterFactory(
            username="hanako", last_name="山田", first_name="花子", email="hanako@example.jp"
        ),
        "officer": factories.OfficerFactory(
            username="ichiro", last_name="佐藤", first_name="一郎", division=catalog["elec"]
        ),
        "sup1": factories.SupervisorFactory(
            username="jiro", last_name="鈴木", first_name="次郎", division=catalog["elec"]
        ),
        "sup2": factories.SupervisorFactory(
            username="saburo", last_name="高橋", first_name="三郎", division=catalog["elec"]
        ),
    }


def pdf_text(page, path: str) -> str:
    """The PDF the signed-in person gets at `path` (the browser's own session), as text."""
    response = page.request.get(path)
    assert response.ok and response.headers["content-type"] == "application/pdf"
    body = response.body()
    assert body[:5] == b"%PDF-"
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages)


# --- 1 and 6: screen, draft, sign out and in, check the answers, submit, PDF -----------------


@pytest.mark.parametrize(
    ("language", "viewport", "country"),
    [("ja", DESKTOP, "ベトナム"), ("en", PHONE, "VN")],
    ids=["1-japanese-1280px", "6-english-390px"],
)
def test_journey_1_and_6_an_exporter_files_a_report(page, catalog, language, viewport, country):
    exporter = people(catalog)["exporter"]
    j = Journey(page, viewport)
    if language == "en":
        j.go("/accounts/login/")
        j.click("form.lang-switch button[value=en]")
        page.wait_for_selector("html[lang=en]")
    j.sign_in("hanako", lands_on="**/reports/")
    assert page.locator("html").get_attribute("lang") == language

    # Screening: every question must be answered; the answer is a plain sentence.
    j.go("/reports/screening/")
    page.select_option("#id_technology", "mlcc")
    page.select_option("#id_transaction_type", "subsidiary_transfer")
    page.fill("#id_destination_country", country)
    contract = timezone.localdate() + datetime.timedelta(days=45)
    page.fill("#id_planned_contract_date", contract.isoformat())
    page.check("input[name=goods_only][value=no]")
    page.check("input[name=publicly_known][value=no]")
    j.click("main form button[type=submit]")
    result = page.locator("#screening-result")
    assert "result-required" in result.get_attribute("class")
    assert "TECH_NOT_NOTIFIED" not in result.locator("h2").inner_text()

    # A draft with part of the answers, saved.
    j.click("#screening-result a.button", url="**/reports/new/**")
    assert page.input_value("#id_technology") == "mlcc"
    page.select_option("#id_technology_scope", "manufacturing")
    page.fill("#id_technology_summary", "焼成炉の運転条件と内部電極の設計")
    page.fill("#id_counterparty_name", "Hanoi Demo Co., Ltd.")
    j.click("button[name=save]", url="**/reports/*/edit/")
    draft = Report.objects.get(organisation=exporter.organisation)
    assert draft.status == Status.DRAFT

    # Signed out and in again, the draft waits on the dashboard with the time it was saved.
    j.sign_out()
    j.sign_in("hanako", lands_on="**/reports/")
    row = page.locator("main table tbody tr").first
    assert draft.updated_at.astimezone(clock.JST).strftime("%Y-%m-%d") in row.inner_text()
    j.click("main table tbody tr a", url=f"**/reports/{draft.pk}/edit/")
    assert page.input_value("#id_counterparty_name") == "Hanoi Demo Co., Ltd."  # kept

    page.fill("#id_counterparty_address", "Hanoi, Ba Dinh")
    page.select_option("#id_counterparty_relationship", "subsidiary")
    page.fill("#id_ownership_percent", "100")
    page.check("input[name=provision_methods][value=documents]")
    page.fill("#id_management_measures", "秘密保持契約とアクセス管理")
    page.fill("#id_contact_department", "輸出管理部")
    page.fill("#id_contact_phone", "03-1111-2222")
    page.check("#id_declaration")

    # Check the answers: each with a link back to its field; nothing is filed yet.
    j.click("button[name=submit]", url=f"**/reports/{draft.pk}/check/")
    assert "Hanoi Demo Co., Ltd." in j.main_text()
    assert page.locator("[data-testid=change-counterparty_name]").count() == 1
    assert Report.objects.get(pk=draft.pk).status == Status.DRAFT
    j.click("[data-testid=submit-report]", url=f"**/reports/{draft.pk}/")
    report = Report.objects.get(pk=draft.pk)
    assert report.status == Status.SUBMITTED
    assert report.reference in page.inner_text("h1")
    assert page.locator("[data-testid=decision-due]").count() == 1

    # The PDF of what was filed.
    assert report.reference in pdf_text(page, f"/reports/{report.pk}/pdf/")
    j.go("/reports/")
    assert report.reference in j.main_text()
    j.done()


# --- 2: the dialogue; the internal note stays inside METI ------------------------------------


def test_journey_2_dialogue_where_the_internal_note_never_reaches_the_exporter(page, catalog):
    who = people(catalog)
    report = submitted_report(who["exporter"])
    detail = f"/reports/{report.pk}/"
    note = "内部メモ：課長と相談済み、懸念は中程度"
    j = Journey(page)

    # The officer finds the report in the queue, which fits a phone too, and takes it.
    j.sign_in("ichiro", lands_on="**/dialogue/queue/**")
    j.at_width(PHONE)
    j.check()
    j.at_width(DESKTOP)
    j.click(f"[data-testid=queue-row][data-reference='{report.reference}'] a", url=f"**{detail}")
    j.click("form[action$='/start/'] button", url=f"**{detail}")
    assert Report.objects.get(pk=report.pk).status == Status.UNDER_DIALOGUE
    page.select_option("#dlg-msg-kind", "concern_information")
    page.fill("#dlg-msg-body", "懸念情報：相手方の関連会社に軍需企業があります。")
    j.click("#dialogue form[action$='/messages/'] button[type=submit]", url=f"**{detail}")
    page.select_option("#dlg-msg-kind", "internal_note")
    page.fill("#dlg-msg-body", note)
    j.click("#dialogue form[action$='/messages/'] button[type=submit]", url=f"**{detail}")
    assert note in page.inner_text("[data-testid=thread]")
    j.sign_out()

    # The exporter: the bell, the concern, a reply; the note on no page they can open.
    j.sign_in("hanako", lands_on="**/reports/")
    assert int(page.inner_text("[data-testid=unread-count]")) >= 1
    j.go(detail)
    thread = page.inner_text("[data-testid=thread]")
    assert "相手方の関連会社に軍需企業があります" in thread
    assert note not in page.content() and "internal_note" not in page.content()
    assert "佐藤 一郎" in thread  # the officer by name
    j.go(f"/dialogue/reports/{report.pk}/")
    assert note not in page.content()
    j.go("/notifications/")
    assert note not in page.content()
    j.go(detail)
    page.select_option("#dlg-msg-kind", "answer")
    page.fill("#dlg-msg-body", "関連会社とは資本関係がありません。")
    j.click("#dialogue form[action$='/messages/'] button[type=submit]", url=f"**{detail}")
    assert "資本関係がありません" in page.inner_text("[data-testid=thread]")
    j.sign_out()

    # The officer reads the answer beside the note.
    j.sign_in("ichiro", lands_on="**/dialogue/queue/**")
    j.go(detail)
    thread = page.inner_text("[data-testid=thread]")
    assert "資本関係がありません" in thread and note in thread
    j.done()


# --- 3: propose, return with a reason, propose again, confirm and issue; notice, receipt -----


def propose(j: Journey, detail: str, grounds: str, conditions: str) -> None:
    j.page.click("[data-testid=propose-disclosure] summary")
    j.page.fill("#id_grounds", grounds)
    j.page.fill("#id_licence_conditions", conditions)
    j.click("[data-testid=propose-disclosure] button[type=submit]", url=f"**{detail}")
    assert j.page.locator("[data-testid=inform-proposal]").count() == 1


def test_journey_3_return_then_issue_and_the_exporter_acknowledges(page, catalog):
    who = people(catalog)
    report = start_dialogue(submitted_report(who["exporter"]), who["officer"])
    detail = f"/reports/{report.pk}/"
    reason = "根拠が不十分です。相手方の資本関係を確認してください。"
    j = Journey(page)

    j.sign_in("ichiro", lands_on="**/dialogue/queue/**")
    j.go(detail)
    propose(j, detail, "懸念が解消されなかったため。", "第三者への再移転の禁止")
    j.sign_out()

    # The first supervisor returns it with a reason, shown again before it is final.
    j.sign_in("jiro", lands_on="**/dialogue/queue/**")
    j.go("/informs/supervisor/")
    assert report.reference in page.inner_text("[data-testid=awaiting-proposals]")
    j.click(f"[data-testid=awaiting-proposals] a[href='{detail}']", url=f"**{detail}")
    page.click("[data-testid=return-disclosure] summary")
    page.fill("[data-testid=return-disclosure] textarea", reason)
    j.click("[data-testid=return-disclosure] button[type=submit]", url="**/return/")
    assert reason in page.inner_text("[data-testid=confirm-answers]")
    assert Inform.objects.get(report=report).status == InformStatus.PROPOSED  # not yet
    j.click("[data-testid=confirm]", url=f"**{detail}")
    assert Inform.objects.get(report=report).status == InformStatus.RETURNED
    assert Report.objects.get(pk=report.pk).status == Status.UNDER_DIALOGUE
    j.sign_out()

    # The officer reads the reason and proposes again.
    j.sign_in("ichiro", lands_on="**/dialogue/queue/**")
    j.go(detail)
    assert reason in page.inner_text("[data-testid=inform-returned]")
    propose(
        j,
        detail,
        "相手方の親会社が軍需企業であることを確認したため。",
        "第三者への再移転の禁止\n年1回の管理状況の報告",
    )
    j.sign_out()

    # The supervisor reads the notice as it will be issued, then issues it.
    j.sign_in("jiro", lands_on="**/dialogue/queue/**")
    j.go("/informs/supervisor/")
    j.click("[data-testid=approve]", url="**/approve/**")
    preview = page.inner_text("[data-testid=inform-notice-preview]")
    assert "親会社が軍需企業" in preview and "年1回の管理状況の報告" in preview
    assert "外国為替及び外国貿易法" in page.inner_text("[data-testid=legal-basis]")
    j.click("[data-testid=confirm]", url="**/informs/supervisor/")
    inform = Inform.objects.get(report=report, status=InformStatus.ISSUED)
    assert inform.number and inform.approved_by == who["sup1"]
    j.sign_out()

    # The exporter: the notice, its PDF, and the receipt; never the returned proposal.
    j.sign_in("hanako", lands_on="**/reports/")
    j.go(detail)
    issued = page.inner_text("[data-testid=inform-issued]")
    assert inform.number in issued and "鈴木 次郎" in issued
    assert reason not in page.content() and "懸念が解消されなかったため" not in page.content()
    assert inform.number in pdf_text(page, f"/informs/{inform.pk}/notice.pdf")
    j.click("[data-testid=inform-issued] form button[type=submit]", url=f"**{detail}")
    assert "山田 花子" in page.inner_text("[data-testid=inform-acknowledged]")
    inform.refresh_from_db()
    assert inform.acknowledged_by == who["exporter"]
    j.done()


# --- 4: an extension, seen by the exporter ---------------------------------------------------


def test_journey_4_a_supervisor_extends_and_the_exporter_sees_the_new_date(page, catalog):
    who = people(catalog)
    report = start_dialogue(submitted_report(who["exporter"]), who["officer"])
    detail = f"/reports/{report.pk}/"
    old_day = clock.last_day_of(report.decision_due_at)
    new_day = old_day + datetime.timedelta(days=10)
    j = Journey(page)

    j.sign_in("jiro", lands_on="**/dialogue/queue/**")
    j.go(detail)
    j.click(f"a[href='/reports/{report.pk}/extend-deadline/']", url="**/extend-deadline/")
    page.fill("#id_new_due_date", new_day.isoformat())
    page.fill("#id_reason", "相手方の追加資料の到着を待つため。")
    j.click("main form button[type=submit]", url="**/extend-deadline/")
    assert new_day.isoformat() in j.main_text()  # the confirmation shows the new last day
    assert clock.last_day_of(Report.objects.get(pk=report.pk).decision_due_at) == old_day
    j.click("[data-testid=confirm]", url=f"**{detail}")
    assert new_day.isoformat() in page.inner_text("[data-testid=decision-due]")
    j.sign_out()

    j.sign_in("hanako", lands_on="**/reports/")
    assert new_day.isoformat() in j.main_text()  # on the dashboard
    j.go(detail)
    assert new_day.isoformat() in page.inner_text("[data-testid=decision-due]")
    history = page.inner_text("#history")
    assert "相手方の追加資料の到着を待つため。" in history and "鈴木 次郎" in history
    j.done()


# --- 5: the clock lapses a report; the exporter sees why --------------------------------------


def test_journey_5_a_report_lapses_by_the_sweep_and_the_exporter_sees_why(page, catalog):
    who = people(catalog)
    report = start_dialogue(submitted_report(who["exporter"]), who["officer"])
    detail = f"/reports/{report.pk}/"
    # Time travel: the decision period ended a minute ago, and the sweep runs.
    Report.objects.filter(pk=report.pk).update(
        decision_due_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    out = io.StringIO()
    call_command("sweep_deadlines", stdout=out)
    assert "1 reports lapsed" in out.getvalue()
    assert Report.objects.get(pk=report.pk).status == Status.LAPSED
    j = Journey(page)

    j.sign_in("hanako", lands_on="**/reports/")
    assert int(page.inner_text("[data-testid=unread-count]")) >= 1
    assert "期限経過" in page.inner_text("main table")
    j.go("/notifications/")
    assert report.reference in j.main_text()
    j.go(detail)
    assert "期限経過" in page.inner_text("[data-testid=report-status]")
    summary = page.inner_text("#summary")
    assert "判断期限までにインフォームは発出されませんでした" in summary
    assert "契約を進めることができます" in summary
    history = page.inner_text("#history")
    assert "判断期限の経過により終了" in history
    assert "system" not in history  # the clock is named as METI, not as a user name
    assert page.locator("#dialogue form[action$='/messages/']").count() == 0  # thread closed
    j.sign_out()

    # The officer's queue lists it among the reports lapsed this week.
    j.sign_in("ichiro", lands_on="**/dialogue/queue/**")
    assert report.reference in page.inner_text("[data-testid=lapsed-recently]")
    j.done()
