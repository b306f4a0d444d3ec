"""403, 404 and 500: portal pages in the reader's language, JSON under /api/ (DEBUG=False)."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from tests.informs.helpers import make_report_under_dialogue, people, propose  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
ERROR_URLS = "tests.portal.error_urls"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def production_like(settings):
    # Django shows its debug pages instead of the handlers when DEBUG is on.
    settings.DEBUG = False


def _english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _templates(response) -> list[str]:
    return [t.name for t in response.templates]


# --- 403 ----------------------------------------------------------------------------------


def test_refusal_shows_the_services_reason_on_a_portal_page(client, settings, people):
    report = make_report_under_dialogue(people.exporter, people.officer)
    inform = propose(report, people.supervisor)
    client.force_login(people.supervisor)
    _english(client, settings)

    response = client.post(reverse("informs:approve", args=[inform.pk]))

    assert response.status_code == 403
    assert {"403.html", "base.html"} <= set(_templates(response))
    page = response.content.decode()
    assert "You cannot decide on your own proposal." in page
    assert 'class="site-header"' in page
    assert "Not permitted" in page
    assert f'href="{reverse("home")}"' in page


def test_refusal_is_in_japanese_by_default(client, people):
    report = make_report_under_dialogue(people.exporter, people.officer)
    inform = propose(report, people.supervisor)
    client.force_login(people.supervisor)

    response = client.post(reverse("informs:approve", args=[inform.pk]))

    assert response.status_code == 403
    page = response.content.decode()
    assert '<html lang="ja">' in page
    with translation.override("ja"):
        assert gettext("You cannot decide on your own proposal.") in page


def test_refusal_without_a_reason_gets_the_generic_sentence(client, settings, people):
    client.force_login(people.exporter)
    _english(client, settings)

    response = client.get(reverse("informs:supervisor"))

    assert response.status_code == 403
    assert "Your account is not permitted to do this." in response.content.decode()


# --- 404 ----------------------------------------------------------------------------------


def test_report_of_another_organisation_is_a_portal_404(client, settings, people):
    report = make_report_under_dialogue(people.exporter, people.officer)
    client.force_login(people.other_exporter)
    _english(client, settings)

    response = client.get(reverse("reports:detail", args=[report.pk]))

    assert response.status_code == 404
    assert {"404.html", "base.html"} <= set(_templates(response))
    page = response.content.decode()
    assert "Page not found" in page and 'class="site-header"' in page
    assert "No such report" not in page  # the developer's text stays out of the page


def test_unknown_page_offers_sign_in_to_a_visitor(client, settings):
    _english(client, settings)

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    page = response.content.decode()
    assert "Page not found" in page
    assert f'href="{reverse("login")}"' in page


# --- 500 ----------------------------------------------------------------------------------


@pytest.mark.urls(ERROR_URLS)
def test_server_error_page_is_self_contained(client, settings, django_assert_num_queries):
    client.raise_request_exception = False
    _english(client, settings)

    with django_assert_num_queries(0):
        response = client.get("/boom/")

    assert response.status_code == 500
    assert _templates(response) == ["500.html"]  # not base.html, no context processors
    page = response.content.decode()
    assert '<html lang="en">' in page
    assert "Server error" in page
    assert re.search(r'<link rel="stylesheet" href="[^"]*portal\.css">', page)
    assert response["X-Request-ID"] in page  # the reference to quote to the ministry


@pytest.mark.urls(ERROR_URLS)
def test_server_error_page_is_in_japanese_by_default(client):
    client.raise_request_exception = False

    response = client.get("/boom/")

    assert response.status_code == 500
    assert '<html lang="ja">' in response.content.decode()


# --- the API answers JSON -----------------------------------------------------------------


def test_unknown_api_url_is_json_404(client, settings):
    _english(client, settings)

    response = client.get("/api/v1/no-such-thing/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


@pytest.mark.urls(ERROR_URLS)
def test_api_refusal_outside_drf_is_json_403_with_the_reason(client):
    response = client.get("/api/v1/refuse/")

    assert response.status_code == 403
    assert response.json() == {"detail": "Only the reporting organisation can do this."}


@pytest.mark.urls(ERROR_URLS)
def test_api_server_error_is_json_500(client, settings):
    client.raise_request_exception = False
    _english(client, settings)

    response = client.get("/api/v1/boom/")

    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "A server error occurred."}


# --- under the production settings --------------------------------------------------------

_PROD_PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
from django.test.utils import override_settings
with override_settings(ROOT_URLCONF="tests.portal.error_urls"):
    client = Client(raise_request_exception=False)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    answers = {}
    for path in ("/boom/", "/api/v1/boom/", "/api/v1/no-such-thing/"):
        response = client.get(path, secure=True)
        answers[path] = [response.status_code, response["Content-Type"], response.content.decode()]
print(json.dumps(answers))
"""


def test_production_settings_answer_api_errors_in_json():
    # portal.settings.prod: DEBUG off, hashed static files (no manifest here, so the 500 page
    # must cope without one), HTTPS only.
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.prod",
        SECRET_KEY="x" * 20 + "-production-secret-key-0123456789abcdef-XYZ",
        ALLOWED_HOSTS="testserver",
        LOG_LEVEL="CRITICAL",
    )
    result = subprocess.run(
        [sys.executable, "-c", _PROD_PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout.strip().splitlines()[-1])

    status, content_type, body = answers["/api/v1/boom/"]
    assert (status, content_type) == (500, "application/json")
    assert json.loads(body) == {"detail": "A server error occurred."}
    status, content_type, body = answers["/api/v1/no-such-thing/"]
    assert (status, content_type) == (404, "application/json")
    assert json.loads(body) == {"detail": "Not found."}
    status, content_type, body = answers["/boom/"]
    assert status == 500 and content_type.startswith("text/html")
    assert "Server error" in body and "portal" in body and ".css" in body


@pytest.mark.django_db
def test_a_stale_form_gets_a_styled_page_that_says_what_to_do(settings):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = csrf_client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    body = response.content.decode()
    assert "security check failed" in body and "Open the page again" in body
