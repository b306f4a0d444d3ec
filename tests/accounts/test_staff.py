"""METI administrators manage officers, supervisors and administrators on portal pages."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from portal.models import AuditRecord, Role, User
from tests import factories

from .helpers import link_in_mail

pytestmark = pytest.mark.django_db


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


def _officer_data(division, **overrides):
    data = {
        "username": "officer_new",
        "last_name": "中村",
        "first_name": "陽子",
        "email": "nakamura@meti.example.go.jp",
        "role": Role.OFFICER,
        "division": division,
    }
    data.update(overrides)
    return data


def test_a_new_officer_sets_their_password_from_the_emailed_link(capture, administrator):
    division = factories.DivisionFactory()
    with capture(execute=True):
        user = services.staff_create(actor=administrator, data=_officer_data(division))

    assert (user.role, user.division, user.organisation) == (Role.OFFICER, division, None)
    assert user.is_active and not user.has_usable_password()
    assert AuditRecord.objects.filter(verb="staff.create", actor=administrator).exists()
    link = link_in_mail("/accounts/reset/", to="nakamura@meti.example.go.jp")
    client = Client()
    form_url = client.get(link).headers["Location"]
    response = client.post(
        form_url, {"new_password1": "Shin-kasumi-2025!", "new_password2": "Shin-kasumi-2025!"}
    )
    assert response.status_code == 302
    assert Client().login(username="officer_new", password="Shin-kasumi-2025!")


def test_officers_and_supervisors_need_a_division_administrators_have_none(administrator):
    with pytest.raises(ValidationError) as exc:
        services.staff_create(actor=administrator, data=_officer_data(None))
    assert "division" in exc.value.message_dict
    admin2 = services.staff_create(
        actor=administrator,
        data=_officer_data(factories.DivisionFactory(), username="admin2", role=Role.ADMINISTRATOR),
    )
    assert admin2.division is None and admin2.role == Role.ADMINISTRATOR
    with pytest.raises(ValidationError) as exc:
        services.staff_create(
            actor=administrator, data=_officer_data(None, username="x", role=Role.EXPORTER)
        )
    assert "role" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.staff_create(
            actor=administrator,
            data=_officer_data(factories.DivisionFactory(), username=administrator.username),
        )
    assert "username" in exc.value.message_dict


def test_role_and_division_changes_are_audited(administrator):
    officer = factories.OfficerFactory()
    other_division = factories.DivisionFactory()
    data = {
        "last_name": officer.last_name,
        "first_name": officer.first_name,
        "email": officer.email,
        "role": Role.SUPERVISOR,
        "division": other_division,
    }
    services.staff_update(actor=administrator, staff_id=officer.pk, data=data)
    officer.refresh_from_db()
    assert (officer.role, officer.division) == (Role.SUPERVISOR, other_division)
    record = AuditRecord.objects.get(verb="staff.update")
    assert record.payload["after"] == {"role": "supervisor", "division": other_division.code}
    assert record.payload["before"]["role"] == "officer"

    services.staff_update(
        actor=administrator,
        staff_id=officer.pk,
        data={**data, "role": Role.ADMINISTRATOR, "division": other_division},
    )
    officer.refresh_from_db()
    assert officer.role == Role.ADMINISTRATOR and officer.division is None


def test_an_administrator_demoted_loses_the_superuser_flag(administrator):
    other = factories.AdministratorFactory(is_superuser=True)
    division = factories.DivisionFactory()
    services.staff_update(
        actor=administrator,
        staff_id=other.pk,
        data={
            "last_name": "",
            "first_name": "",
            "email": other.email,
            "role": Role.OFFICER,
            "division": division,
        },
    )
    other.refresh_from_db()
    assert other.role == Role.OFFICER and not other.is_superuser and not other.is_staff


def test_administrators_cannot_lock_themselves_out(administrator):
    data = {
        "last_name": "",
        "first_name": "",
        "email": administrator.email,
        "role": Role.OFFICER,
        "division": factories.DivisionFactory(),
    }
    with pytest.raises(ValidationError):
        services.staff_update(actor=administrator, staff_id=administrator.pk, data=data)
    with pytest.raises(ValidationError):
        services.staff_deactivate(actor=administrator, staff_id=administrator.pk)
    administrator.refresh_from_db()
    assert administrator.is_active and administrator.role == Role.ADMINISTRATOR


def test_deactivation_and_reactivation(administrator):
    officer = factories.OfficerFactory()
    services.staff_deactivate(actor=administrator, staff_id=officer.pk)
    assert not Client().login(username=officer.username, password="pw-test-2025")
    services.staff_reactivate(actor=administrator, staff_id=officer.pk)
    assert Client().login(username=officer.username, password="pw-test-2025")
    verbs = list(
        AuditRecord.objects.filter(target_id=str(officer.pk), verb__startswith="staff.")
        .order_by("at", "id")
        .values_list("verb", flat=True)
    )
    assert verbs == ["staff.deactivate", "staff.reactivate"]


def test_unlock_and_second_factor_reset_go_through_the_signin_app(administrator):
    officer = factories.OfficerFactory()
    officer.locked_at = timezone.now()
    officer.save(update_fields=["locked_at"])
    TOTPDevice.objects.create(user=officer, name="phone", confirmed=True)

    services.staff_unlock(actor=administrator, staff_id=officer.pk)
    services.staff_second_factor_reset(actor=administrator, staff_id=officer.pk)

    officer.refresh_from_db()
    assert officer.locked_at is None
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert AuditRecord.objects.filter(verb="signin.unlocked", target_id=str(officer.pk)).exists()
    assert AuditRecord.objects.filter(
        verb="signin.second_factor_reset", target_id=str(officer.pk)
    ).exists()


def test_a_new_set_password_link_can_be_sent(capture, administrator):
    officer = factories.OfficerFactory()
    with capture(execute=True):
        services.staff_password_link_send(actor=administrator, staff_id=officer.pk)
    assert link_in_mail("/accounts/reset/", to=officer.email)
    assert AuditRecord.objects.filter(verb="staff.password_link_send").exists()


@pytest.mark.parametrize(
    "make_actor",
    [
        lambda: factories.ExporterFactory(organisation_role="administrator"),
        factories.OfficerFactory,
        factories.SupervisorFactory,
    ],
)
def test_only_meti_administrators_manage_staff(make_actor):
    actor = make_actor()
    officer = factories.OfficerFactory()
    with pytest.raises(PermissionDenied):
        services.staff_create(actor=actor, data=_officer_data(officer.division))
    with pytest.raises(PermissionDenied):
        services.staff_deactivate(actor=actor, staff_id=officer.pk)
    with pytest.raises(PermissionDenied):
        services.staff_unlock(actor=actor, staff_id=officer.pk)
    assert not User.objects.filter(username="officer_new").exists()
    assert mail.outbox == []


def test_staff_services_do_not_touch_exporters(administrator):
    exporter = factories.ExporterFactory()
    with pytest.raises(PermissionDenied):
        services.staff_deactivate(actor=administrator, staff_id=exporter.pk)
