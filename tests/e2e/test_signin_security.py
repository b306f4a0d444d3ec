"""Sign-in security in the browser: the second factor (journey 4) and the lockout (journey 5)."""

import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP

from portal.models import AuditRecord, User
from tests import factories

from .conftest import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def authenticator_code(secret: str, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for this base32 secret (RFC 6238: SHA-1, 30 s, 6 digits);
    `steps_ahead` gives a later 30-second step, which the portal accepts one step early."""
    totp = TOTP(b32decode(secret))
    totp.time = totp.time + 30 * steps_ahead
    return f"{totp.token():06d}"


def sign_out(page):
    page.click("form[action='/accounts/logout/'] button")
    page.wait_for_url("**/accounts/login/")


def test_journey_4_officer_enrols_a_second_factor_then_signs_in_with_a_code(
    page, catalog, settings
):
    settings.SECOND_FACTOR_REQUIRED_FOR_STAFF = True
    factories.OfficerFactory(username="sato", division=catalog["elec"])

    # Signed in with the password, the officer can only set up the second factor.
    sign_in(page, "sato")
    page.wait_for_url("**/account/two-factor/?next=**")
    page.goto("/dialogue/queue/")
    page.wait_for_url("**/account/two-factor/?next=**")
    assert page.locator("[data-testid=totp-qr] svg path").count() == 1
    secret = page.inner_text("[data-testid=totp-secret]").replace(" ", "")
    page.fill("#id_code", authenticator_code(secret))
    page.click("main button[type=submit]")
    page.wait_for_url("**/account/two-factor/backup-codes/**")
    assert page.locator("[data-testid=backup-codes] li").count() == 10
    page.click("main a.button")
    page.wait_for_url("**/dialogue/queue/**")
    assert AuditRecord.objects.filter(verb="signin.second_factor_enrolled").count() == 1

    # Signing in again asks for the code after the password.
    sign_out(page)
    sign_in(page, "sato")
    page.wait_for_url("**/account/two-factor/verify/**")
    page.fill("#id_code", "000000")
    page.click("form:has(#id_code) button[type=submit]")
    page.wait_for_selector(".error-summary")
    assert "/account/two-factor/verify/" in page.url
    # django-otp holds the next try for a second after a wrong code.
    time.sleep(1.1)
    # The code of the next 30-second step: the one used to enrol cannot be used again.
    page.fill("#id_code", authenticator_code(secret, steps_ahead=1))
    page.click("form:has(#id_code) button[type=submit]")
    page.wait_for_url("**/dialogue/queue/**")
    assert page.locator("[data-testid=second-factor-status]").count() == 0


def test_journey_5_locked_after_five_wrong_passwords_until_an_administrator_unlocks(page, catalog):
    factories.ExporterFactory(username="suzuki")
    factories.AdministratorFactory(username="kanri")

    for _ in range(5):
        sign_in(page, "suzuki", "wrong-password-1")
        page.wait_for_selector(".error-summary")
    page.wait_for_selector("#signin-locked")

    # The right password is refused too.
    sign_in(page, "suzuki")
    page.wait_for_selector("#signin-locked")
    assert page.url.endswith("/accounts/login/")
    assert User.objects.get(username="suzuki").locked_at is not None

    # An administrator unlocks the account.
    sign_in(page, "kanri")
    page.wait_for_url("**/catalog/manage/**")
    page.goto("/account/locked/")
    page.click("[data-testid=locked-suzuki] button[type=submit]")
    page.wait_for_selector(".message.success")
    assert page.locator("[data-testid=locked-suzuki]").count() == 0
    sign_out(page)

    sign_in(page, "suzuki")
    page.wait_for_url("**/reports/")
    assert User.objects.get(username="suzuki").locked_at is None
