"""A company joins and manages its people, in the browser: registration, confirmation and
approval; an invitation accepted and a report filed; a colleague deactivated."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import ApplicationStatus, OrganisationApplication
from apitokens.services import token_create
from portal.models import Organisation, OrganisationRole, Role, User
from reports.models import Report, Status
from tests import factories
from tests.accounts.helpers import PASSWORD, corporate_number, link_in_mail

from .conftest import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def in_english(page):
    page.goto("/accounts/login/")
    page.click("text=English")
    page.wait_for_selector("html[lang=en]")


def sign_out(page):
    page.click("form[action='/accounts/logout/'] button")
    page.wait_for_url("**/accounts/login/")


def path_of(link: str) -> str:
    """E-mailed links name PORTAL_BASE_URL; the browser follows them on the live server."""
    return "/" + link.split("/", 3)[3] if link.startswith("http") else link


def test_a_company_registers_confirms_and_is_approved(page, catalog):
    factories.AdministratorFactory(username="meti_admin")
    number = corporate_number(42)
    in_english(page)

    page.click("text=Register your company")
    page.wait_for_url("**/organisations/register/")
    page.fill("#id_name_ja", "霞が関精密株式会社")
    page.fill("#id_name_en", "Kasumigaseki Precision Co., Ltd.")
    # As copied from the National Tax Agency's site: hyphens are fine.
    page.fill("#id_corporate_number", f"{number[:1]}-{number[1:5]}-{number[5:9]}-{number[9:]}")
    page.fill("#id_address", "東京都千代田区霞が関1-3-1")
    page.fill("#id_last_name", "山本")
    page.fill("#id_first_name", "太郎")
    page.fill("#id_department", "輸出管理部")
    page.fill("#id_email", "taro@kasumi.example.jp")
    page.fill("#id_phone", "03-1234-5678")
    page.fill("#id_username", "kasumi_taro")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/organisations/register/sent/")
    assert "taro@kasumi.example.jp" in page.inner_text("main")
    assert OrganisationApplication.objects.get().status == ApplicationStatus.UNCONFIRMED

    # The applicant opens the link from the e-mail and confirms.
    link = path_of(link_in_mail("/organisations/register/confirm/", to="taro@kasumi.example.jp"))
    page.goto(link)
    page.click("button:has-text('Confirm and send the application')")
    page.wait_for_selector("[data-testid=link-problem]")
    assert "your e-mail address is confirmed" in page.inner_text(".messages")
    assert OrganisationApplication.objects.get().status == ApplicationStatus.PENDING

    # A METI administrator reviews and approves it.
    sign_in(page, "meti_admin")
    page.wait_for_url("**/catalog/manage/**")
    page.click("nav.main-nav >> text=Organisation applications")
    page.wait_for_url("**/organisations/applications/")
    page.click("a[aria-label='Review 霞が関精密株式会社']")
    assert number in page.inner_text("main")
    page.click("button:has-text('Approve')")
    page.wait_for_url("**/organisations/applications/")
    assert "kasumi_taro is its administrator" in page.inner_text(".messages")
    organisation = Organisation.objects.get(corporate_number=number)
    user = User.objects.get(username="kasumi_taro")
    assert user.organisation == organisation
    assert user.organisation_role == OrganisationRole.ADMINISTRATOR
    sign_out(page)

    # The new administrator signs in and finds the members page.
    sign_in(page, "kasumi_taro", PASSWORD)
    page.wait_for_url("**/reports/")
    page.click("nav.main-nav >> text=Members")
    page.wait_for_url("**/organisations/members/")
    assert page.locator("tr[data-username=kasumi_taro]").count() == 1


def test_an_invited_colleague_joins_and_files_a_report(page, catalog):
    admin = factories.ExporterFactory(
        username="org_admin", organisation_role=OrganisationRole.ADMINISTRATOR
    )
    factories.OfficerFactory(division=catalog["elec"])
    in_english(page)

    sign_in(page, "org_admin")
    page.wait_for_url("**/reports/")
    page.click("nav.main-nav >> text=Members")
    page.click("text=Invite a colleague")
    page.fill("#id_email", "jiro@example.jp")
    page.click("main button[type=submit]")
    page.wait_for_url("**/organisations/members/")
    assert page.locator("tr[data-email='jiro@example.jp']").count() == 1
    sign_out(page)

    # The colleague opens the invitation and creates their account.
    page.goto(path_of(link_in_mail("/organisations/invitations/", to="jiro@example.jp")))
    page.fill("#id_last_name", "佐々木")
    page.fill("#id_first_name", "次郎")
    page.fill("#id_department", "技術部")
    page.fill("#id_phone", "03-9999-0000")
    page.fill("#id_username", "jiro")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/accounts/login/")
    assert "Sign in with the user name jiro" in page.inner_text(".messages")
    colleague = User.objects.get(username="jiro")
    assert colleague.organisation == admin.organisation and colleague.role == Role.EXPORTER

    # ...signs in and files a report for the organisation.
    sign_in(page, "jiro", PASSWORD)
    page.wait_for_url("**/reports/")
    page.goto("/reports/new/")
    contract = (timezone.localdate() + datetime.timedelta(days=45)).isoformat()
    page.select_option("#id_technology", "mlcc")
    page.select_option("#id_technology_scope", "manufacturing")
    page.fill("#id_technology_summary", "焼成炉の運転条件")
    page.select_option("#id_transaction_type", "subsidiary_transfer")
    page.fill("#id_counterparty_name", "Hanoi Demo Co.")
    page.fill("#id_counterparty_country", "VN")
    page.fill("#id_counterparty_address", "Hanoi")
    page.select_option("#id_counterparty_relationship", "subsidiary")
    page.fill("#id_ownership_percent", "100")
    page.fill("#id_planned_contract_date", contract)
    page.check("input[name=provision_methods][value=documents]")
    page.fill("#id_management_measures", "秘密保持契約")
    page.fill("#id_contact_department", "技術部")
    page.fill("#id_contact_phone", "03-9999-0000")
    page.check("#id_declaration")
    page.click("button[name=submit]")
    page.wait_for_url("**/check/")
    page.click("[data-testid=submit-report]")
    page.wait_for_selector("[data-testid=report-status]")
    report = Report.objects.get(organisation=admin.organisation)
    assert report.status == Status.SUBMITTED and report.created_by == colleague
    sign_out(page)

    # The administrator sees the new member, who has signed in.
    sign_in(page, "org_admin")
    page.goto("/organisations/members/")
    row = page.locator("tr[data-username=jiro]")
    assert "Never" not in row.inner_text()
    assert page.locator("tr[data-email='jiro@example.jp']").count() == 0


def _api_status(browser, live_server, key: str) -> int:
    """The reports API called with the token alone, from a context with no session."""
    context = browser.new_context(base_url=live_server.url)
    try:
        response = context.request.get(
            "/api/v1/reports/", headers={"Authorization": f"Token {key}"}
        )
        return response.status
    finally:
        context.close()


def test_a_deactivated_colleague_can_neither_sign_in_nor_use_the_api(
    page, browser, live_server, catalog
):
    admin = factories.ExporterFactory(
        username="org_admin", organisation_role=OrganisationRole.ADMINISTRATOR
    )
    colleague = factories.ExporterFactory(
        username="leaver", organisation=admin.organisation, last_name="退職", first_name="予定"
    )
    _token, key = token_create(actor=colleague, user=colleague, name="ERP")
    assert _api_status(browser, live_server, key) == 200
    in_english(page)

    sign_in(page, "org_admin")
    page.goto("/organisations/members/")
    page.click("a[aria-label='Manage leaver']")
    page.click("button:has-text('Deactivate')")
    page.wait_for_url("**/organisations/members/")
    assert "can no longer sign in" in page.inner_text(".messages")
    row = page.locator("tr[data-username=leaver]")
    assert "Deactivated" in row.inner_text()
    sign_out(page)

    sign_in(page, "leaver")
    page.wait_for_selector(".error-summary")
    assert page.url.endswith("/accounts/login/")
    assert _api_status(browser, live_server, key) == 401
    colleague.refresh_from_db()
    assert not colleague.is_active
