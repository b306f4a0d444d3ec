"""Idempotency-Key: a retried POST answers the first response and creates nothing again."""

import pytest
from rest_framework.test import APIClient

from apitokens.services import token_create
from dialogue.models import Message
from portal.models import IdempotencyKey
from reports.models import Report
from tests import factories
from tests.concurrency import needs_row_locks, run_together
from tests.conftest import api_as
from tests.reports.helpers import complete_data

pytestmark = pytest.mark.django_db


def _token_client(user) -> APIClient:
    client = APIClient()
    key = token_create(actor=user, user=user, name="test")[1]
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_a_retried_create_returns_the_first_answer_and_creates_one_draft(catalog):
    client = _token_client(factories.ExporterFactory())
    first = client.post(
        "/api/v1/reports/", complete_data(), format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    again = client.post(
        "/api/v1/reports/", complete_data(), format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Report.objects.count() == 1


def test_a_retried_submit_and_message_apply_once(catalog):
    exporter = factories.ExporterFactory()
    client = _token_client(exporter)
    report_id = client.post("/api/v1/reports/", complete_data(), format="json").json()["id"]
    submit = [
        client.post(
            f"/api/v1/reports/{report_id}/submit/", {}, format="json", HTTP_IDEMPOTENCY_KEY="s"
        )
        for _ in range(2)
    ]
    assert [r.status_code for r in submit] == [200, 200]
    assert submit[0].json()["reference"] == submit[1].json()["reference"]
    for _ in range(3):
        response = client.post(
            f"/api/v1/reports/{report_id}/messages/",
            {"kind": "question", "body": "一度だけ"},
            format="json",
            HTTP_IDEMPOTENCY_KEY="m",
        )
        assert response.status_code == 201
    assert Message.objects.filter(body="一度だけ").count() == 1


def test_without_a_key_each_post_is_its_own(catalog):
    client = api_as(factories.ExporterFactory())
    for _ in range(2):
        assert client.post("/api/v1/reports/", complete_data(), format="json").status_code == 201
    assert Report.objects.count() == 2


def test_the_same_key_for_another_request_is_refused(catalog):
    client = api_as(factories.ExporterFactory())
    client.post("/api/v1/reports/", complete_data(), format="json", HTTP_IDEMPOTENCY_KEY="k")
    other = client.post(
        "/api/v1/reports/",
        complete_data(counterparty_name="Other Co."),
        format="json",
        HTTP_IDEMPOTENCY_KEY="k",
    )
    assert other.status_code == 422
    assert "Idempotency-Key" in other.json()["detail"]
    assert Report.objects.count() == 1


def test_keys_belong_to_their_user(catalog):
    a, b = factories.ExporterFactory(), factories.ExporterFactory()
    for user in (a, b):
        response = api_as(user).post(
            "/api/v1/reports/", complete_data(), format="json", HTTP_IDEMPOTENCY_KEY="same"
        )
        assert response.status_code == 201
    assert set(Report.objects.values_list("organisation_id", flat=True)) == {
        a.organisation_id,
        b.organisation_id,
    }


def test_an_error_answer_is_replayed_too_and_a_key_still_in_flight_is_a_409(catalog):
    exporter = factories.ExporterFactory()
    client = api_as(exporter)
    bad = {"technology_summary": "x" * 5000}
    first = client.post("/api/v1/reports/", bad, format="json", HTTP_IDEMPOTENCY_KEY="bad")
    again = client.post("/api/v1/reports/", bad, format="json", HTTP_IDEMPOTENCY_KEY="bad")
    assert first.status_code == again.status_code == 400
    assert again.json() == first.json()
    IdempotencyKey.objects.create(
        user=exporter, key="busy", method="POST", path="/api/v1/reports/", fingerprint="f"
    )
    busy = client.post("/api/v1/reports/", {}, format="json", HTTP_IDEMPOTENCY_KEY="busy")
    assert busy.status_code == 409


@pytest.mark.parametrize("key", ["", "x" * 256, "tab\there"])
def test_a_malformed_key_is_a_400(key, catalog):
    client = api_as(factories.ExporterFactory())
    response = client.post(
        "/api/v1/reports/", complete_data(), format="json", HTTP_IDEMPOTENCY_KEY=key
    )
    assert response.status_code == 400
    assert not Report.objects.exists()


def test_old_keys_are_purged():
    import datetime

    from django.utils import timezone

    from portal.idempotency import idempotency_keys_purge

    user = factories.ExporterFactory()
    old = IdempotencyKey.objects.create(
        user=user, key="old", method="POST", path="/", fingerprint="f", status_code=201
    )
    IdempotencyKey.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=25)
    )
    IdempotencyKey.objects.create(
        user=user, key="new", method="POST", path="/", fingerprint="f", status_code=201
    )
    assert idempotency_keys_purge() == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]


def test_the_schema_documents_the_header_and_the_error_answers(client):
    schema = client.get("/api/v1/schema/?format=json").json()
    submit = schema["paths"]["/api/v1/reports/{id}/submit/"]["post"]
    assert any(p["name"] == "Idempotency-Key" for p in submit["parameters"])
    assert {"400", "401", "403", "404", "409", "422", "429"} <= set(submit["responses"])
    assert "Retry-After" in submit["responses"]["429"]["headers"]


@needs_row_locks
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_posts_with_one_key_create_one_report(catalog):
    exporter = factories.ExporterFactory()
    token = token_create(actor=exporter, user=exporter, name="test")[1]

    def post():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        return client.post(
            "/api/v1/reports/", complete_data(), format="json", HTTP_IDEMPOTENCY_KEY="race"
        ).status_code

    outcomes = run_together(post, post)
    assert sorted(outcomes) in ([201, 201], [201, 409]), outcomes
    assert Report.objects.count() == 1
