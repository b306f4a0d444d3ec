"""The End User List in the browser: an administrator uploads a list, checks the unreadable
rows and the differences, confirms; a report filed next is screened; its officer adjudicates
the match; the company sees nothing of it."""

import pytest
from django.conf import settings

from endusers.models import ListVersion, Match
from portal.models import AuditRecord
from tests import factories
from tests.reports.helpers import submitted_report

from .axe import AxeAudit
from .conftest import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SAMPLE = settings.BASE_DIR / "fixtures" / "end_user_list_sample.csv"


def _sign_in(page, username):
    sign_in(page, username)
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def _sign_out(page):
    page.click("form[action='/accounts/logout/'] button")
    page.wait_for_url("**/accounts/login/")


def test_upload_then_a_new_match_then_its_adjudication(page, catalog, tmp_path):
    factories.AdministratorFactory(username="admin1")
    exporter = factories.ExporterFactory(username="exp")
    factories.OfficerFactory(username="off", division=catalog["elec"])
    damaged = tmp_path / "end_user_list.csv"
    damaged.write_bytes(SAMPLE.read_bytes() + b"13,Atlantis,Sunken Example Ltd,,Nuclear\n")

    # The administrator uploads; nothing is in force until confirmed.
    _sign_in(page, "admin1")
    page.goto("/end-user-list/")
    page.click("a[href='/end-user-list/upload/']")
    AxeAudit(page).check()
    page.set_input_files("#id_file", str(damaged))
    page.click("main form button[type=submit]")
    page.wait_for_selector("[data-testid=diff]")
    AxeAudit(page).check()
    problems = page.inner_text("[data-testid=problems]")
    assert "14" in problems and "Atlantis" in problems
    assert "Harbour Fable Components Limited" in page.inner_text("[data-testid=diff]")
    assert ListVersion.objects.get().status == "preview"
    page.click("[data-testid=apply]")
    page.wait_for_selector("[data-testid=confirm-panel]")
    AxeAudit(page).check()
    page.click("[data-testid=confirm]")
    page.wait_for_url("**/end-user-list/")
    assert "v1" in page.inner_text("main table")
    assert ListVersion.objects.get().number == 1
    _sign_out(page)

    # A report filed now is screened in the worker (eager here) on commit.
    report = submitted_report(
        exporter, counterparty_name="ＳＨＡＮＧＨＡＩ ＤＥＭＯ ＥＬＥＣＴＲＯＮＩＣＳ Limited"
    )
    match = Match.objects.get(report=report)

    # The officer sees the candidate on the report page and adjudicates it.
    _sign_in(page, "off")
    page.goto(f"/reports/{report.pk}/")
    panel = page.locator("[data-testid=end-user-matches]")
    assert "Shanghai Demo Electronics" in panel.inner_text()
    AxeAudit(page).check()
    page.click(f"a[href='/end-user-list/matches/{match.pk}/adjudicate/']")
    page.wait_for_selector("#id_reason")
    page.click("main form button[type=submit]")  # nothing chosen: the error summary
    page.wait_for_selector("#error-summary")
    AxeAudit(page).check()
    page.check("#id_decision_1")  # false match
    page.fill("#id_reason", "Registered in Suzhou, not Shanghai; different corporate number.")
    page.click("main form button[type=submit]")
    page.wait_for_selector("[data-testid=confirm-panel]")
    page.click("[data-testid=confirm]")
    page.wait_for_selector("[data-testid=adjudication]")
    assert "Registered in Suzhou" in page.inner_text("[data-testid=end-user-matches]")
    match.refresh_from_db()
    assert match.decision == "false_match"
    assert AuditRecord.objects.filter(verb="enduser.adjudicate", actor__username="off").exists()
    _sign_out(page)

    # The company never sees the screening.
    _sign_in(page, "exp")
    page.goto(f"/reports/{report.pk}/")
    assert page.locator("[data-testid=end-user-matches]").count() == 0
    assert "Shanghai Demo Electronics Co.，Ltd." not in page.content()
    assert "Registered in Suzhou" not in page.content()
