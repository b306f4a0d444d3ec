import pytest
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from portal import roles
from portal.models import Organisation, Role, User
from tests import factories

pytestmark = pytest.mark.django_db


def test_sign_in_page_is_japanese_by_default(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en")
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="ja">' in body
    assert "ログイン" in body


def test_language_switch_gives_english_and_back(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    body = client.get(reverse("login")).content.decode()
    assert '<html lang="en">' in body and "Sign in" in body
    client.post(reverse("set_language"), {"language": "ja", "next": "/"})
    assert '<html lang="ja">' in client.get(reverse("login")).content.decode()


def test_demo_accounts_sign_in(client, catalog):
    call_command("seed_demo")
    for username in ["exporter_a", "officer_elec", "supervisor_elec", "admin"]:
        assert client.login(username=username, password="demo-pass-2025"), username
        client.logout()
    response = client.post(
        reverse("login"), {"username": "exporter_a", "password": "demo-pass-2025"}
    )
    assert response.status_code == 302


def test_wrong_password_is_refused_with_message(client, catalog):
    call_command("seed_demo")
    response = client.post(reverse("login"), {"username": "exporter_a", "password": "nope"})
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()


def test_seed_demo_is_idempotent(catalog):
    call_command("seed_demo")
    snapshot = list(User.objects.order_by("username").values())
    orgs = list(Organisation.objects.order_by("pk").values())
    call_command("seed_demo")
    assert list(User.objects.order_by("username").values()) == snapshot
    assert list(Organisation.objects.order_by("pk").values()) == orgs
    assert {u["username"] for u in snapshot} == {
        "exporter_a",
        "exporter_b",
        "officer_elec",
        "officer_mat",
        "supervisor_elec",
        "supervisor_elec2",
        "admin",
    }
    a = User.objects.get(username="exporter_a")
    b = User.objects.get(username="exporter_b")
    assert a.role == Role.EXPORTER and a.organisation != b.organisation
    assert User.objects.get(username="supervisor_elec").division.code == "elec"
    assert User.objects.get(username="officer_mat").division.code == "mat"


def test_role_membership_is_enforced_by_the_database():
    division = factories.DivisionFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="bad", role=Role.EXPORTER, division=division)


def test_role_checks():
    exporter = factories.ExporterFactory()
    officer = factories.OfficerFactory()
    supervisor = factories.SupervisorFactory(division=officer.division)
    other_officer = factories.OfficerFactory()
    admin = factories.AdministratorFactory()
    assert roles.is_exporter(exporter) and not roles.is_exporter(officer)
    assert roles.is_member_of_organisation(exporter, exporter.organisation_id)
    assert not roles.is_member_of_organisation(officer, exporter.organisation_id)
    assert roles.is_officer_of_division(officer, officer.division_id)
    assert roles.is_officer_of_division(supervisor, officer.division_id)
    assert not roles.is_officer_of_division(other_officer, officer.division_id)
    assert roles.is_supervisor_of_division(supervisor, officer.division_id)
    assert not roles.is_supervisor_of_division(officer, officer.division_id)
    assert roles.is_administrator(admin) and not roles.is_administrator(supervisor)
    exporter.is_active = False
    assert not roles.is_exporter(exporter)


def test_password_reset_sends_mail(client):
    user = factories.ExporterFactory(email="reset-me@example.jp")
    response = client.post(reverse("password_reset"), {"email": user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/reset/" in mail.outbox[0].body


def test_password_change(client):
    user = factories.ExporterFactory()
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "pw-test-2025",
            "new_password1": "a-much-longer-pass-7731",
            "new_password2": "a-much-longer-pass-7731",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-much-longer-pass-7731")
