"""An existing portal user links their gBizID from their account page, after signing in with
their password, when gBizID gives their organisation's corporate number."""

import pytest
from django.test import Client
from django.urls import reverse

from gbizid import services
from gbizid.claims import identity_from_claims
from gbizid.models import GbizidLink
from portal.models import OrganisationRole, User
from tests import factories
from tests.gbizid.provider.harness import callback_path, corporate_number
from tests.signin.conftest import sign_in

from .helpers import audit, page_text, sign_in_with_gbizid, signed_in_user_id, signed_in_with_gbizid

pytestmark = pytest.mark.django_db

LOGIN = "hanako@kasumi.example.jp"


@pytest.fixture
def member():
    """A member who joined by invitation and signs in with a password."""
    organisation = factories.OrganisationFactory(corporate_number=corporate_number(200))
    return factories.ExporterFactory(
        username="hanako",
        organisation=organisation,
        last_name="鈴木",
        first_name="花子",
        department="",
        email="old@kasumi.example.jp",
    )


def signed_in(user) -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    sign_in(client, user.username)
    assert signed_in_user_id(client) == str(user.pk)
    return client


def test_the_account_page_offers_the_link(gbizid, member):
    client = signed_in(member)
    page = page_text(client.get(reverse("gbizid:account")))
    assert "not linked" in page
    assert f'href="{reverse("gbizid:link")}"' in page
    assert member.organisation.corporate_number in page


def test_a_member_links_their_gbizid_and_then_signs_in_either_way(gbizid, member):
    gbizid.add_account(
        LOGIN,
        sub="1243",
        account_type=3,
        corporate_number=member.organisation.corporate_number,
        last_name="鈴木",
        first_name="花子",
        department="営業部",
        email=LOGIN,
    )
    client = signed_in(member)

    response = sign_in_with_gbizid(client, gbizid, LOGIN, route="gbizid:link")

    assert response.status_code == 302 and response.url == reverse("gbizid:account")
    link = GbizidLink.objects.get(user=member)
    assert (link.subject, link.account_type) == ("1243", "member")
    member.refresh_from_db()
    assert (member.department, member.email) == ("営業部", LOGIN)
    assert member.organisation_role == OrganisationRole.MEMBER  # linking changes no role
    assert signed_in_user_id(client) == str(member.pk)  # still the password session
    page = page_text(client.get(reverse("gbizid:account")))
    assert "Your gBizID is linked" in page and "1243" in page
    (linked,) = audit("gbizid.link")
    assert linked.actor == member and linked.payload["changes"]["department"]["after"] == "営業部"

    # Either way in, to the same account.
    by_gbizid = Client()
    assert sign_in_with_gbizid(by_gbizid, gbizid, LOGIN).status_code == 302
    assert signed_in_user_id(by_gbizid) == str(member.pk) and signed_in_with_gbizid(by_gbizid)
    assert signed_in_user_id(signed_in(member)) == str(member.pk)
    assert User.objects.count() == 1


def test_a_link_with_another_companys_number_is_refused_and_audited(gbizid, member):
    other = corporate_number(201)
    gbizid.add_account(LOGIN, account_type=2, corporate_number=other)
    client = signed_in(member)

    response = sign_in_with_gbizid(client, gbizid, LOGIN, route="gbizid:link")

    assert response.status_code == 403
    page = page_text(response)
    assert 'data-reason="corporate_number_mismatch"' in page and "was not linked" in page
    assert not GbizidLink.objects.exists()
    (refused,) = audit("gbizid.refused")
    assert refused.payload["action"] == "link"
    assert refused.payload["corporate_number"] == other
    assert refused.payload["organisation_corporate_number"] == member.organisation.corporate_number
    assert signed_in_user_id(client) == str(member.pk)


def test_an_entry_account_cannot_be_linked(gbizid, member):
    gbizid.add_account(LOGIN, account_type=1, corporate_number=member.organisation.corporate_number)
    response = sign_in_with_gbizid(signed_in(member), gbizid, LOGIN, route="gbizid:link")
    assert response.status_code == 403 and 'data-reason="entry_link"' in page_text(response)
    assert not GbizidLink.objects.exists()


def test_a_gbizid_account_links_one_portal_account(gbizid, member):
    number = member.organisation.corporate_number
    colleague = factories.ExporterFactory(organisation=member.organisation)
    gbizid.add_account(LOGIN, account_type=3, corporate_number=number)
    sign_in_with_gbizid(signed_in(colleague), gbizid, LOGIN, route="gbizid:link")

    response = sign_in_with_gbizid(signed_in(member), gbizid, LOGIN, route="gbizid:link")

    assert response.status_code == 403 and 'data-reason="linked_to_another"' in page_text(response)
    assert GbizidLink.objects.get().user == colleague


def test_a_linked_account_does_not_take_a_second_gbizid_account(gbizid, member):
    number = member.organisation.corporate_number
    gbizid.add_account(LOGIN, account_type=3, corporate_number=number)
    gbizid.add_account("second@kasumi.example.jp", account_type=3, corporate_number=number)
    client = signed_in(member)
    sign_in_with_gbizid(client, gbizid, LOGIN, route="gbizid:link")

    response = sign_in_with_gbizid(client, gbizid, "second@kasumi.example.jp", route="gbizid:link")

    assert response.status_code == 403 and 'data-reason="already_linked"' in page_text(response)
    assert GbizidLink.objects.get().subject == LOGIN


def test_linking_again_with_the_same_account_just_updates(gbizid, member):
    gbizid.add_account(LOGIN, account_type=3, corporate_number=member.organisation.corporate_number)
    client = signed_in(member)
    sign_in_with_gbizid(client, gbizid, LOGIN, route="gbizid:link")
    response = sign_in_with_gbizid(client, gbizid, LOGIN, route="gbizid:link")
    assert response.status_code == 302
    assert [r.payload["again"] for r in audit("gbizid.link")] == [False, True]


def test_a_link_finished_after_signing_out_links_nothing(gbizid, member):
    gbizid.add_account(LOGIN, account_type=3, corporate_number=member.organisation.corporate_number)
    client = signed_in(member)
    location = client.get(reverse("gbizid:link"))["Location"]
    back = gbizid.sign_in(location, LOGIN)
    client.post(reverse("logout"))
    response = client.get(callback_path(back))
    assert response.status_code == 400
    assert not GbizidLink.objects.exists() and signed_in_user_id(client) is None


def test_meti_staff_have_no_gbizid_page(gbizid, client):
    for staff in (factories.OfficerFactory(), factories.AdministratorFactory()):
        client.force_login(staff)
        assert client.get(reverse("gbizid:account")).status_code == 403
        assert client.get(reverse("gbizid:link")).status_code == 403


def test_the_link_service_refuses_meti_staff(gbizid):
    officer = factories.OfficerFactory()
    identity = identity_from_claims(
        {"sub": "x", "account_type": "2", "corporate_number": corporate_number(202)},
        issuer=gbizid.issuer,
    )
    with pytest.raises(services.GbizidRefused) as refused:
        services.gbizid_link(user=officer, identity=identity, ip=None)
    assert refused.value.reason == services.METI_STAFF
    assert audit("gbizid.refused")[0].payload["reason"] == "meti_staff"


def test_unlinking_leaves_the_password_way_in(gbizid, member):
    gbizid.add_account(LOGIN, account_type=3, corporate_number=member.organisation.corporate_number)
    client = signed_in(member)
    sign_in_with_gbizid(client, gbizid, LOGIN, route="gbizid:link")

    response = client.post(reverse("gbizid:unlink"), follow=True)

    assert "no longer linked" in page_text(response)
    assert not GbizidLink.objects.exists()
    assert audit("gbizid.unlink")[0].payload["subject"] == LOGIN
    # The gBizID account is a stranger again: a Member's first sign-in, a new portal account.
    assert sign_in_with_gbizid(Client(), gbizid, LOGIN).status_code == 302
    assert User.objects.count() == 2


def test_an_account_made_by_gbizid_keeps_its_link(gbizid):
    gbizid.add_account(LOGIN, corporate_number=corporate_number(203))
    client = Client()
    client.cookies["django_language"] = "en"
    sign_in_with_gbizid(client, gbizid, LOGIN)
    page = page_text(client.get(reverse("gbizid:account")))
    assert "Unlink" not in page and "This sign-in" in page and "with gBizID" in page

    response = client.post(reverse("gbizid:unlink"), follow=True)

    assert "signs in with gBizID only" in page_text(response)
    assert GbizidLink.objects.exists()
