"""Every page each role works with fits a 1,280 px window without sideways scrolling, the
pages people use on a phone fit 390 px, and axe finds nothing serious or critical on them."""

import datetime

import pytest
from django.utils import timezone

from dialogue import services as dialogue_services
from informs import services as inform_services
from portal.models import OrganisationRole
from portal.services import audit_record
from reports import lifecycle
from reports import services as report_services
from tests import factories
from tests.informs.helpers import make_report_under_dialogue, propose
from tests.reports.helpers import complete_data, submitted_report

from .axe import AxeAudit, assert_badges_on_one_line, assert_no_sideways_scroll

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}

# A long unbroken value (a URL pasted into a field) must wrap instead of widening the page.
LONG_WORD = "https://example.jp/" + "a" * 160


@pytest.fixture
def world(catalog):
    """Reports in every kind of state, from people with names, and audit rows with payloads."""
    exporter = factories.ExporterFactory(
        username="exp",
        last_name="山田",
        first_name="花子",
        organisation_role=OrganisationRole.ADMINISTRATOR,
    )
    officer = factories.OfficerFactory(
        username="off", last_name="佐藤", first_name="一郎", division=catalog["elec"]
    )
    sup1 = factories.SupervisorFactory(
        username="sup1", last_name="鈴木", first_name="次郎", division=catalog["elec"]
    )
    factories.SupervisorFactory(
        username="sup2", last_name="高橋", first_name="三郎", division=catalog["elec"]
    )
    factories.AdministratorFactory(username="admin", last_name="管理", first_name="太郎")
    submitted_report(exporter, counterparty_name="Shenzhen Very Long Name Electronics " * 3)
    talking = make_report_under_dialogue(exporter, officer, technology_summary=LONG_WORD)
    dialogue_services.message_post(
        actor=officer, report_id=talking.pk, kind="concern_information", body=LONG_WORD
    )
    dialogue_services.message_post(
        actor=officer, report_id=talking.pk, kind="internal_note", body="内部メモ"
    )
    proposed = make_report_under_dialogue(exporter, officer)
    propose(proposed, officer)
    informed = make_report_under_dialogue(exporter, officer)
    inform = propose(informed, officer)
    inform_services.inform_approve(actor=sup1, inform_id=inform.pk)
    report_services.report_create(
        actor=exporter,
        data=complete_data(
            planned_contract_date=timezone.localdate() + datetime.timedelta(days=60)
        ),
    )
    lifecycle.report_withdraw(actor=exporter, report_id=submitted_report(exporter).pk, reason="x")
    audit_record(actor=None, verb="report.update", target=talking, payload={"note": LONG_WORD})
    return {"talking": talking, "proposed": proposed, "informed": informed}


def visit_all(page, axe, paths):
    for path in paths:
        page.goto(path)
        assert_no_sideways_scroll(page)
        assert_badges_on_one_line(page)
        axe.check()


def test_exporter_pages_fit_and_pass_axe(page, world):
    axe = AxeAudit(page)
    page.set_viewport_size(DESKTOP)
    axe.sign_in("exp")
    page.wait_for_url("**/reports/")
    pages = [
        "/reports/",
        "/reports/screening/",
        "/reports/new/",
        f"/reports/{world['talking'].pk}/",
        f"/reports/{world['informed'].pk}/",
        "/notifications/",
        "/catalog/",
        "/organisations/members/",
        "/account/tokens/",
    ]
    visit_all(page, axe, pages)
    page.set_viewport_size(PHONE)
    visit_all(page, axe, pages)
    axe.assert_every_page_checked()


def test_officer_and_supervisor_pages_fit_and_pass_axe(page, world):
    axe = AxeAudit(page)
    page.set_viewport_size(DESKTOP)
    axe.sign_in("sup1")
    page.wait_for_url("**/dialogue/queue/**")
    pages = [
        "/dialogue/queue/",
        "/informs/supervisor/",
        f"/reports/{world['talking'].pk}/",
        f"/reports/{world['proposed'].pk}/",
        f"/reports/{world['informed'].pk}/",
        "/reports/screening/",
    ]
    visit_all(page, axe, pages)
    # The queue, the proposals and a report page on a phone.
    page.set_viewport_size(PHONE)
    visit_all(page, axe, pages)
    axe.assert_every_page_checked()


def test_administrator_pages_fit_and_pass_axe(page, world):
    axe = AxeAudit(page)
    page.set_viewport_size(DESKTOP)
    axe.sign_in("admin")
    page.wait_for_url("**/catalog/manage/**")
    pages = [
        "/catalog/manage/",
        "/catalog/manage/transaction-types/",
        "/catalog/manage/rules/",
        "/catalog/countries/",
        "/audit/",
        "/organisations/applications/",
        "/organisations/staff/",
        "/account/locked/",
        "/account/two-factor/users/",
    ]
    visit_all(page, axe, pages)
    page.set_viewport_size(PHONE)
    visit_all(page, axe, ["/audit/", "/catalog/manage/", "/catalog/countries/"])
    axe.assert_every_page_checked()
