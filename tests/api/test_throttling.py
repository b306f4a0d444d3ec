"""Rate limits per user and per anonymous caller, reads and writes apart: 429 with Retry-After."""

import pytest

from tests import factories
from tests.conftest import api_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def low_rates(settings):
    settings.API_THROTTLE_RATES = {
        "user_read": "5/min",
        "user_write": "2/min",
        "anon_read": "3/min",
        "anon_write": "1/min",
    }


def test_reads_past_the_rate_answer_429_with_retry_after(low_rates, catalog):
    client = api_as(factories.ExporterFactory())
    answers = [client.get("/api/v1/technologies/").status_code for _ in range(6)]
    assert answers == [200] * 5 + [429]
    refused = client.get("/api/v1/technologies/")
    assert 0 < int(refused["Retry-After"]) <= 60
    assert refused.json()["detail"]


def test_writes_are_counted_apart_from_reads(low_rates, catalog):
    client = api_as(factories.ExporterFactory())
    body = {
        "technology": "mlcc",
        "transaction_type": "subsidiary_transfer",
        "destination_country": "CN",
        "goods_only": False,
        "publicly_known": False,
        "planned_contract_date": "2030-01-01",
    }
    writes = [client.post("/api/v1/screening/", body, format="json").status_code for _ in range(3)]
    assert writes == [200, 200, 429]
    assert client.get("/api/v1/technologies/").status_code == 200  # reads still allowed


def test_each_user_has_their_own_budget(low_rates, catalog):
    first, second = api_as(factories.ExporterFactory()), api_as(factories.ExporterFactory())
    for _ in range(5):
        first.get("/api/v1/technologies/")
    assert first.get("/api/v1/technologies/").status_code == 429
    assert second.get("/api/v1/technologies/").status_code == 200


def test_anonymous_callers_are_limited_too(low_rates, api):
    # The schema is the one API resource open to anyone.
    answers = [api.get("/api/v1/schema/").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]


def test_default_rates_let_a_burst_of_filing_through(settings):
    assert settings.API_THROTTLE_RATES["user_read"] == "600/min"
    assert settings.API_THROTTLE_RATES["user_write"] == "120/min"
