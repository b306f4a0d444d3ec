import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from portal.models import AuditRecord
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock():
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


def later(clock, minutes):
    clock.shift(datetime.timedelta(minutes=minutes))


def test_staff_are_signed_out_after_30_idle_minutes(client, clock, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    officer = factories.OfficerFactory()
    client.force_login(officer)
    queue = reverse("dialogue:queue")
    later(clock, 29)
    assert client.get(queue).status_code == 200
    later(clock, 29)  # 58 minutes after signing in, 29 after the last page
    assert client.get(queue).status_code == 200
    later(clock, 30)
    response = client.get(queue)
    assert response.url == f"{reverse('login')}?next=%2Fdialogue%2Fqueue%2F"
    page = client.get(response.url)
    assert "You were signed out after 30 minutes without activity" in page.content.decode()
    assert "_auth_user_id" not in client.session
    expired = AuditRecord.objects.get(verb="signin.session_expired")
    assert expired.actor == officer and expired.payload["reason"] == "idle"


def test_administrators_have_the_staff_timeout(client, clock, administrator):
    client.force_login(administrator)
    later(clock, 31)
    assert client.get(reverse("audit_list")).status_code == 302


def test_exporters_have_two_hours(client, clock, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(factories.ExporterFactory())
    dashboard = reverse("reports:dashboard")
    later(clock, 119)
    assert client.get(dashboard).status_code == 200
    later(clock, 120)
    response = client.get(dashboard)
    assert response.status_code == 302
    assert "after 120 minutes without activity" in client.get(response.url).content.decode()


def test_twelve_hours_after_signing_in_is_the_limit(client, clock, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(factories.ExporterFactory())
    dashboard = reverse("reports:dashboard")
    for _ in range(11):
        later(clock, 60)
        assert client.get(dashboard).status_code == 200
    later(clock, 60)
    response = client.get(dashboard)
    assert response.status_code == 302
    body = client.get(response.url).content.decode()
    assert "You were signed out 12 hours after signing in" in body
    assert AuditRecord.objects.filter(
        verb="signin.session_expired", payload__reason="absolute"
    ).exists()


def test_api_requests_with_an_expired_session_get_401(client, clock):
    client.force_login(factories.ExporterFactory())
    assert client.get("/api/v1/reports/").status_code == 200
    later(clock, 121)
    response = client.get("/api/v1/reports/")
    assert response.status_code == 401
    assert "detail" in response.json()


def test_a_real_sign_in_starts_the_clocks(client, clock):
    user = factories.ExporterFactory()
    client.post(reverse("login"), {"username": user.username, "password": "pw-test-2025"})
    assert client.session["signin_started_at"] == int(timezone.now().timestamp())
