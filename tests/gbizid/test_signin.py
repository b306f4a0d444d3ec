"""Signing in with gBizID, end to end against the local provider: the first sign-in of a Prime
holder registers the company, a Member joins it, everyone else is sent where they belong."""

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY

from accounts.models import OrganisationApplication
from gbizid.models import AccountType, GbizidLink
from portal.models import Notification, Organisation, OrganisationRole, Role, User
from signin.selectors import has_second_factor, users_with_second_factor
from tests import factories
from tests.gbizid.provider.harness import callback_path, corporate_number
from tests.signin.conftest import add_second_factor, sign_in

from .helpers import (
    audit,
    go_to_gbizid,
    page_text,
    query_of,
    sign_in_with_gbizid,
    signed_in_user_id,
    signed_in_with_gbizid,
)

pytestmark = pytest.mark.django_db


# --- configuration ----------------------------------------------------------------------------


def test_with_nothing_configured_there_is_no_button_and_no_gbizid_page(client, settings):
    assert not settings.GBIZID_ISSUER
    page = page_text(client.get(reverse("login")))
    assert "gbizid" not in page.lower()
    assert client.get(reverse("gbizid:signin")).status_code == 404
    assert client.get(reverse("gbizid:callback") + "?code=x&state=y").status_code == 404
    exporter = factories.ExporterFactory()
    client.force_login(exporter)
    assert client.get(reverse("gbizid:link")).status_code == 404
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    account = page_text(client.get(reverse("gbizid:account")))
    assert "not available" in account


@pytest.mark.parametrize("missing", ["GBIZID_ISSUER", "GBIZID_CLIENT_ID", "GBIZID_CLIENT_SECRET"])
def test_each_of_issuer_client_id_and_secret_is_needed(client, settings, missing):
    settings.GBIZID_ISSUER = "https://gbiz-id.example/oauth/"
    settings.GBIZID_CLIENT_ID = "portal"
    settings.GBIZID_CLIENT_SECRET = "secret"
    setattr(settings, missing, "")
    assert 'data-testid="gbizid-signin"' not in page_text(client.get(reverse("login")))
    assert client.get(reverse("gbizid:signin")).status_code == 404


def test_configured_the_sign_in_page_has_the_button(client, gbizid):
    page = page_text(client.get(reverse("login") + "?next=/reports/"))
    assert 'data-testid="gbizid-signin"' in page
    assert 'href="/account/gbizid/signin/?next=/reports/"' in page


def test_the_authorization_request_uses_state_nonce_and_pkce(client, gbizid):
    location = go_to_gbizid(client)
    assert location.startswith(gbizid.base_url + "/oauth/authorize/")
    query = query_of(location)
    assert query["response_type"] == "code"
    assert query["client_id"] == gbizid.client_id
    assert query["redirect_uri"] == "http://testserver/account/gbizid/callback/"
    assert set(query["scope"].split()) == {"openid", "profile", "user", "email"}
    assert query["code_challenge_method"] == "S256"
    assert len(query["code_challenge"]) >= 43
    assert len(query["state"]) >= 20 and len(query["nonce"]) >= 20
    # What the answer is checked against waits in this browser's session, not in the URL.
    stored = client.session[f"_state_gbizid_{query['state']}"]["data"]
    assert stored["nonce"] == query["nonce"]
    assert stored["code_verifier"] and stored["code_verifier"] not in location


# --- first sign-in of a Prime holder ----------------------------------------------------------


def test_a_prime_holders_first_sign_in_registers_the_company(client, gbizid):
    number = corporate_number(1)
    gbizid.add_account("prime@kasumi.example.jp", sub="1242", corporate_number=number)

    response = sign_in_with_gbizid(client, gbizid, "prime@kasumi.example.jp")

    assert response.status_code == 302 and response.url == reverse("home")
    organisation = Organisation.objects.get(corporate_number=number)
    assert organisation.name_ja == "霞が関精密株式会社"
    assert organisation.name_en == "Kasumigaseki Precision Co., Ltd."
    assert organisation.address == "東京都千代田区霞が関1-3-1"
    user = User.objects.get(organisation=organisation)
    assert user.username == "gbizid-1242"
    assert (user.role, user.organisation_role) == (Role.EXPORTER, OrganisationRole.ADMINISTRATOR)
    assert (user.last_name, user.first_name) == ("山田", "太郎")
    assert (user.department, user.phone) == ("輸出管理部", "0312345678")
    assert user.email == "taro.yamada@kasumi.example.jp"
    assert not user.has_usable_password()
    link = GbizidLink.objects.get(user=user)
    assert (link.issuer, link.subject, link.account_type) == (gbizid.issuer, "1242", "prime")
    assert link.last_signin_at is not None
    # Signed in, through gBizID, with the second factor gBizID asked for.
    assert signed_in_user_id(client) == str(user.pk)
    assert signed_in_with_gbizid(client)
    assert client.session[DEVICE_ID_SESSION_KEY].startswith("gbizid.gbizidsessiondevice/")
    assert client.get(reverse("reports:dashboard")).status_code == 200
    # No METI review: gBizID has verified the Prime holder.
    assert not OrganisationApplication.objects.exists()
    assert [r.target_id for r in audit("gbizid.organisation_create")] == [str(organisation.pk)]
    (joined,) = audit("gbizid.join")
    assert joined.actor == user and joined.payload["organisation_role"] == "administrator"
    (signed,) = audit("gbizid.signin")
    assert signed.payload["corporate_number"] == number
    assert signed.payload["account_type"] == "prime" and signed.payload["subject"] == "1242"
    assert audit("signin.succeeded")[0].actor == user
    user.refresh_from_db()
    assert user.last_login is not None


def test_the_welcome_message_says_the_company_is_registered(client, gbizid):
    client.cookies["django_language"] = "en"
    gbizid.add_account("prime@kasumi.example.jp", corporate_number=corporate_number(2))
    response = sign_in_with_gbizid(client, gbizid, "prime@kasumi.example.jp")
    page = page_text(client.get(response.url, follow=True))
    assert "霞が関精密株式会社 is registered on the portal" in page


def test_a_prime_holder_joins_a_company_registered_before_as_an_administrator(client, gbizid):
    number = corporate_number(3)
    registered = factories.OrganisationFactory(corporate_number=number, name_ja="既存精密株式会社")
    administrator = factories.ExporterFactory(
        organisation=registered, organisation_role=OrganisationRole.ADMINISTRATOR
    )
    gbizid.add_account("prime@kasumi.example.jp", corporate_number=number, company="別名")

    assert sign_in_with_gbizid(client, gbizid, "prime@kasumi.example.jp").status_code == 302

    assert Organisation.objects.count() == 1
    registered.refresh_from_db()
    assert registered.name_ja == "既存精密株式会社"  # the portal's record stays as it is
    user = User.objects.get(gbizid_link__subject="prime@kasumi.example.jp")
    assert user.organisation == registered
    assert user.organisation_role == OrganisationRole.ADMINISTRATOR
    assert not audit("gbizid.organisation_create")
    notice = Notification.objects.get(recipient=administrator, verb="gbizid.joined")
    assert "山田 太郎" in notice.title_en and notice.url.endswith(f"/members/{user.pk}/")


def test_a_sign_in_from_the_sign_in_page_returns_to_the_page_asked_for(client, gbizid):
    gbizid.add_account("prime@kasumi.example.jp", corporate_number=corporate_number(4))
    back = gbizid.sign_in(
        go_to_gbizid(client, query="?next=/reports/screening/"), "prime@kasumi.example.jp"
    )
    response = client.get(callback_path(back))
    assert response.url == "/reports/screening/"


def test_a_next_to_another_site_is_ignored(client, gbizid):
    gbizid.add_account("prime@kasumi.example.jp", corporate_number=corporate_number(5))
    back = gbizid.sign_in(
        go_to_gbizid(client, query="?next=https://evil.example/"), "prime@kasumi.example.jp"
    )
    assert client.get(callback_path(back)).url == reverse("home")


# --- Members ----------------------------------------------------------------------------------


def test_a_member_joins_the_company_their_prime_holder_registered(client, gbizid, settings):
    settings.GBIZID_SCOPES = "openid profile user email role"  # once gBizID approves "role"
    number = corporate_number(6)
    gbizid.add_account("prime@kasumi.example.jp", corporate_number=number)
    gbizid.add_account(
        "member@kasumi.example.jp",
        sub="1243",
        account_type=3,
        corporate_number=number,
        last_name="鈴木",
        first_name="花子",
        department="営業部",
        email="hanako.suzuki@kasumi.example.jp",
        role="jp_gbizid_member",
    )
    sign_in_with_gbizid(Client(), gbizid, "prime@kasumi.example.jp")
    prime = User.objects.get(gbizid_link__subject="prime@kasumi.example.jp")

    response = sign_in_with_gbizid(client, gbizid, "member@kasumi.example.jp")

    assert response.status_code == 302
    member = User.objects.get(gbizid_link__subject="1243")
    assert member.organisation == prime.organisation
    assert member.organisation_role == OrganisationRole.MEMBER
    assert (member.last_name, member.department) == ("鈴木", "営業部")
    assert member.gbizid_link.account_type == AccountType.MEMBER
    assert signed_in_user_id(client) == str(member.pk)
    notice = Notification.objects.get(recipient=prime, verb="gbizid.joined")
    assert "鈴木 花子" in notice.title_ja
    assert audit("gbizid.signin")[-1].payload["role"] == "member"


def test_a_member_whose_company_is_not_registered_is_told_to_ask_the_prime_holder(client, gbizid):
    client.cookies["django_language"] = "en"
    number = corporate_number(7)
    gbizid.add_account("member@kasumi.example.jp", account_type=3, corporate_number=number)

    response = sign_in_with_gbizid(client, gbizid, "member@kasumi.example.jp")

    assert response.status_code == 403
    page = page_text(response)
    assert 'data-reason="prime_first"' in page
    assert "Prime holder" in page and "must sign in with gBizID first" in page
    assert number in page
    assert signed_in_user_id(client) is None
    assert not User.objects.exists() and not Organisation.objects.exists()
    (refused,) = audit("gbizid.refused")
    assert refused.payload["reason"] == "prime_first"
    assert refused.payload["corporate_number"] == number


# --- Entry accounts and sole proprietors -----------------------------------------------------


@pytest.mark.parametrize(
    ("account_type", "corp_type", "number"),
    [
        (1, 1, corporate_number(8)),  # Entry, even with a corporate number
        (2, 2, ""),  # a sole proprietor's Prime account: no corporate number
        (3, 2, ""),  # and their Member
        (2, 1, "1234567890123"),  # a number with a wrong check digit is no number
    ],
)
def test_entry_accounts_and_companies_without_a_number_register_through_the_portal(
    client, gbizid, account_type, corp_type, number
):
    client.cookies["django_language"] = "en"
    gbizid.add_account(
        "someone@example.jp",
        account_type=account_type,
        corp_type=corp_type,
        corporate_number=number,
    )

    response = sign_in_with_gbizid(client, gbizid, "someone@example.jp")

    assert response.status_code == 403
    page = page_text(response)
    assert 'data-reason="register"' in page
    assert f'href="{reverse("accounts:register")}"' in page
    assert not User.objects.exists() and not Organisation.objects.exists()
    assert signed_in_user_id(client) is None
    assert audit("gbizid.refused")[0].payload["reason"] == "register"


# --- later sign-ins ---------------------------------------------------------------------------


def test_every_sign_in_updates_name_department_and_email_from_gbizid(client, gbizid):
    gbizid.add_account("prime@kasumi.example.jp", corporate_number=corporate_number(9))
    sign_in_with_gbizid(Client(), gbizid, "prime@kasumi.example.jp")
    gbizid.change_account(
        "prime@kasumi.example.jp",
        user_last_nm="佐藤",
        user_department="法務部",
        email="taro.sato@kasumi.example.jp",
        user_tel_no_contact="0399999999",
        user_first_nm="",  # an empty claim changes nothing
    )

    assert sign_in_with_gbizid(client, gbizid, "prime@kasumi.example.jp").status_code == 302

    user = User.objects.get()
    assert (user.last_name, user.first_name) == ("佐藤", "太郎")
    assert (user.department, user.email) == ("法務部", "taro.sato@kasumi.example.jp")
    assert user.phone == "0312345678"
    first, second = audit("gbizid.signin")
    assert first.payload["changes"] == {}
    assert second.payload["changes"] == {
        "last_name": {"before": "山田", "after": "佐藤"},
        "department": {"before": "輸出管理部", "after": "法務部"},
        "email": {
            "before": "taro.yamada@kasumi.example.jp",
            "after": "taro.sato@kasumi.example.jp",
        },
    }
    assert User.objects.count() == 1 and Organisation.objects.count() == 1


def test_a_corporate_number_that_no_longer_matches_is_refused_and_never_moved(client, gbizid):
    client.cookies["django_language"] = "en"
    old, new = corporate_number(10), corporate_number(11)
    gbizid.add_account("prime@kasumi.example.jp", corporate_number=old)
    sign_in_with_gbizid(Client(), gbizid, "prime@kasumi.example.jp")
    user = User.objects.get()
    gbizid.change_account("prime@kasumi.example.jp", corporate_number=new, user_last_nm="別人")

    response = sign_in_with_gbizid(client, gbizid, "prime@kasumi.example.jp")

    assert response.status_code == 403
    page = page_text(response)
    assert 'data-reason="corporate_number_mismatch"' in page
    assert new in page and old in page
    assert signed_in_user_id(client) is None
    user.refresh_from_db()
    assert user.organisation.corporate_number == old and user.last_name == "山田"
    assert not Organisation.objects.filter(corporate_number=new).exists()
    (refused,) = audit("gbizid.refused")
    assert refused.target_id == str(user.pk)
    assert refused.payload["reason"] == "corporate_number_mismatch"
    assert refused.payload["corporate_number"] == new
    assert refused.payload["organisation_corporate_number"] == old


def test_meti_staff_never_sign_in_with_gbizid(client, gbizid):
    officer = factories.OfficerFactory()
    # Not possible through the pages (linking is for exporters): a row made by hand.
    GbizidLink.objects.create(
        user=officer, issuer=gbizid.issuer, subject="staff@meti", account_type="prime"
    )
    gbizid.add_account("staff@meti", corporate_number=corporate_number(12))

    response = sign_in_with_gbizid(client, gbizid, "staff@meti")

    assert response.status_code == 403 and 'data-reason="meti_staff"' in page_text(response)
    assert signed_in_user_id(client) is None
    assert audit("gbizid.refused")[0].payload["reason"] == "meti_staff"


def test_the_gbizid_backend_never_keeps_a_session_of_meti_staff(client):
    officer = factories.OfficerFactory()
    client.force_login(officer, backend="gbizid.backends.GbizidBackend")
    assert client.get(reverse("dialogue:queue")).status_code == 302


@pytest.mark.parametrize("state", ["deactivated", "locked"])
def test_a_deactivated_or_locked_account_is_not_signed_in(client, gbizid, state):
    gbizid.add_account("prime@kasumi.example.jp", corporate_number=corporate_number(13))
    sign_in_with_gbizid(Client(), gbizid, "prime@kasumi.example.jp")
    user = User.objects.get()
    if state == "locked":
        User.objects.filter(pk=user.pk).update(locked_at=timezone.now())
    else:
        User.objects.filter(pk=user.pk).update(is_active=False)

    response = sign_in_with_gbizid(client, gbizid, "prime@kasumi.example.jp")

    reason = "locked" if state == "locked" else "inactive"
    assert response.status_code == 403 and f'data-reason="{reason}"' in page_text(response)
    assert signed_in_user_id(client) is None


def test_a_gbizid_session_ends_when_the_account_is_locked(client, gbizid):
    gbizid.add_account("prime@kasumi.example.jp", corporate_number=corporate_number(14))
    sign_in_with_gbizid(client, gbizid, "prime@kasumi.example.jp")
    assert client.get(reverse("reports:dashboard")).status_code == 200
    User.objects.update(locked_at=timezone.now())
    response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


# --- the second factor ------------------------------------------------------------------------


def test_gbizid_counts_as_the_second_factor_an_organisation_requires(client, gbizid):
    number = corporate_number(15)
    organisation = factories.OrganisationFactory(
        corporate_number=number, second_factor_required=True
    )
    factories.ExporterFactory(organisation=organisation)
    gbizid.add_account("member@kasumi.example.jp", account_type=3, corporate_number=number)

    sign_in_with_gbizid(client, gbizid, "member@kasumi.example.jp")

    # Not sent to set up an authenticator app: gBizID asked for its own second factor.
    assert client.get(reverse("reports:dashboard")).status_code == 200


def test_a_linked_user_with_an_authenticator_app_is_not_asked_for_its_code_after_gbizid(
    client, gbizid
):
    number = corporate_number(16)
    user = factories.ExporterFactory(organisation__corporate_number=number)
    add_second_factor(user)
    GbizidLink.objects.create(
        user=user, issuer=gbizid.issuer, subject="prime@kasumi.example.jp", account_type="prime"
    )
    gbizid.add_account("prime@kasumi.example.jp", corporate_number=number)

    sign_in_with_gbizid(client, gbizid, "prime@kasumi.example.jp")
    assert client.get(reverse("reports:dashboard")).status_code == 200

    # The password way in still asks for the code: the gBizID mark is no device of theirs.
    password_client = Client()
    sign_in(password_client, user.username)
    response = password_client.get(reverse("reports:dashboard"))
    assert response.status_code == 302 and response.url.startswith(reverse("signin:verify"))


def test_the_gbizid_mark_is_not_counted_as_a_second_factor(gbizid, client):
    gbizid.add_account("prime@kasumi.example.jp", corporate_number=corporate_number(17))
    sign_in_with_gbizid(client, gbizid, "prime@kasumi.example.jp")
    user = User.objects.get()
    assert not has_second_factor(user)
    assert user not in users_with_second_factor()


def test_a_password_sign_in_of_a_linked_user_is_attributed_to_the_password_backend(gbizid):
    user = factories.ExporterFactory()
    GbizidLink.objects.create(user=user, issuer=gbizid.issuer, subject="x", account_type="prime")
    client = Client()
    client.post(reverse("login"), {"username": user.username, "password": "pw-test-2025"})
    assert client.session[BACKEND_SESSION_KEY] == "signin.backends.LockoutModelBackend"


def test_no_email_is_sent_for_a_gbizid_sign_in(client, gbizid):
    gbizid.add_account("prime@kasumi.example.jp", corporate_number=corporate_number(18))
    sign_in_with_gbizid(client, gbizid, "prime@kasumi.example.jp")
    assert mail.outbox == []
