"""The API fuzzed from its own OpenAPI schema (schemathesis), as an exporter and as an officer:
no 5xx, every status documented, every body as the schema says. Bounded: a few examples per
operation (SCHEMATHESIS_EXAMPLES, default 10)."""

import os

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from apitokens.services import token_create
from tests.dialogue.helpers import make_people
from tests.reports.helpers import submitted_report

pytestmark = pytest.mark.fuzz

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "10"))
CHECKS = (
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
)


@pytest.fixture
def api_schema(db):
    # The WSGI handler closes "old" connections when a request starts and ends, and inside the
    # test's transaction that closes it for good (PostgreSQL). Django's test client turns this
    # off for its requests; do the same for the requests schemathesis sends.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", get_wsgi_application())
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture
def world(catalog, settings):
    """Real objects for the ids the fuzzer tries: reports 1… of the exporter's organisation."""
    settings.API_THROTTLE_RATES = dict.fromkeys(settings.API_THROTTLE_RATES, "100000/min")
    people = make_people(catalog)
    for _ in range(3):
        submitted_report(people.exporter)
    return people


def _headers(user) -> dict[str, str]:
    _token, key = token_create(actor=user, user=user, name="fuzz")
    return {"Authorization": f"Token {key}"}


FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


@schema.parametrize()
@FUZZ
def test_api_as_an_exporter(case, world):
    response = case.call(headers=_headers(world.exporter))
    case.validate_response(response, checks=CHECKS)


@schema.parametrize()
@FUZZ
def test_api_as_an_officer(case, world):
    response = case.call(headers=_headers(world.officer))
    case.validate_response(response, checks=CHECKS)
