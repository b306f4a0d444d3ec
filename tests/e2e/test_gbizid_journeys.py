"""Signing in with gBizID in the browser, against the local provider the tests start: a Prime
holder registers the company, a Member joins it, a Member too early is told what to do, a
corporate number that changed is refused, and an existing user links their gBizID."""

import pytest

from gbizid.models import GbizidLink
from portal.models import AuditRecord, Organisation, OrganisationRole, User
from tests import factories
from tests.gbizid.provider import harness
from tests.gbizid.provider.harness import PASSWORD, corporate_number

from .conftest import sign_in

# The local provider (one process for this module) and the portal configured for it.
gbizid_provider = harness.gbizid_provider
gbizid = harness.gbizid

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PRIME = "yamada@kasumi.example.jp"
MEMBER = "suzuki@kasumi.example.jp"


def in_english(page):
    page.goto("/accounts/login/")
    page.click("text=English")
    page.wait_for_selector("html[lang=en]")


def sign_out(page):
    page.click("form[action='/accounts/logout/'] button")
    page.wait_for_url("**/accounts/login/")


def sign_in_with_gbizid(page, provider, login):
    """From the portal's sign-in page to gBizID's and back."""
    page.goto("/accounts/login/")
    page.click("[data-testid=gbizid-signin] a")
    page.wait_for_url(f"{provider.base_url}/login/**")
    page.fill("#account_id", login)
    page.fill("#password", PASSWORD)
    page.click("#sign-in")
    page.wait_for_url(lambda url: not url.startswith(provider.base_url))


def add_prime(provider, number):
    provider.add_account(PRIME, sub="1242", corporate_number=number)


def add_member(provider, number):
    provider.add_account(
        MEMBER,
        sub="1243",
        account_type=3,
        corporate_number=number,
        last_name="鈴木",
        first_name="花子",
        department="営業部",
        email=MEMBER,
    )


def test_a_prime_holders_first_sign_in_registers_the_company(page, gbizid, catalog):
    number = corporate_number(300)
    add_prime(gbizid, number)
    in_english(page)

    sign_in_with_gbizid(page, gbizid, PRIME)

    page.wait_for_url("**/reports/")
    assert "霞が関精密株式会社 is registered on the portal" in page.inner_text(".messages")
    assert "山田 太郎" in page.inner_text("header")
    organisation = Organisation.objects.get(corporate_number=number)
    user = User.objects.get(organisation=organisation)
    assert user.organisation_role == OrganisationRole.ADMINISTRATOR
    # As the organisation's administrator, straight away: no METI review.
    page.click("nav.main-nav >> text=Members")
    page.wait_for_url("**/organisations/members/")
    assert page.locator(f"tr[data-username='{user.username}']").count() == 1
    page.goto("/account/gbizid/")
    assert "linked to a gBizID account" in page.inner_text("[data-testid=gbizid-status]")


def test_a_member_joins_the_company(page, gbizid, catalog):
    number = corporate_number(301)
    add_prime(gbizid, number)
    add_member(gbizid, number)
    in_english(page)
    sign_in_with_gbizid(page, gbizid, PRIME)
    page.wait_for_url("**/reports/")
    sign_out(page)

    sign_in_with_gbizid(page, gbizid, MEMBER)

    page.wait_for_url("**/reports/")
    assert "You joined 霞が関精密株式会社" in page.inner_text(".messages")
    assert "鈴木 花子" in page.inner_text("header")
    # A member, not an administrator.
    assert page.locator("nav.main-nav >> text=Members").count() == 0
    member = User.objects.get(gbizid_link__subject="1243")
    assert member.organisation.corporate_number == number
    assert member.organisation_role == OrganisationRole.MEMBER
    sign_out(page)

    # The Prime holder sees the new member and was told.
    sign_in_with_gbizid(page, gbizid, PRIME)
    page.wait_for_url("**/reports/")
    assert page.inner_text("[data-testid=unread-count]") == "1"
    page.goto("/organisations/members/")
    assert page.locator(f"tr[data-username='{member.username}']").count() == 1


def test_a_member_whose_prime_holder_has_not_signed_in_is_told_what_to_do(page, gbizid):
    number = corporate_number(302)
    add_member(gbizid, number)
    in_english(page)

    sign_in_with_gbizid(page, gbizid, MEMBER)

    refused = page.locator("[data-testid=gbizid-refused]")
    refused.wait_for()
    assert refused.get_attribute("data-reason") == "prime_first"
    text = page.inner_text("main")
    assert "Your company is not registered yet" in text
    assert "gBizID Prime holder" in text and "must sign in with gBizID first" in text
    assert number in text
    assert not User.objects.exists() and not Organisation.objects.exists()
    # Not signed in: the header offers to sign in.
    assert page.locator("header >> text=Sign in").count() == 1


def test_a_corporate_number_that_no_longer_matches_is_refused(page, gbizid, catalog):
    old, new = corporate_number(303), corporate_number(304)
    add_prime(gbizid, old)
    in_english(page)
    sign_in_with_gbizid(page, gbizid, PRIME)
    page.wait_for_url("**/reports/")
    sign_out(page)
    gbizid.change_account(PRIME, corporate_number=new)

    sign_in_with_gbizid(page, gbizid, PRIME)

    refused = page.locator("[data-testid=gbizid-refused]")
    refused.wait_for()
    assert refused.get_attribute("data-reason") == "corporate_number_mismatch"
    text = page.inner_text("main")
    assert "The corporate number does not match" in text
    assert new in text and old in text
    assert "not moved to another company" in text
    user = User.objects.get()
    assert user.organisation.corporate_number == old
    assert not Organisation.objects.filter(corporate_number=new).exists()
    assert AuditRecord.objects.filter(
        verb="gbizid.refused", payload__reason="corporate_number_mismatch"
    ).exists()


def test_an_existing_user_links_their_gbizid(page, gbizid, catalog):
    number = corporate_number(305)
    user = factories.ExporterFactory(
        username="hanako",
        organisation__corporate_number=number,
        last_name="鈴木",
        first_name="花子",
    )
    add_member(gbizid, number)
    in_english(page)
    sign_in(page, "hanako")
    page.wait_for_url("**/reports/")

    page.goto("/account/gbizid/")
    assert "not linked" in page.inner_text("[data-testid=gbizid-status]")
    page.click("[data-testid=gbizid-link]")
    page.wait_for_url(f"{gbizid.base_url}/login/**")
    page.fill("#account_id", MEMBER)
    page.fill("#password", PASSWORD)
    page.click("#sign-in")

    page.wait_for_url("**/account/gbizid/")
    assert "Your gBizID is linked" in page.inner_text(".messages")
    assert "1243" in page.inner_text("main")
    assert GbizidLink.objects.get().user == user
    sign_out(page)

    # Now either way in: gBizID ...
    sign_in_with_gbizid(page, gbizid, MEMBER)
    page.wait_for_url("**/reports/")
    assert "鈴木 花子" in page.inner_text("header")
    sign_out(page)
    # ... or the password.
    sign_in(page, "hanako")
    page.wait_for_url("**/reports/")
    assert User.objects.count() == 1
