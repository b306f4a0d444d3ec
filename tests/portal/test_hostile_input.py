"""Hostile input gets a clear 400 (or 413), never a 500, and changes nothing."""

import json
import uuid

import pytest
from django.urls import reverse

from portal.models import Notification
from reports.models import Report
from tests import factories
from tests.conftest import api_as
from tests.reports.helpers import complete_data

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/reports/?status=%00",
        "/api/v1/reports/?technology=mlcc%00",
        "/api/v1/reports/?country=%00CN",
        "/api/v1/reports/?page=1%00",
        "/api/v1/technologies/?on=%00",
    ],
)
def test_nul_in_an_api_filter_is_a_400_in_json(url):
    response = api_as(factories.ExporterFactory()).get(url)
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]


@pytest.mark.parametrize(
    "url", ["/audit/?verb=%00", "/audit/?target_type=%00", "/dialogue/queue/?q=%00", "/%00/"]
)
def test_nul_in_a_page_query_is_a_400(client, url):
    client.force_login(factories.AdministratorFactory())
    response = client.get(url)
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


def test_nul_in_a_form_field_is_a_400_and_saves_nothing(client, catalog):
    exporter = factories.ExporterFactory()
    client.force_login(exporter)
    response = client.post(reverse("reports:create"), {"counterparty_name": "Evil\x00Corp"})
    assert response.status_code == 400
    assert not Report.objects.exists()


def test_nul_in_a_json_body_is_a_400_and_saves_nothing(catalog):
    client = api_as(factories.ExporterFactory())
    response = client.post(
        "/api/v1/reports/", {**complete_data(), "counterparty_name": "A\x00B"}, format="json"
    )
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]
    assert not Report.objects.exists()


def test_json_nested_5000_levels_is_a_400():
    client = api_as(factories.ExporterFactory())
    body = "[" * 5000 + "]" * 5000
    response = client.post("/api/v1/screening/", body, content_type="application/json")
    assert response.status_code == 400
    assert "32" in response.json()["detail"]  # the depth limit, named


def test_json_nesting_inside_strings_does_not_count(catalog):
    client = api_as(factories.ExporterFactory())
    data = complete_data(management_measures="[[[[" * 100)
    response = client.post("/api/v1/reports/", data, format="json")
    assert response.status_code == 201, response.content


def test_oversized_json_is_a_413(settings):
    client = api_as(factories.ExporterFactory())
    body = json.dumps({"technology": "x" * (settings.API_JSON_MAX_BYTES + 10)})
    response = client.post("/api/v1/screening/", body, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["detail"]


@pytest.mark.parametrize("bad_id", ["not-a-uuid", "1", "' OR 1=1 --", ""])
def test_malformed_notification_id_is_a_400_and_marks_nothing(client, bad_id):
    user = factories.ExporterFactory()
    n = Notification.objects.create(recipient=user, verb="t", title_ja="t", title_en="t")
    client.force_login(user)
    response = client.post(reverse("notifications_read"), {"id": [str(n.pk), bad_id]})
    assert response.status_code == 400
    n.refresh_from_db()
    assert n.read_at is None


def test_wellformed_unknown_notification_id_marks_nothing(client):
    user = factories.ExporterFactory()
    n = Notification.objects.create(recipient=user, verb="t", title_ja="t", title_en="t")
    client.force_login(user)
    response = client.post(reverse("notifications_read"), {"id": [str(uuid.uuid4())]})
    assert response.status_code == 302
    n.refresh_from_db()
    assert n.read_at is None
