import re

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.models import AuditRecord
from signin import services
from signin.views import SESSION_ENROLMENT_KEY
from tests import factories

from .conftest import add_second_factor, sign_in, totp_code, verbs

pytestmark = pytest.mark.django_db


def enrol(client, user):
    """Set up an authenticator app through the page; returns the device and backup codes."""
    page = client.get(reverse("signin:two_factor"))
    assert page.status_code == 200
    key = client.session[SESSION_ENROLMENT_KEY]
    response = client.post(reverse("signin:two_factor"), {"code": totp_code(key)})
    assert response.status_code == 302
    assert response.url.startswith(reverse("signin:backup_codes"))
    shown = client.get(response.url).content.decode()
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", shown)
    return TOTPDevice.objects.get(user=user), codes


def test_enrolment_page_shows_an_inline_svg_qr_code_and_the_secret(client):
    user = factories.OfficerFactory()
    client.force_login(user)
    body = client.get(reverse("signin:two_factor")).content.decode()
    svg = body[body.index("<svg") : body.index("</svg>")]
    assert "<path" in svg and "style=" not in svg
    assert "data:" not in body and "<img" not in body
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7 ]+)<', body).group(1)
    assert len(secret.replace(" ", "")) == 32
    # Looking at the page writes no device.
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_enrolment_with_a_code_confirms_the_device_and_shows_backup_codes_once(client):
    user = factories.OfficerFactory()
    client.force_login(user)
    device, codes = enrol(client, user)
    assert device.confirmed
    assert len(codes) == 10 and len(set(codes)) == 10
    assert StaticToken.objects.filter(device__user=user).count() == 10
    # Shown once: the page does not show them again.
    again = client.get(reverse("signin:backup_codes"))
    assert again.status_code == 302 and again.url == reverse("signin:two_factor")
    status = client.get(reverse("signin:two_factor")).content.decode()
    assert 'data-testid="second-factor-status"' in status
    enrolled = AuditRecord.objects.get(verb="signin.second_factor_enrolled")
    assert enrolled.actor == user
    assert not any(code in str(enrolled.payload) for code in codes)


def test_a_wrong_enrolment_code_is_refused(client):
    user = factories.OfficerFactory()
    client.force_login(user)
    client.get(reverse("signin:two_factor"))
    key = client.session[SESSION_ENROLMENT_KEY]
    wrong = f"{(int(totp_code(key)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("signin:two_factor"), {"code": wrong})
    assert response.status_code == 200 and "error-summary" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_sign_in_then_asks_for_the_code(client):
    user = factories.OfficerFactory()
    device = add_second_factor(user)
    assert sign_in(client, user.username).status_code == 302
    queue = reverse("dialogue:queue")
    response = client.get(queue)
    assert response.status_code == 302
    assert response.url == f"{reverse('signin:verify')}?next={queue.replace('/', '%2F')}"
    # The API does not answer a session that has not passed the code step.
    api = client.get("/api/v1/reports/")
    assert api.status_code == 403 and "detail" in api.json()

    wrong = client.post(reverse("signin:verify"), {"code": "000000", "next": queue})
    assert wrong.status_code == 200 and "error-summary" in wrong.content.decode()
    failed = AuditRecord.objects.get(verb="signin.second_factor_failed")
    assert "000000" not in str(failed.payload)
    assert client.get(queue).status_code == 302

    right = client.post(reverse("signin:verify"), {"code": totp_code(device.key), "next": queue})
    assert right.status_code == 302 and right.url == queue
    assert client.get(queue).status_code == 200
    assert "signin.second_factor_verified" in verbs(user)


def test_a_code_cannot_be_used_twice(client):
    user = factories.ExporterFactory()
    device = add_second_factor(user)
    code = totp_code(device.key)
    sign_in(client, user.username)
    assert client.post(reverse("signin:verify"), {"code": code}).status_code == 302
    other = Client()
    sign_in(other, user.username)
    assert other.post(reverse("signin:verify"), {"code": code}).status_code == 200


def test_a_backup_code_works_once(client):
    user = factories.ExporterFactory()
    add_second_factor(user, backup_codes=["abcdefgh"])
    sign_in(client, user.username)
    assert client.post(reverse("signin:verify"), {"code": "ABCD EFGH"}).status_code == 302
    assert client.get(reverse("reports:dashboard")).status_code == 200
    assert "signin.backup_code_used" in verbs(user)
    client.post(reverse("logout"))
    sign_in(client, user.username)
    assert client.post(reverse("signin:verify"), {"code": "abcdefgh"}).status_code == 200
    assert client.get(reverse("reports:dashboard")).status_code == 302


def test_new_backup_codes_replace_the_old(client):
    user = factories.ExporterFactory()
    device = add_second_factor(user, backup_codes=["oldcode1"])
    sign_in(client, user.username)
    client.post(reverse("signin:verify"), {"code": totp_code(device.key)})
    response = client.post(reverse("signin:backup_codes_regenerate"))
    assert response.url == reverse("signin:backup_codes")
    assert len(re.findall(r"<li><code>", client.get(response.url).content.decode())) == 10
    assert not StaticToken.objects.filter(token="oldcode1").exists()
    assert "signin.backup_codes_regenerated" in verbs(user)


def test_wrong_codes_count_towards_the_lockout(client):
    user = factories.ExporterFactory()
    add_second_factor(user)
    sign_in(client, user.username)
    for _ in range(4):
        assert client.post(reverse("signin:verify"), {"code": "000000"}).status_code == 200
    response = client.post(reverse("signin:verify"), {"code": "000000"})
    assert response.status_code == 302 and response.url == reverse("login")
    user.refresh_from_db()
    assert user.locked_at is not None
    assert "_auth_user_id" not in client.session


def test_django_otp_throttles_wrong_codes(client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 1
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    user = factories.ExporterFactory()
    device = add_second_factor(user)
    sign_in(client, user.username)
    client.post(reverse("signin:verify"), {"code": "000000"})
    response = client.post(reverse("signin:verify"), {"code": totp_code(device.key)})
    assert "Too many wrong codes" in response.content.decode()
    assert AuditRecord.objects.filter(
        verb="signin.second_factor_failed", payload__reason="throttled"
    ).exists()


def test_staff_must_enrol_under_the_production_setting(client, settings):
    settings.SECOND_FACTOR_REQUIRED_FOR_STAFF = True
    officer = factories.OfficerFactory()
    assert sign_in(client, officer.username).status_code == 302
    for page in (reverse("home"), reverse("dialogue:queue"), reverse("notifications")):
        response = client.get(page)
        assert response.status_code == 302
        assert response.url.startswith(reverse("signin:two_factor"))
    assert client.get(reverse("healthz")).status_code in (200, 503)
    assert client.get("/api/v1/reports/").status_code == 403
    enrol(client, officer)
    assert client.get(reverse("dialogue:queue")).status_code == 200


@pytest.mark.parametrize("make", [factories.SupervisorFactory, factories.AdministratorFactory])
def test_supervisors_and_administrators_must_enrol_too(client, settings, make):
    settings.SECOND_FACTOR_REQUIRED_FOR_STAFF = True
    client.force_login(make())
    assert client.get(reverse("home")).url.startswith(reverse("signin:two_factor"))


def test_exporters_are_not_forced_by_the_staff_setting(client, settings):
    settings.SECOND_FACTOR_REQUIRED_FOR_STAFF = True
    client.force_login(factories.ExporterFactory())
    assert client.get(reverse("reports:dashboard")).status_code == 200


def test_staff_are_not_forced_by_default(client):
    client.force_login(factories.OfficerFactory())
    assert client.get(reverse("dialogue:queue")).status_code == 200


def test_an_organisation_may_require_it_of_its_members(client):
    member = factories.ExporterFactory()
    member.organisation.second_factor_required = True
    member.organisation.save()
    client.force_login(member)
    response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("signin:two_factor"))
    enrol(client, member)
    assert client.get(reverse("reports:dashboard")).status_code == 200

    elsewhere = Client()
    elsewhere.force_login(factories.ExporterFactory())
    assert elsewhere.get(reverse("reports:dashboard")).status_code == 200


def test_an_administrator_resets_a_second_factor(client, administrator, settings):
    settings.SECOND_FACTOR_REQUIRED_FOR_STAFF = True
    officer = factories.OfficerFactory()
    add_second_factor(officer)
    add_second_factor(administrator)
    admin_client = Client()
    sign_in(admin_client, administrator.username)
    admin_client.post(
        reverse("signin:verify"), {"code": totp_code(administrator.totpdevice_set.get().key)}
    )
    page = admin_client.get(reverse("signin:second_factor_list"))
    assert officer.username in page.content.decode()
    response = admin_client.post(reverse("signin:second_factor_reset", args=[officer.pk]))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert not StaticToken.objects.filter(device__user=officer).exists()
    reset = AuditRecord.objects.get(verb="signin.second_factor_reset")
    assert reset.actor == administrator and reset.payload["devices_removed"] == 2
    assert officer.notifications.filter(verb="signin.second_factor_reset").exists()
    # At the next sign-in the officer sets up a new one.
    sign_in(client, officer.username)
    assert client.get(reverse("home")).url.startswith(reverse("signin:two_factor"))


def test_only_administrators_may_reset(client):
    officer = factories.OfficerFactory()
    add_second_factor(officer)
    client.force_login(factories.SupervisorFactory())
    assert client.get(reverse("signin:second_factor_list")).status_code == 403
    assert client.post(reverse("signin:second_factor_reset", args=[officer.pk])).status_code == 403
    with pytest.raises(PermissionDenied):
        services.second_factor_reset(actor=factories.SupervisorFactory(), user=officer)
    assert TOTPDevice.objects.filter(user=officer).exists()
