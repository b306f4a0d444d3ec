"""The checks of the OpenID Connect exchange, against the local provider answering wrongly on
purpose: nobody is signed in on a forged state, a replayed answer, a wrong PKCE verifier, an ID
token signed by another key, for another client or with another nonce, or userinfo about
someone else."""

import socket

import pytest
from django.test import Client
from django.urls import reverse

from gbizid import client as gbizid_client
from portal.models import Organisation, User
from tests.gbizid.provider.harness import callback_path, corporate_number

from .helpers import audit, go_to_gbizid, page_text, query_of, signed_in_user_id

pytestmark = pytest.mark.django_db

LOGIN = "prime@kasumi.example.jp"


@pytest.fixture
def prime(gbizid):
    gbizid.add_account(LOGIN, corporate_number=corporate_number(100))
    return LOGIN


def refused_as(response, reason: str) -> None:
    page = page_text(response)
    assert 'data-testid="gbizid-failed"' in page and f'data-reason="{reason}"' in page, page[:800]


def nobody_signed_in(client) -> None:
    assert signed_in_user_id(client) is None
    assert not User.objects.exists() and not Organisation.objects.exists()


def test_an_answer_for_another_browsers_sign_in_is_refused(client, gbizid, prime):
    # The provider's answer for a sign-in started in one browser, opened in another.
    back = gbizid.sign_in(go_to_gbizid(Client()), prime)
    response = client.get(callback_path(back))
    assert response.status_code == 400
    refused_as(response, "state")
    nobody_signed_in(client)
    assert audit("gbizid.failed")[0].payload["reason"] == "state"


def test_a_forged_state_is_refused(client, gbizid, prime):
    back = gbizid.sign_in(go_to_gbizid(client), prime)
    forged = back.replace(f"state={query_of(back)['state']}", "state=forged")
    response = client.get(callback_path(forged))
    assert response.status_code == 400
    refused_as(response, "state")
    nobody_signed_in(client)


def test_an_answer_is_used_once(client, gbizid, prime):
    back = gbizid.sign_in(go_to_gbizid(client), prime)
    assert client.get(callback_path(back)).status_code == 302
    client.post(reverse("logout"))
    replayed = client.get(callback_path(back))
    assert replayed.status_code == 400
    refused_as(replayed, "state")
    assert signed_in_user_id(client) is None


def test_a_wrong_pkce_verifier_gets_no_token(client, gbizid, prime):
    location = go_to_gbizid(client)
    session = client.session
    key = f"_state_gbizid_{query_of(location)['state']}"
    stored = session[key]
    stored["data"]["code_verifier"] = "x" * 64
    session[key] = stored
    session.save()
    back = gbizid.sign_in(location, prime)

    response = client.get(callback_path(back))

    assert response.status_code == 502
    refused_as(response, "token")
    nobody_signed_in(client)


def test_the_person_cancelling_at_gbizid_is_told_so(client, gbizid):
    client.cookies["django_language"] = "en"
    state = query_of(go_to_gbizid(client))["state"]
    response = client.get(reverse("gbizid:callback") + f"?error=access_denied&state={state}")
    assert response.status_code == 400
    refused_as(response, "denied")
    assert "cancelled" in page_text(response)
    # That state is spent.
    assert f"_state_gbizid_{state}" not in client.session
    assert audit("gbizid.failed")[0].payload == {
        "reason": "denied",
        "detail": "access_denied",
        "ip": "127.0.0.1",
    }


@pytest.mark.parametrize("misbehave", ["foreign_key", "bad_nonce", "bad_audience"])
def test_an_id_token_that_fails_a_check_signs_nobody_in(client, gbizid, prime, misbehave):
    gbizid.change_account(prime, misbehave=misbehave)
    back = gbizid.sign_in(go_to_gbizid(client), prime)

    response = client.get(callback_path(back))

    assert response.status_code == 502
    refused_as(response, "token")
    nobody_signed_in(client)
    assert audit("gbizid.failed")[0].payload["reason"] == "token"


def test_userinfo_about_another_subject_is_refused(client, gbizid, prime):
    gbizid.change_account(prime, misbehave="userinfo_other_sub")
    back = gbizid.sign_in(go_to_gbizid(client), prime)
    response = client.get(callback_path(back))
    assert response.status_code == 502
    refused_as(response, "userinfo")
    nobody_signed_in(client)


def test_a_discovery_document_naming_another_issuer_is_not_used(client, gbizid, settings):
    # Configured for one issuer, served another's metadata (OpenID Connect Discovery §4.3).
    settings.GBIZID_SERVER_METADATA_URL = gbizid.issuer + "/.well-known/openid-configuration"
    settings.GBIZID_ISSUER = "https://gbiz-id.example/oauth/"
    response = client.get(reverse("gbizid:signin"))
    assert response.status_code == 502
    refused_as(response, "unavailable")
    (failed,) = audit("gbizid.failed")
    assert failed.payload["reason"] == "issuer"


def test_gbizid_out_of_reach_is_explained_and_recorded(client, settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.GBIZID_ISSUER = f"http://127.0.0.1:{port}/oauth"
    settings.GBIZID_CLIENT_ID = "portal"
    settings.GBIZID_CLIENT_SECRET = "secret"
    settings.GBIZID_HTTP_TIMEOUT = 2
    client.cookies["django_language"] = "en"

    response = client.get(reverse("gbizid:signin"))

    assert response.status_code == 502
    refused_as(response, "unavailable")
    assert "cannot be reached" in page_text(response)
    assert audit("gbizid.failed")[0].payload["reason"] == "discovery"


def test_one_client_per_configuration_is_kept(gbizid, settings):
    first = gbizid_client.client()
    assert gbizid_client.client() is first
    settings.GBIZID_CLIENT_ID = "another"
    assert gbizid_client.client() is not first
