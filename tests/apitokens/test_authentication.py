"""`Authorization: Token <key>` on the API with hashed tokens: the same answers as DRF's
TokenAuthentication, revoked tokens and inactive users refused, last use noted once a minute."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from apitokens import services
from apitokens.models import ApiToken
from reports.models import Report
from tests import factories
from tests.reports.helpers import complete_data

pytestmark = pytest.mark.django_db


def _client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def _token(user) -> tuple[ApiToken, str]:
    return services.token_create(actor=user, user=user, name="ERP")


def test_a_created_token_authenticates_api_calls(catalog, exporter):
    _row, key = _token(exporter)
    response = _client(key).get("/api/v1/reports/")
    assert response.status_code == 200
    assert response.json()["count"] == 0
    created = _client(key).post("/api/v1/reports/", complete_data(), format="json")
    assert created.status_code == 201
    assert Report.objects.get().organisation == exporter.organisation


def test_a_token_works_for_meti_staff_too(catalog):
    officer = factories.OfficerFactory(division=catalog["elec"])
    assert _client(_token(officer)[1]).get("/api/v1/reports/").status_code == 200


def _refused(response, detail: str) -> None:
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {"detail": detail}


@pytest.mark.parametrize(
    ("header", "detail"),
    [
        ("Token 0123456789abcdef0123456789abcdef01234567", "Invalid token."),
        ("Token wrong", "Invalid token."),
        ("Token " + "a" * 200, "Invalid token."),
        ("Token", "Invalid token header. No credentials provided."),
        ("Token a b", "Invalid token header. Token string should not contain spaces."),
    ],
)
def test_wrong_credentials_answer_401_like_drf(catalog, exporter, header, detail):
    _token(exporter)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    client.cookies.load({"django_language": "en"})
    _refused(client.get("/api/v1/reports/"), detail)


def test_in_japanese_the_messages_are_drfs_translations(catalog):
    client = _client("wrong")
    _refused(client.get("/api/v1/reports/"), "不正なトークンです。")


def test_a_key_with_the_right_prefix_but_wrong_rest_is_refused(catalog, exporter):
    _row, key = _token(exporter)
    forged = key[:8] + ("0" if key[8] != "0" else "1") + key[9:]
    assert _client(forged).get("/api/v1/reports/").status_code == 401


def test_without_credentials_the_answer_is_401_with_the_token_challenge(catalog):
    response = APIClient().get("/api/v1/reports/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_a_revoked_token_answers_401(catalog, exporter):
    row, key = _token(exporter)
    client = _client(key)
    assert client.get("/api/v1/reports/").status_code == 200
    services.token_revoke(actor=exporter, token_id=row.pk)
    response = client.get("/api/v1/reports/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_a_deactivated_users_token_answers_401(catalog, exporter):
    _row, key = _token(exporter)
    exporter.is_active = False
    exporter.save(update_fields=["is_active"])
    response = _client(key).get("/api/v1/reports/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_last_use_is_noted_and_not_rewritten_within_a_minute(catalog, exporter):
    row, key = _token(exporter)
    client = _client(key)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.get("/api/v1/reports/")
    row.refresh_from_db()
    assert row.last_used_at == start

    with time_machine.travel(start + datetime.timedelta(seconds=59), tick=False):
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/api/v1/reports/").status_code == 200
    assert not [q for q in queries if q["sql"].upper().startswith("UPDATE")]
    row.refresh_from_db()
    assert row.last_used_at == start

    later = start + datetime.timedelta(seconds=61)
    with time_machine.travel(later, tick=False):
        client.get("/api/v1/reports/")
    row.refresh_from_db()
    assert row.last_used_at == later


def test_the_update_of_last_use_is_conditional(exporter):
    """Two requests that both read the token as unused: only the first writes."""
    row, _key = _token(exporter)
    stale_copy = ApiToken.objects.get(pk=row.pk)
    now = timezone.now()
    services.token_mark_used(token=row, now=now)
    services.token_mark_used(token=stale_copy, now=now + datetime.timedelta(seconds=5))
    row.refresh_from_db()
    assert row.last_used_at == now


def test_the_idempotency_key_recognises_token_users(catalog, exporter):
    client = _client(_token(exporter)[1])
    answers = [
        client.post("/api/v1/reports/", complete_data(), format="json", HTTP_IDEMPOTENCY_KEY="t")
        for _ in range(2)
    ]
    assert [a.status_code for a in answers] == [201, 201]
    assert answers[1]["Idempotent-Replayed"] == "true"
    assert answers[1].json() == answers[0].json()
    assert Report.objects.count() == 1


def test_the_schema_declares_the_token_scheme_as_before(client):
    schema = client.get("/api/v1/schema/?format=json").json()
    assert schema["components"]["securitySchemes"]["tokenAuth"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": 'Token-based authentication with required prefix "Token"',
    }
    security = schema["paths"]["/api/v1/reports/"]["get"]["security"]
    assert security == [{"tokenAuth": []}, {"cookieAuth": []}]
