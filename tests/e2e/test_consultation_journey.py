"""Consultations in the browser (issue 15, journey 1): an exporter consults, the officer answers
and closes "report needed", the exporter files the report from the consultation, and the
officer sees the consultation on the report page. Every page is checked by axe, for sideways
scrolling and for badges on one line (tests/e2e/test_journeys.Journey)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from consultations import lifecycle, services
from consultations.models import Consultation
from reports.models import Report, Status
from tests.consultations.helpers import make_people, open_consultation
from tests.dialogue.helpers import PDF_BYTES, upload
from tests.reports.helpers import submitted_report

from .axe import AxeAudit, assert_badges_on_one_line, assert_no_sideways_scroll
from .test_journeys import Journey, people

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_consult_answer_report_needed_then_file_and_link_the_report(page, catalog):
    people(catalog)  # hanako (exporter), ichiro (officer of elec) and two supervisors
    contract = timezone.localdate() + datetime.timedelta(days=60)
    j = Journey(page)

    # The exporter opens a consultation from the dashboard.
    j.sign_in("hanako", lands_on="**/reports/")
    assert page.locator("[data-testid=open-consultations]").count() == 1
    j.click(
        "[data-testid=open-consultations] a[href='/consultations/new/']",
        url="**/consultations/new/",
    )
    page.fill("#id_subject", "ベトナム子会社へのMLCC製造技術の移転")
    page.fill(
        "#id_description",
        "ベトナムの子会社にMLCCの焼成条件を移転する計画です。事前報告が必要でしょうか。",
    )
    page.select_option("#id_technology", "mlcc")
    page.fill("#id_counterparty_country", "ベトナム")
    page.fill("#id_planned_contract_date", contract.isoformat())
    j.click("main form button[type=submit]", url="**/consultations/*/")
    consultation = Consultation.objects.get()
    assert consultation.responsible_division == catalog["elec"]
    assert consultation.reference in page.inner_text("h1")
    j.go("/reports/")
    assert consultation.reference in page.inner_text("[data-testid=open-consultations]")
    j.sign_out()

    # The officer finds it in the division's list, waiting, answers and closes it.
    j.sign_in("ichiro", lands_on="**/dialogue/queue/**")
    j.go("/consultations/")
    row = page.locator("[data-testid=consultation-list] tbody tr").first
    assert consultation.reference in row.inner_text()
    assert row.locator("[data-testid=waiting]").inner_text() != "—"
    j.click(f"text={consultation.reference}", url=f"**/consultations/{consultation.pk}/")
    page.select_option("#cs-msg-kind", "advice")
    page.fill("#cs-msg-body", "製造技術の移転に当たるため、契約前に事前報告をしてください。")
    j.click("[data-testid=post-message]", url=f"**/consultations/{consultation.pk}/")
    assert "契約前に事前報告を" in page.inner_text("[data-testid=thread]")
    j.click("[data-testid=close-link]", url="**/close/")
    page.check("input[name=outcome][value=report_needed]")
    page.fill("#close-summary", "事前報告が必要です。契約の前に提出してください。")
    j.click("main form button[type=submit]")
    assert page.locator("[data-testid=confirm-panel]").count() == 1
    assert Consultation.objects.get().status == "open"  # nothing done before confirming
    j.click("[data-testid=confirm]", url=f"**/consultations/{consultation.pk}/")
    assert page.locator("[data-testid=consultation-outcome]").count() == 1
    j.sign_out()

    # The exporter reads the outcome and files the report from the consultation.
    j.sign_in("hanako", lands_on="**/reports/")
    assert consultation.reference not in page.inner_text("[data-testid=open-consultations]")
    j.go(f"/consultations/{consultation.pk}/")
    assert "契約の前に提出してください" in page.inner_text("[data-testid=consultation-outcome]")
    assert "契約前に事前報告を" in page.inner_text("[data-testid=thread]")
    j.click("[data-testid=file-report]", url="**/reports/*/edit/")
    draft = Report.objects.get()
    assert page.input_value("#id_technology") == "mlcc"
    assert page.input_value("#id_planned_contract_date") == contract.isoformat()
    page.select_option("#id_technology_scope", "manufacturing")
    page.select_option("#id_transaction_type", "subsidiary_transfer")
    page.fill("#id_counterparty_name", "Hanoi Demo Co., Ltd.")
    page.fill("#id_counterparty_address", "Hanoi, Ba Dinh")
    page.select_option("#id_counterparty_relationship", "subsidiary")
    page.fill("#id_ownership_percent", "100")
    page.check("input[name=provision_methods][value=documents]")
    page.fill("#id_management_measures", "秘密保持契約とアクセス管理")
    page.fill("#id_contact_department", "輸出管理部")
    page.fill("#id_contact_phone", "03-1111-2222")
    page.check("#id_declaration")
    j.click("button[name=submit]", url=f"**/reports/{draft.pk}/check/")
    j.click("[data-testid=submit-report]", url=f"**/reports/{draft.pk}/")
    report = Report.objects.get(pk=draft.pk)
    assert report.status == Status.SUBMITTED
    j.go(f"/consultations/{consultation.pk}/")
    assert report.reference in page.inner_text("[data-testid=linked-reports]")
    # The closed consultation is off the open panel, and named on its report's row.
    j.go("/reports/")
    assert consultation.reference not in page.inner_text("[data-testid=open-consultations]")
    assert consultation.reference in page.inner_text("[data-testid=report-row-consultations]")
    j.click("[data-testid=report-row-consultations] a", url=f"**/consultations/{consultation.pk}/")
    j.sign_out()

    # The officer sees the consultation on the report page.
    j.sign_in("ichiro", lands_on="**/dialogue/queue/**")
    j.go(f"/reports/{report.pk}/")
    panel = page.locator("[data-testid=report-consultations]")
    assert consultation.reference in panel.inner_text()
    assert "契約の前に提出してください" in panel.inner_text()
    j.click("[data-testid=report-consultations] a", url=f"**/consultations/{consultation.pk}/")
    j.done()


LONG_WORD = "https://example.jp/" + "a" * 160
PHONE = {"width": 390, "height": 844}


def test_every_consultation_page_fits_and_passes_axe(page, catalog, settings, tmp_path):
    """Each role's consultation pages at 1,280 and 390 px: no sideways scrolling, badges on one
    line, nothing serious or critical for axe; long unbroken text wraps."""
    settings.MEDIA_ROOT = tmp_path
    who = make_people(catalog)
    for person, name in ((who.exporter, "exp"), (who.officer, "off"), (who.administrator, "adm")):
        person.username = name
        person.save()
    # Lists show the subject in a table cell: long, with spaces, as in the report queue's test.
    subject = ("Shenzhen Very Long Name Electronics technology licence " * 3).strip()
    talking = open_consultation(who.exporter, subject=subject, description=LONG_WORD)
    services.consultation_post_message(
        actor=who.exporter,
        consultation_id=talking.pk,
        kind="question",
        body=LONG_WORD,
        files=[upload(LONG_WORD[-60:] + ".pdf", PDF_BYTES)],
    )
    services.consultation_post_message(
        actor=who.officer, consultation_id=talking.pk, kind="internal_note", body="内部メモ"
    )
    closed = open_consultation(who.exporter, technology="")
    services.consultation_transfer(
        actor=who.desk_officer, consultation_id=closed.pk, division_id=who.elec.pk, reason="所管"
    )
    lifecycle.consultation_close(
        actor=who.officer,
        consultation_id=closed.pk,
        outcome="not_needed",
        rule="PUBLIC_OR_BASIC_RESEARCH",
        summary=LONG_WORD,
    )
    services.consultation_link_report(
        actor=who.exporter, consultation_id=closed.pk, report_id=submitted_report(who.exporter).pk
    )
    pages = {
        "exp": [
            "/consultations/",
            "/consultations/new/",
            f"/consultations/{talking.pk}/",
            f"/consultations/{closed.pk}/",
            f"/consultations/{talking.pk}/link-report/",
            "/reports/",
        ],
        "off": [
            "/consultations/",
            "/consultations/?show=all",
            f"/consultations/{talking.pk}/",
            f"/consultations/{closed.pk}/",
            f"/consultations/{talking.pk}/close/",
            f"/consultations/{talking.pk}/transfer/",
            f"/reports/{closed.report_links.get().report_id}/",
        ],
        "adm": ["/consultations/desk/"],
    }
    for username, paths in pages.items():
        axe = AxeAudit(page)
        page.set_viewport_size({"width": 1280, "height": 800})
        axe.sign_in(username)
        axe.check()  # the page each lands on after signing in
        for viewport in ({"width": 1280, "height": 800}, PHONE):
            page.set_viewport_size(viewport)
            for path in paths:
                page.goto(path)
                assert_no_sideways_scroll(page)
                assert_badges_on_one_line(page)
                axe.check()
        axe.assert_every_page_checked()
        page.context.clear_cookies()
