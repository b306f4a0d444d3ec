"""/account/tokens/: list, create (the key shown once), revoke."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from apitokens import services
from apitokens.models import ApiToken
from portal.models import AuditRecord
from tests import factories

pytestmark = pytest.mark.django_db

LIST = reverse("apitokens:list")
CREATE = reverse("apitokens:create")
REVOKE = reverse("apitokens:revoke")


@pytest.fixture
def client(client):
    client.cookies.load({"django_language": "en"})
    return client


@pytest.fixture
def signed_in(client, exporter):
    client.force_login(exporter)
    return client


def _key_from(page: str) -> str:
    keys = set(re.findall(r"\b[0-9a-f]{40}\b", page))
    assert len(keys) == 1, keys
    return keys.pop()


def test_the_key_is_shown_once_right_after_creation(signed_in, exporter):
    response = signed_in.post(CREATE, {"name": "輸出管理システム"})
    assert response.status_code == 200
    page = response.content.decode()
    key = _key_from(page)
    assert "no-store" in response["Cache-Control"]
    assert "Copy the key now. It will not be shown again." in page
    token = ApiToken.objects.get(user=exporter)
    assert token.name == "輸出管理システム"
    assert token.prefix == key[:8]

    listing = signed_in.get(LIST).content.decode()
    assert "輸出管理システム" in listing
    assert f"{key[:8]}…" in listing
    assert key not in listing
    assert key[8:] not in listing
    assert AuditRecord.objects.filter(verb="apitokens.create", actor=exporter).count() == 1


def test_the_key_from_the_page_calls_the_api(signed_in, catalog):
    key = _key_from(signed_in.post(CREATE, {"name": "ERP"}).content.decode())
    from rest_framework.test import APIClient

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/reports/").status_code == 200


def test_the_list_shows_created_and_last_used(signed_in, exporter):
    token, _key = services.token_create(actor=exporter, user=exporter, name="ERP")
    page = signed_in.get(LIST).content.decode()
    assert "ERP" in page and "Never used" in page
    assert f"{timezone.localtime(token.created_at):%Y-%m-%d %H:%M}" in page
    used = timezone.now() + datetime.timedelta(days=400)  # a date no other column shows
    services.token_mark_used(token=token, now=used)
    page = signed_in.get(LIST).content.decode()
    assert "Never used" not in page
    assert f"{timezone.localtime(used):%Y-%m-%d %H:%M}" in page


def test_a_form_without_a_name_is_shown_again_with_the_error(signed_in):
    response = signed_in.post(CREATE, {"name": ""})
    assert response.status_code == 200
    assert 'id="field-name"' in response.content.decode()
    assert response.context["form"].errors["name"]
    assert not ApiToken.objects.exists()


def test_revoke_from_the_page(signed_in, exporter):
    token, _key = services.token_create(actor=exporter, user=exporter, name="ERP")
    response = signed_in.post(REVOKE, {"token": token.pk})
    assert response.status_code == 302 and response["Location"] == LIST
    token.refresh_from_db()
    assert token.revoked_at is not None
    page = signed_in.get(LIST).content.decode()
    assert "Revoked tokens" in page
    assert AuditRecord.objects.filter(verb="apitokens.revoke", actor=exporter).exists()


def test_someone_elses_token_is_not_found(client, exporter):
    token, _key = services.token_create(actor=exporter, user=exporter, name="ERP")
    other = factories.ExporterFactory(organisation=exporter.organisation)
    client.force_login(other)
    assert client.post(REVOKE, {"token": token.pk}).status_code == 404
    assert "ERP" not in client.get(LIST).content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None


def test_staff_have_the_page_and_the_link(client, catalog):
    officer = factories.OfficerFactory(division=catalog["elec"])
    client.force_login(officer)
    page = client.get(LIST)
    assert page.status_code == 200
    assert f'href="{LIST}"' in page.content.decode()


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
