import datetime
from io import StringIO

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.models import AuditRecord
from signin import services
from signin.models import SigninFailure
from tests import factories

from .conftest import PASSWORD, sign_in, verbs

pytestmark = pytest.mark.django_db

LOCKED_TEXT = "This account is locked"


def fail(client, username, times=1):
    response = None
    for _ in range(times):
        response = sign_in(client, username, "wrong-password-1")
        assert response.status_code == 200
    return response


def test_five_failures_within_fifteen_minutes_lock_the_account(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    user = factories.OfficerFactory()
    fail(client, user.username, 4)
    user.refresh_from_db()
    assert user.locked_at is None
    response = fail(client, user.username)
    user.refresh_from_db()
    assert user.locked_at is not None
    body = response.content.decode()
    assert 'id="signin-locked"' in body and LOCKED_TEXT in body
    assert SigninFailure.objects.filter(user=user).count() == 5
    failure = SigninFailure.objects.filter(user=user).first()
    assert failure.username == user.username and failure.ip == "127.0.0.1"
    assert verbs(user).count("signin.failed") == 5
    locked = AuditRecord.objects.get(verb="signin.locked")
    assert locked.actor is None and locked.target_id == str(user.pk)
    assert locked.payload["failures"] == 5


def test_a_success_resets_the_count(client):
    user = factories.ExporterFactory()
    fail(client, user.username, 4)
    assert sign_in(client, user.username).status_code == 302
    client.post(reverse("logout"))
    fail(client, user.username, 4)
    user.refresh_from_db()
    assert user.locked_at is None
    assert "signin.succeeded" in verbs(user)


def test_failures_older_than_fifteen_minutes_do_not_count(client):
    user = factories.ExporterFactory()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        fail(client, user.username, 4)
    with time_machine.travel(start + datetime.timedelta(minutes=15, seconds=1), tick=False):
        fail(client, user.username, 4)
        user.refresh_from_db()
        assert user.locked_at is None
        fail(client, user.username)
        user.refresh_from_db()
        assert user.locked_at is not None


def test_the_right_password_is_refused_while_locked(client):
    user = factories.ExporterFactory()
    fail(client, user.username, 5)
    response = sign_in(client, user.username, PASSWORD)
    assert response.status_code == 200
    assert 'id="signin-locked"' in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not client.login(username=user.username, password=PASSWORD)


def test_a_locked_account_loses_its_open_session(client):
    user = factories.ExporterFactory()
    client.force_login(user)
    assert client.get(reverse("reports:dashboard")).status_code == 200
    fail(Client(), user.username, 5)
    response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_an_administrator_unlocks_and_the_password_works_again(client, administrator):
    user = factories.OfficerFactory()
    fail(client, user.username, 5)

    admin_client = Client()
    admin_client.force_login(administrator)
    page = admin_client.get(reverse("signin:locked_list"))
    assert page.status_code == 200 and user.username in page.content.decode()
    response = admin_client.post(reverse("signin:unlock", args=[user.pk]), follow=True)
    assert response.status_code == 200
    assert user.username not in response.content.decode().split("<table")[1]
    user.refresh_from_db()
    assert user.locked_at is None
    unlocked = AuditRecord.objects.get(verb="signin.unlocked")
    assert unlocked.actor == administrator and unlocked.target_id == str(user.pk)

    # The failures before the unlock no longer count: one more does not lock again.
    fail(client, user.username)
    user.refresh_from_db()
    assert user.locked_at is None
    assert sign_in(client, user.username).status_code == 302


@pytest.mark.parametrize(
    "make", [factories.ExporterFactory, factories.OfficerFactory, factories.SupervisorFactory]
)
def test_only_administrators_may_unlock(client, make):
    locked = factories.ExporterFactory(locked_at=timezone.now())
    client.force_login(make())
    assert client.get(reverse("signin:locked_list")).status_code == 403
    assert client.post(reverse("signin:unlock", args=[locked.pk])).status_code == 403
    locked.refresh_from_db()
    assert locked.locked_at is not None


def test_unlock_service_refuses_non_administrators():
    locked = factories.ExporterFactory(locked_at=timezone.now())
    with pytest.raises(PermissionDenied):
        services.user_unlock(actor=factories.OfficerFactory(), user=locked)


def test_unknown_usernames_are_recorded_without_an_account(client):
    fail(client, "nobody-here", 6)
    assert SigninFailure.objects.filter(username="nobody-here", user=None).count() == 6
    assert AuditRecord.objects.filter(verb="signin.failed", target_id="").count() == 6


def test_lockout_notifies_the_user_and_administrators(client, administrator):
    user = factories.ExporterFactory()
    fail(client, user.username, 5)
    assert user.notifications.filter(verb="signin.locked").exists()
    assert administrator.notifications.filter(verb="signin.locked").exists()


def test_no_password_reaches_the_audit_trail(client):
    user = factories.ExporterFactory()
    sign_in(client, user.username, "a-secret-wrong-pw")
    sign_in(client, user.username, PASSWORD)
    for payload in AuditRecord.objects.values_list("payload", flat=True):
        assert "a-secret-wrong-pw" not in str(payload) and PASSWORD not in str(payload)


def test_an_operator_unlocks_from_the_shell():
    user = factories.AdministratorFactory(locked_at=timezone.now())
    out = StringIO()
    call_command("unlock_account", user.username, stdout=out)
    assert "unlocked" in out.getvalue()
    user.refresh_from_db()
    assert user.locked_at is None
    row = AuditRecord.objects.get(verb="signin.unlocked")
    assert row.actor is None and row.payload["by"] == "manage.py unlock_account"
    with pytest.raises(CommandError):
        call_command("unlock_account", "nobody-here")
