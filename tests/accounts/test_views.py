"""The accounts pages: registration, review, members and staff, and who may open them."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts import services
from accounts.models import ApplicationStatus, Invitation, OrganisationApplication
from portal.models import Organisation, OrganisationRole, Role, User
from tests import factories

from .helpers import application_data, corporate_number, form_data, link_in_mail

pytestmark = pytest.mark.django_db


def _client(user=None) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.cookies["django_language"] = "en"
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def org_admin():
    return factories.ExporterFactory(organisation_role=OrganisationRole.ADMINISTRATOR)


# --- registration ---------------------------------------------------------------------------


def test_the_sign_in_page_links_to_registration(client):
    body = client.get(reverse("login")).content.decode()
    assert reverse("accounts:register") in body


def test_register_confirm_and_a_second_use_says_so(django_capture_on_commit_callbacks):
    client = _client()
    assert client.get(reverse("accounts:register")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:register"), form_data(application_data()), follow=True
        )
    assert response.redirect_chain[-1][0] == reverse("accounts:register_sent")
    assert "taro.yamamoto@kasumi.example.jp" in response.content.decode()

    link = link_in_mail("/organisations/register/confirm/")
    page = client.get(link).content.decode()
    assert "Confirm and send the application" in page and "霞が関精密株式会社" in page
    assert OrganisationApplication.objects.get().status == ApplicationStatus.UNCONFIRMED

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(link, follow=True)
    body = response.content.decode()
    assert "your e-mail address is confirmed" in body
    assert "already been used" in body
    assert OrganisationApplication.objects.get().status == ApplicationStatus.PENDING

    again = _client().post(link).content.decode()
    assert "already been used" in again


def test_registration_errors_are_shown_next_to_the_fields():
    factories.OrganisationFactory(corporate_number=corporate_number(5))
    client = _client()
    data = form_data(application_data(corporate_number=corporate_number(5)))
    body = client.post(reverse("accounts:register"), data).content.decode()
    assert "This company is already registered. Ask its administrator for an invitation." in body

    number = corporate_number(6)
    wrong = str((int(number[0]) + 1) % 10) + number[1:]
    data = form_data(application_data(corporate_number=wrong))
    data["password2"] = "something-else-entirely"
    body = client.post(reverse("accounts:register"), data).content.decode()
    assert "check digit" in body
    assert "The two passwords differ." in body
    assert not OrganisationApplication.objects.exists()


def test_full_width_digits_and_hyphens_in_the_corporate_number_are_accepted():
    number = corporate_number(7)
    typed = "－".join([number[:1], number[1:5], number[5:9], number[9:]])
    typed = typed.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    data = form_data(application_data(corporate_number=typed))
    response = _client().post(reverse("accounts:register"), data)
    assert response.status_code == 302
    assert OrganisationApplication.objects.get().corporate_number == number


def test_a_forged_confirmation_link_is_explained():
    body = _client().get("/organisations/register/confirm/1:abc:def/").content.decode()
    assert "This link is not valid" in body


# --- review by METI -------------------------------------------------------------------------


def _pending(**overrides) -> OrganisationApplication:
    return OrganisationApplication.objects.create(
        **{k: v for k, v in application_data(**overrides).items() if k != "password"},
        password_hash="!",
        status=ApplicationStatus.PENDING,
    )


def test_administrators_review_approve_and_reject(
    administrator, django_capture_on_commit_callbacks
):
    first = _pending()
    second = _pending(
        username="other", email="other@example.jp", corporate_number=corporate_number(9)
    )
    unconfirmed = _pending(username="u3", corporate_number=corporate_number(10))
    unconfirmed.status = ApplicationStatus.UNCONFIRMED
    unconfirmed.save()
    client = _client(administrator)

    listing = client.get(reverse("accounts:application_list")).content.decode()
    assert first.name_ja in listing and first.corporate_number in listing
    assert corporate_number(10) not in listing
    assert (
        client.get(reverse("accounts:application_detail", args=[unconfirmed.pk])).status_code == 404
    )

    response = client.post(reverse("accounts:application_approve", args=[first.pk]))
    assert response.status_code == 302
    assert Organisation.objects.filter(corporate_number=first.corporate_number).exists()

    reject_url = reverse("accounts:application_reject", args=[second.pk])
    body = client.post(reject_url, {"reason": ""}).content.decode()
    assert "errorlist" in body
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reject_url, {"reason": "所在地が確認できません。"})
    assert response.status_code == 302
    assert "所在地が確認できません。" in mail.outbox[-1].body
    decided = client.get(reverse("accounts:application_list") + "?status=rejected")
    assert second.name_ja in decided.content.decode()


def test_the_review_page_warns_of_a_registered_number(administrator):
    application = _pending()
    factories.OrganisationFactory(
        corporate_number=application.corporate_number, name_ja="既存株式会社"
    )
    client = _client(administrator)
    body = client.get(
        reverse("accounts:application_detail", args=[application.pk])
    ).content.decode()
    assert "already registered as 既存株式会社" in body
    response = client.post(
        reverse("accounts:application_approve", args=[application.pk]), follow=True
    )
    assert "cannot be approved" in response.content.decode()
    assert not User.objects.filter(username=application.username).exists()


@pytest.mark.parametrize(
    "make_user",
    [
        lambda: factories.ExporterFactory(organisation_role=OrganisationRole.ADMINISTRATOR),
        factories.OfficerFactory,
        factories.SupervisorFactory,
    ],
)
def test_only_meti_administrators_open_review_and_staff_pages(make_user):
    application = _pending()
    client = _client(make_user())
    for url in (
        reverse("accounts:application_list"),
        reverse("accounts:application_detail", args=[application.pk]),
        reverse("accounts:staff_list"),
        reverse("accounts:staff_create"),
    ):
        assert client.get(url).status_code == 403, url
    assert (
        client.post(reverse("accounts:application_approve", args=[application.pk])).status_code
        == 403
    )


# --- members --------------------------------------------------------------------------------


def test_the_members_page_lists_people_and_invitations(
    org_admin, django_capture_on_commit_callbacks
):
    member = factories.ExporterFactory(organisation=org_admin.organisation, last_name="鈴木")
    client = _client(org_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:member_invite"), {"email": "new@example.jp"})
    assert response.status_code == 302
    body = client.get(reverse("accounts:member_list")).content.decode()
    assert member.username in body and "new@example.jp" in body and "Never" in body
    assert reverse("accounts:member_list") in body  # the navigation link

    invitation = Invitation.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:invitation_resend", args=[invitation.pk]))
    assert len([m for m in mail.outbox if "new@example.jp" in m.to]) == 2
    client.post(reverse("accounts:invitation_revoke", args=[invitation.pk]))
    client.get(reverse("accounts:member_list"))  # shows the messages
    assert (
        'data-email="new@example.jp"'
        not in client.get(reverse("accounts:member_list")).content.decode()
    )


def test_role_change_and_the_last_administrator_message(org_admin):
    client = _client(org_admin)
    url = reverse("accounts:member_detail", args=[org_admin.pk])
    response = client.post(url, {"organisation_role": "member"})
    assert response.status_code == 200
    assert "last active administrator" in response.content.decode()
    org_admin.refresh_from_db()
    assert org_admin.organisation_role == OrganisationRole.ADMINISTRATOR

    member = factories.ExporterFactory(organisation=org_admin.organisation)
    client.post(
        reverse("accounts:member_detail", args=[member.pk]), {"organisation_role": "administrator"}
    )
    member.refresh_from_db()
    assert member.organisation_role == OrganisationRole.ADMINISTRATOR


def test_deactivating_through_the_page_stops_sign_in(org_admin):
    member = factories.ExporterFactory(organisation=org_admin.organisation)
    client = _client(org_admin)
    response = client.post(reverse("accounts:member_deactivate", args=[member.pk]))
    assert response.status_code == 302
    refused = _client().post(
        reverse("login"), {"username": member.username, "password": "pw-test-2025"}
    )
    assert refused.status_code == 200 and "error-summary" in refused.content.decode()
    own = client.post(reverse("accounts:member_deactivate", args=[org_admin.pk]), follow=True)
    assert "cannot deactivate your own account" in own.content.decode()


def test_other_organisations_get_404_and_members_403(org_admin, django_capture_on_commit_callbacks):
    member = factories.ExporterFactory(organisation=org_admin.organisation)
    with django_capture_on_commit_callbacks(execute=True):
        invitation, _ = services.invitation_send(actor=org_admin, email="x@example.jp")
    other_admin = _client(
        factories.ExporterFactory(organisation_role=OrganisationRole.ADMINISTRATOR)
    )
    for url in (
        reverse("accounts:member_detail", args=[member.pk]),
        reverse("accounts:member_deactivate", args=[member.pk]),
        reverse("accounts:member_reactivate", args=[member.pk]),
        reverse("accounts:invitation_resend", args=[invitation.pk]),
        reverse("accounts:invitation_revoke", args=[invitation.pk]),
    ):
        assert other_admin.post(url).status_code == 404, url
    plain = _client(member)
    assert plain.get(reverse("accounts:member_list")).status_code == 403
    assert plain.post(reverse("accounts:member_deactivate", args=[org_admin.pk])).status_code == 403
    assert (
        _client(factories.AdministratorFactory()).get(reverse("accounts:member_list")).status_code
        == 403
    )
    member.refresh_from_db()
    assert member.is_active


def test_the_second_factor_setting(org_admin):
    client = _client(org_admin)
    assert client.get(reverse("accounts:organisation_settings")).status_code == 200
    client.post(reverse("accounts:organisation_settings"), {"second_factor_required": "on"})
    org_admin.organisation.refresh_from_db()
    assert org_admin.organisation.second_factor_required


def test_accepting_an_invitation_in_the_page(org_admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_send(actor=org_admin, email="hanako@example.jp")
    link = link_in_mail("/organisations/invitations/")
    client = _client()
    assert "hanako@example.jp" in client.get(link).content.decode()
    data = {
        "last_name": "森",
        "first_name": "花子",
        "department": "法務部",
        "phone": "03-0000-1111",
        "username": "hanako_mori",
        "password1": "Sakura-blossom-2025",
        "password2": "Sakura-blossom-2025",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(link, data)
    assert response.status_code == 302 and response.headers["Location"] == reverse("login")
    user = User.objects.get(username="hanako_mori")
    assert user.organisation == org_admin.organisation and user.role == Role.EXPORTER
    assert "already been accepted" in client.post(link, data).content.decode()


# --- staff ----------------------------------------------------------------------------------


def test_staff_pages(administrator, django_capture_on_commit_callbacks):
    division = factories.DivisionFactory()
    client = _client(administrator)
    assert client.get(reverse("accounts:staff_list")).status_code == 200
    body = client.post(
        reverse("accounts:staff_create"),
        {
            "username": "sup_new",
            "last_name": "林",
            "first_name": "修",
            "email": "h@meti.example.go.jp",
            "role": "supervisor",
        },
    ).content.decode()
    assert "belongs to a division" in body
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:staff_create"),
            {
                "username": "sup_new",
                "last_name": "林",
                "first_name": "修",
                "email": "h@meti.example.go.jp",
                "role": "supervisor",
                "division": division.pk,
            },
        )
    assert response.status_code == 302
    person = User.objects.get(username="sup_new")
    assert person.role == Role.SUPERVISOR and person.division == division
    assert link_in_mail("/accounts/reset/", to="h@meti.example.go.jp")
    detail = client.get(reverse("accounts:staff_detail", args=[person.pk])).content.decode()
    assert "Reset the second factor" in detail
    client.post(reverse("accounts:staff_deactivate", args=[person.pk]))
    person.refresh_from_db()
    assert not person.is_active
    exporter = factories.ExporterFactory()
    assert client.get(reverse("accounts:staff_detail", args=[exporter.pk])).status_code == 404


def test_one_address_may_send_only_so_many_applications_an_hour(settings):
    """A script cannot use the form to send confirmation e-mails to arbitrary addresses."""
    from django.core.cache import cache

    cache.clear()
    settings.ACCOUNTS_APPLICATIONS_PER_ADDRESS_PER_HOUR = 2
    client = _client()
    for n in range(2):
        data = application_data(
            corporate_number=corporate_number(900 + n),
            email=f"applicant{n}@example.co.jp",
            username=f"applicant{n}",
        )
        response = client.post(reverse("accounts:register"), form_data(data))
        assert response.status_code == 302
    before = OrganisationApplication.objects.count()
    data = application_data(
        corporate_number=corporate_number(950), email="third@example.co.jp", username="third"
    )
    response = client.post(reverse("accounts:register"), form_data(data), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429
    assert OrganisationApplication.objects.count() == before
    # Another network is not held back.
    response = client.post(reverse("accounts:register"), form_data(data), REMOTE_ADDR="10.9.9.9")
    assert response.status_code == 302
    cache.clear()


def test_unconfirmed_applications_are_purged_after_their_link_and_a_grace_period(settings):
    import datetime

    from django.utils import timezone

    from portal.models import AuditRecord

    now = timezone.now()
    days = (
        settings.ACCOUNTS_CONFIRMATION_MAX_AGE_DAYS + settings.ACCOUNTS_UNCONFIRMED_PURGE_AFTER_DAYS
    )
    old = services.application_submit(
        data={**application_data(corporate_number=corporate_number(960), username="old1")}
    )
    OrganisationApplication.objects.filter(pk=old.pk).update(
        submitted_at=now - datetime.timedelta(days=days, hours=1)
    )
    recent = services.application_submit(
        data={
            **application_data(
                corporate_number=corporate_number(961), username="new1", email="n@example.jp"
            )
        }
    )
    OrganisationApplication.objects.filter(pk=recent.pk).update(
        submitted_at=now - datetime.timedelta(days=days - 1)
    )
    confirmed = _pending(corporate_number=corporate_number(962))
    OrganisationApplication.objects.filter(pk=confirmed.pk).update(
        submitted_at=now - datetime.timedelta(days=days + 30)
    )

    assert services.applications_unconfirmed_purge(now=now) == 1
    assert set(OrganisationApplication.objects.values_list("pk", flat=True)) >= {
        recent.pk,
        confirmed.pk,
    }
    assert not OrganisationApplication.objects.filter(pk=old.pk).exists()
    assert AuditRecord.objects.filter(verb="organisation_application.purge").count() == 1
    assert services.applications_unconfirmed_purge(now=now) == 0
