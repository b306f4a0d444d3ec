"""A company applies, confirms its e-mail once, and METI approves or rejects it."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from accounts import services, tokens
from accounts.models import ApplicationStatus, OrganisationApplication
from portal.models import AuditRecord, Notification, Organisation, OrganisationRole, Role, User
from tests import factories

from .helpers import application_data, corporate_number, link_in_mail, token_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english():
    """Messages are asserted in English; the Japanese catalogue is checked elsewhere."""
    with translation.override("en"):
        yield


def _submit(capture, **overrides) -> OrganisationApplication:
    with capture(execute=True):
        return services.application_submit(data=application_data(**overrides))


def _confirmed(capture, **overrides) -> OrganisationApplication:
    application = _submit(capture, **overrides)
    token = token_of(link_in_mail("/organisations/register/confirm/", to=application.email))
    with capture(execute=True):
        return services.application_confirm_email(token=token)


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


def test_an_application_creates_nothing_but_itself_and_mails_a_confirmation_link(capture):
    application = _submit(capture)

    assert application.status == ApplicationStatus.UNCONFIRMED
    assert not Organisation.objects.exists()
    assert not User.objects.filter(username="kasumi_yamamoto").exists()
    # The password is kept only as a hash until the account exists.
    assert application.password_hash and "Kasumigaseki" not in application.password_hash
    assert [m.to for m in mail.outbox] == [["taro.yamamoto@kasumi.example.jp"]]
    assert "/organisations/register/confirm/" in mail.outbox[0].body
    assert AuditRecord.objects.filter(
        verb="organisation_application.submit", target_id=str(application.pk)
    ).exists()


def test_a_wrong_check_digit_is_refused():
    number = corporate_number(2)
    wrong = str((int(number[0]) + 1) % 10) + number[1:]
    with pytest.raises(ValidationError) as exc:
        services.application_submit(data=application_data(corporate_number=wrong))
    assert "corporate_number" in exc.value.error_dict
    assert exc.value.error_dict["corporate_number"][0].code == "corporate_number_check_digit"
    assert not OrganisationApplication.objects.exists()


def test_a_registered_corporate_number_is_told_to_ask_for_an_invitation():
    organisation = factories.OrganisationFactory()
    with pytest.raises(ValidationError) as exc:
        services.application_submit(
            data=application_data(corporate_number=organisation.corporate_number)
        )
    (message,) = exc.value.message_dict["corporate_number"]
    assert "already registered" in message and "invitation" in message
    assert not OrganisationApplication.objects.exists()
    assert mail.outbox == []


def test_a_taken_user_name_and_a_weak_password_are_refused():
    factories.ExporterFactory(username="Kasumi_Yamamoto")
    with pytest.raises(ValidationError) as exc:
        services.application_submit(data=application_data())
    assert "username" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.application_submit(data=application_data(username="free", password="short"))
    assert "password1" in exc.value.message_dict
    assert not OrganisationApplication.objects.exists()


def test_confirming_puts_the_application_before_meti_once(capture):
    admin = factories.AdministratorFactory()
    application = _confirmed(capture)

    assert application.status == ApplicationStatus.PENDING
    assert application.confirmed_at is not None
    assert Notification.objects.filter(
        recipient=admin, verb="organisation_application.confirmed"
    ).exists()
    assert AuditRecord.objects.filter(verb="organisation_application.confirm").count() == 1

    token = token_of(link_in_mail("/organisations/register/confirm/"))
    with pytest.raises(tokens.LinkUsed) as used:
        services.application_confirm_email(token=token)
    assert used.value.target == application
    assert AuditRecord.objects.filter(verb="organisation_application.confirm").count() == 1


def test_an_expired_or_forged_confirmation_link_confirms_nothing(capture):
    application = _submit(capture)
    token = token_of(link_in_mail("/organisations/register/confirm/"))
    with time_machine.travel(timezone.now() + datetime.timedelta(days=3, minutes=1)):
        with pytest.raises(tokens.LinkExpired):
            services.application_confirm_email(token=token)
    forged = token.replace(str(application.pk), str(application.pk + 1), 1)
    for bad in (forged, token + "x", "no-such-token"):
        with pytest.raises(tokens.LinkInvalid):
            services.application_confirm_email(token=bad)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.UNCONFIRMED


def test_approval_creates_the_organisation_and_its_first_administrator(capture):
    admin = factories.AdministratorFactory()
    application = _confirmed(capture)
    mail.outbox.clear()

    with capture(execute=True):
        approved = services.application_approve(actor=admin, application_id=application.pk)

    organisation = Organisation.objects.get(corporate_number=application.corporate_number)
    user = User.objects.get(username="kasumi_yamamoto")
    assert approved.status == ApplicationStatus.APPROVED
    assert (approved.organisation, approved.user, approved.decided_by) == (
        organisation,
        user,
        admin,
    )
    assert approved.password_hash == ""
    assert organisation.name_en == "Kasumigaseki Precision Co., Ltd."
    assert user.role == Role.EXPORTER and user.organisation == organisation
    assert user.organisation_role == OrganisationRole.ADMINISTRATOR and user.is_active
    assert (user.department, user.phone) == ("輸出管理部", "03-1234-5678")
    assert user.check_password("Kasumigaseki-route-2025")
    assert AuditRecord.objects.filter(
        verb="organisation_application.approve", actor=admin, target_id=str(application.pk)
    ).exists()
    # The applicant has an account now: told through the notification outbox.
    assert Notification.objects.filter(
        recipient=user, verb="organisation_application.approved"
    ).exists()
    assert any(user.email in m.to for m in mail.outbox)


def test_without_an_english_name_the_japanese_one_is_used(capture):
    application = _confirmed(capture, name_en="")
    services.application_approve(
        actor=factories.AdministratorFactory(), application_id=application.pk
    )
    assert Organisation.objects.get().name_en == "霞が関精密株式会社"


def test_two_applications_for_one_number_cannot_both_be_approved(capture):
    admin = factories.AdministratorFactory()
    first = _confirmed(capture)
    second = _confirmed(
        capture, username="other_applicant", email="other@kasumi.example.jp", name_ja="別会社"
    )
    services.application_approve(actor=admin, application_id=first.pk)

    with pytest.raises(ValidationError) as exc:
        services.application_approve(actor=admin, application_id=second.pk)

    assert "already registered" in exc.value.messages[0]
    assert Organisation.objects.count() == 1
    assert not User.objects.filter(username="other_applicant").exists()
    second.refresh_from_db()
    assert second.status == ApplicationStatus.PENDING  # to be rejected with a reason


def test_a_user_name_taken_since_the_application_stops_the_approval_whole(capture):
    application = _confirmed(capture)
    factories.ExporterFactory(username="kasumi_yamamoto")
    with pytest.raises(ValidationError):
        services.application_approve(
            actor=factories.AdministratorFactory(), application_id=application.pk
        )
    assert not Organisation.objects.filter(corporate_number=application.corporate_number).exists()


def test_a_rejected_application_leaves_no_organisation_and_no_user_and_mails_the_reason(
    capture,
):
    admin = factories.AdministratorFactory()
    application = _confirmed(capture)
    mail.outbox.clear()

    with pytest.raises(ValidationError) as exc:
        services.application_reject(actor=admin, application_id=application.pk, reason="  ")
    assert "reason" in exc.value.message_dict

    with capture(execute=True):
        rejected = services.application_reject(
            actor=admin, application_id=application.pk, reason="法人番号と商号が一致しません。"
        )

    assert rejected.status == ApplicationStatus.REJECTED
    assert rejected.password_hash == ""
    assert not Organisation.objects.exists()
    assert not User.objects.filter(username="kasumi_yamamoto").exists()
    assert not User.objects.filter(email=application.email).exists()
    (message,) = mail.outbox
    assert message.to == [application.email]
    assert "法人番号と商号が一致しません。" in message.body
    assert AuditRecord.objects.filter(
        verb="organisation_application.reject", payload__reason="法人番号と商号が一致しません。"
    ).exists()
    with pytest.raises(ValidationError):
        services.application_approve(actor=admin, application_id=application.pk)


def test_mail_that_fails_does_not_fail_the_rejection(capture, settings):
    application = _confirmed(capture)
    settings.EMAIL_BACKEND = "tests.portal.failing_mail.Backend"
    with capture(execute=True):
        services.application_reject(
            actor=factories.AdministratorFactory(), application_id=application.pk, reason="重複"
        )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REJECTED


@pytest.mark.parametrize(
    "make_actor",
    [factories.ExporterFactory, factories.OfficerFactory, factories.SupervisorFactory],
)
def test_only_meti_administrators_decide(capture, make_actor):
    application = _confirmed(capture)
    actor = make_actor()
    with pytest.raises(PermissionDenied):
        services.application_approve(actor=actor, application_id=application.pk)
    with pytest.raises(PermissionDenied):
        services.application_reject(actor=actor, application_id=application.pk, reason="x")
    assert not Organisation.objects.filter(corporate_number=application.corporate_number).exists()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PENDING
