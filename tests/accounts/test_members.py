"""An organisation's administrator invites colleagues and manages its members."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone, translation

from accounts import selectors, services, tokens
from accounts.models import Invitation, InvitationStatus
from portal.models import AuditRecord, Notification, OrganisationRole, Role, User
from tests import factories

from .helpers import PASSWORD, link_in_mail, token_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english():
    """Messages are asserted in English; the Japanese catalogue is checked elsewhere."""
    with translation.override("en"):
        yield


ACCEPT = {
    "username": "jiro",
    "last_name": "佐々木",
    "first_name": "次郎",
    "department": "技術部",
    "phone": "03-9999-0000",
    "password": PASSWORD,
}


@pytest.fixture
def admin():
    return factories.ExporterFactory(organisation_role=OrganisationRole.ADMINISTRATOR)


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


def _invite(capture, admin, email="jiro@example.jp") -> tuple[Invitation, str]:
    with capture(execute=True):
        return services.invitation_send(actor=admin, email=email)


# --- invitations ----------------------------------------------------------------------------


def test_an_invitation_is_mailed_and_stores_only_a_hash_of_its_link(capture, admin):
    invitation, token = _invite(capture, admin, email="Jiro@Example.JP")

    assert invitation.email == "jiro@example.jp"
    assert invitation.status == InvitationStatus.PENDING
    assert (
        token not in invitation.token_hash
        and invitation.token_hash == tokens.invitation_token_hash(token)
    )
    assert invitation.expires_at - timezone.now() > datetime.timedelta(days=6, hours=23)
    assert token_of(link_in_mail("/organisations/invitations/", to="jiro@example.jp")) == token
    assert AuditRecord.objects.filter(verb="invitation.send", actor=admin).exists()


def test_accepting_creates_a_member_of_the_organisation(capture, admin):
    invitation, token = _invite(capture, admin)

    with capture(execute=True):
        user = services.invitation_accept(token=token, data=ACCEPT)

    assert user.role == Role.EXPORTER and user.organisation == admin.organisation
    assert user.organisation_role == OrganisationRole.MEMBER and user.is_active
    assert (user.email, user.department, user.phone) == (
        "jiro@example.jp",
        "技術部",
        "03-9999-0000",
    )
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ACCEPTED and invitation.user == user
    assert AuditRecord.objects.filter(verb="invitation.accept", actor=user).exists()
    assert Notification.objects.filter(recipient=admin, verb="invitation.accepted").exists()
    assert Client().login(username="jiro", password=PASSWORD)


def test_a_used_invitation_link_cannot_be_used_again(capture, admin):
    _invitation, token = _invite(capture, admin)
    services.invitation_accept(token=token, data=ACCEPT)
    with pytest.raises(tokens.LinkUsed):
        services.invitation_accept(token=token, data={**ACCEPT, "username": "jiro2"})
    assert not User.objects.filter(username="jiro2").exists()


def test_an_expired_invitation_link_is_refused(capture, admin):
    _invitation, token = _invite(capture, admin)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=7, minutes=1)):
        with pytest.raises(tokens.LinkExpired):
            services.invitation_accept(token=token, data=ACCEPT)
    assert not User.objects.filter(username="jiro").exists()


def test_a_resend_replaces_the_link(capture, admin):
    invitation, old = _invite(capture, admin)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=6)):
        with capture(execute=True):
            _again, new = services.invitation_resend(actor=admin, invitation_id=invitation.pk)
        with pytest.raises(tokens.LinkInvalid):
            services.invitation_accept(token=old, data=ACCEPT)
    # Seven days from the resend, not from the first invitation.
    with time_machine.travel(timezone.now() + datetime.timedelta(days=12)):
        assert services.invitation_accept(token=new, data=ACCEPT).username == "jiro"
    assert token_of(link_in_mail("/organisations/invitations/")) == new
    assert AuditRecord.objects.filter(verb="invitation.resend").count() == 1


def test_a_revoked_invitation_cannot_be_accepted(capture, admin):
    invitation, token = _invite(capture, admin)
    services.invitation_revoke(actor=admin, invitation_id=invitation.pk)
    with pytest.raises(tokens.LinkRevoked):
        services.invitation_accept(token=token, data=ACCEPT)
    with pytest.raises(ValidationError):
        services.invitation_resend(actor=admin, invitation_id=invitation.pk)
    assert AuditRecord.objects.filter(verb="invitation.revoke").count() == 1


def test_a_failed_acceptance_creates_nothing_and_leaves_the_link_usable(capture, admin):
    _invitation, token = _invite(capture, admin)
    factories.ExporterFactory(username="JIRO")
    with pytest.raises(ValidationError) as exc:
        services.invitation_accept(token=token, data=ACCEPT)
    assert "username" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.invitation_accept(
            token=token, data={**ACCEPT, "username": "j2", "password": "abc"}
        )
    assert "password1" in exc.value.message_dict
    assert services.invitation_accept(token=token, data={**ACCEPT, "username": "j3"})


def test_one_open_invitation_per_address_and_none_for_a_member(capture, admin):
    _invite(capture, admin)
    with pytest.raises(ValidationError):
        services.invitation_send(actor=admin, email="JIRO@example.jp")
    with pytest.raises(ValidationError):
        services.invitation_send(actor=admin, email=admin.email)
    assert Invitation.objects.count() == 1


def test_only_an_administrator_of_the_organisation_manages_its_invitations(capture, admin):
    invitation, _token = _invite(capture, admin)
    member = factories.ExporterFactory(organisation=admin.organisation)
    other_admin = factories.ExporterFactory(organisation_role=OrganisationRole.ADMINISTRATOR)
    with pytest.raises(PermissionDenied):
        services.invitation_send(actor=member, email="x@example.jp")
    for actor in (member, other_admin, factories.AdministratorFactory()):
        with pytest.raises(PermissionDenied):
            services.invitation_resend(actor=actor, invitation_id=invitation.pk)
        with pytest.raises(PermissionDenied):
            services.invitation_revoke(actor=actor, invitation_id=invitation.pk)


# --- members --------------------------------------------------------------------------------


def test_roles_change_and_are_audited(admin):
    member = factories.ExporterFactory(organisation=admin.organisation)
    services.member_set_role(
        actor=admin, member_id=member.pk, organisation_role=OrganisationRole.ADMINISTRATOR
    )
    member.refresh_from_db()
    assert member.organisation_role == OrganisationRole.ADMINISTRATOR
    record = AuditRecord.objects.get(verb="member.set_role")
    assert record.payload == {
        "before": {"organisation_role": "member"},
        "after": {"organisation_role": "administrator"},
    }
    # With two administrators, one may step down.
    services.member_set_role(
        actor=admin, member_id=admin.pk, organisation_role=OrganisationRole.MEMBER
    )
    admin.refresh_from_db()
    assert admin.organisation_role == OrganisationRole.MEMBER


def test_the_last_active_administrator_cannot_step_down(admin):
    factories.ExporterFactory(organisation=admin.organisation)  # a member
    factories.ExporterFactory(  # an administrator who left
        organisation=admin.organisation,
        organisation_role=OrganisationRole.ADMINISTRATOR,
        is_active=False,
    )
    with pytest.raises(ValidationError) as exc:
        services.member_set_role(
            actor=admin, member_id=admin.pk, organisation_role=OrganisationRole.MEMBER
        )
    assert "last active administrator" in exc.value.messages[0]
    admin.refresh_from_db()
    assert admin.organisation_role == OrganisationRole.ADMINISTRATOR
    assert not AuditRecord.objects.filter(verb="member.set_role").exists()


def test_the_last_active_administrator_cannot_be_deactivated():
    """Another administrator is the only one who could: once they are gone, nobody can."""
    admin = factories.ExporterFactory(organisation_role=OrganisationRole.ADMINISTRATOR)
    other = factories.ExporterFactory(
        organisation=admin.organisation, organisation_role=OrganisationRole.ADMINISTRATOR
    )
    services.member_deactivate(actor=admin, member_id=other.pk)
    with pytest.raises(ValidationError) as exc:
        services.member_deactivate(actor=admin, member_id=admin.pk)
    assert "own account" in exc.value.messages[0]
    # The deactivated administrator, through a page loaded before, is read afresh and refused.
    with pytest.raises(PermissionDenied):
        services.member_deactivate(actor=other, member_id=admin.pk)
    admin.refresh_from_db()
    assert admin.is_active


def test_a_deactivated_member_cannot_sign_in_and_their_reports_stay(admin, catalog):
    from reports.models import Report
    from tests.reports.helpers import submitted_report

    member = factories.ExporterFactory(organisation=admin.organisation)
    report = submitted_report(member)
    assert Client().login(username=member.username, password="pw-test-2025")

    services.member_deactivate(actor=admin, member_id=member.pk)

    member.refresh_from_db()
    assert not member.is_active
    assert not Client().login(username=member.username, password="pw-test-2025")
    response = Client().post(
        "/accounts/login/", {"username": member.username, "password": "pw-test-2025"}
    )
    assert response.status_code == 200 and "error-summary" in response.content.decode()
    assert Report.objects.get(pk=report.pk).organisation == admin.organisation
    assert AuditRecord.objects.filter(verb="member.deactivate", target_id=str(member.pk)).exists()

    services.member_reactivate(actor=admin, member_id=member.pk)
    assert Client().login(username=member.username, password="pw-test-2025")
    assert AuditRecord.objects.filter(verb="member.reactivate").exists()


def test_a_deactivated_members_api_token_stops_working(admin, api):
    from apitokens.services import token_create

    member = factories.ExporterFactory(organisation=admin.organisation)
    _token, key = token_create(actor=member, user=member, name="ERP")
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/reports/").status_code == 200
    services.member_deactivate(actor=admin, member_id=member.pk)
    assert api.get("/api/v1/reports/").status_code == 401


def test_administrators_of_another_organisation_manage_nothing_here(admin):
    member = factories.ExporterFactory(organisation=admin.organisation)
    other_admin = factories.ExporterFactory(organisation_role=OrganisationRole.ADMINISTRATOR)
    plain_member = factories.ExporterFactory(organisation=admin.organisation)
    for actor in (other_admin, plain_member, factories.AdministratorFactory()):
        with pytest.raises(PermissionDenied):
            services.member_deactivate(actor=actor, member_id=member.pk)
        with pytest.raises(PermissionDenied):
            services.member_set_role(
                actor=actor, member_id=member.pk, organisation_role=OrganisationRole.ADMINISTRATOR
            )
    member.refresh_from_db()
    assert member.is_active and member.organisation_role == OrganisationRole.MEMBER


def test_the_administrator_can_require_a_second_factor(capture, admin):
    member = factories.ExporterFactory(organisation=admin.organisation)
    organisation = services.organisation_second_factor_set(actor=admin, required=True)
    assert organisation.second_factor_required
    assert Notification.objects.filter(
        recipient=member, verb="organisation.second_factor_required"
    ).exists()
    record = AuditRecord.objects.get(verb="organisation.second_factor_required")
    assert record.payload["after"] == {"second_factor_required": True}
    with pytest.raises(PermissionDenied):
        services.organisation_second_factor_set(actor=member, required=False)


def test_member_list_and_pending_invitations(capture, admin):
    gone = factories.ExporterFactory(organisation=admin.organisation, is_active=False)
    factories.ExporterFactory()  # another organisation
    invitation, _ = _invite(capture, admin)
    members = list(selectors.member_list(admin.organisation))
    assert members[-1] == gone and set(members) == {admin, gone}
    assert list(selectors.invitations_pending(admin.organisation)) == [invitation]
    assert mail.outbox


def test_a_user_name_awaiting_meti_cannot_be_taken_by_an_invitee(capture, admin):
    from accounts.models import ApplicationStatus, OrganisationApplication

    from .helpers import application_data

    OrganisationApplication.objects.create(
        **{k: v for k, v in application_data(username="jiro").items() if k != "password"},
        status=ApplicationStatus.PENDING,
    )
    _invitation, token = _invite(capture, admin)
    with pytest.raises(ValidationError) as exc:
        services.invitation_accept(token=token, data=ACCEPT)
    assert "username" in exc.value.message_dict
