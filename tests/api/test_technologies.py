import pytest
import time_machine
from django.urls import reverse

from catalog.models import Technology
from portal.models import AuditRecord
from tests import factories
from tests.catalog.helpers import jst, technology_data
from tests.conftest import api_as

pytestmark = pytest.mark.usefixtures("catalog")

URL = "/api/v1/technologies/"


def codes(response):
    return {row["code"] for row in response.json()["results"]}


def test_the_url_is_the_contracts():
    assert reverse("api-technologies") == URL


def test_401_without_credentials(api):
    assert api.get(URL).status_code == 401
    assert api.post(URL, {}, format="json").status_code == 401


@pytest.mark.parametrize(
    "make_user",
    [
        factories.ExporterFactory,
        factories.OfficerFactory,
        factories.SupervisorFactory,
        factories.AdministratorFactory,
    ],
)
def test_any_authenticated_user_lists_the_ten_in_force_on_2025_06_01(make_user):
    response = api_as(make_user()).get(URL, {"on": "2025-06-01"})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 10 and len(codes(response)) == 10
    mlcc = next(row for row in body["results"] if row["code"] == "mlcc")
    assert {
        "code": "mlcc",
        "name_ja": "積層セラミックコンデンサ（MLCC）",
        "name_en": "Multilayer ceramic capacitors (MLCC)",
        "category": "electronic_components",
        "effective_from": "2024-12-30",
        "effective_to": None,
    }.items() <= mlcc.items()
    assert mlcc["division"] == "elec"


def test_none_in_force_on_2024_11_01(exporter):
    response = api_as(exporter).get(URL, {"on": "2024-11-01"})
    assert response.status_code == 200
    assert response.json()["count"] == 0 and response.json()["results"] == []


def test_without_on_the_list_is_for_today_in_japan(exporter):
    client = api_as(exporter)
    # 2024-12-29 23:30 JST is still the day before the technologies come into force.
    with time_machine.travel(jst(2024, 12, 29, 23, 30), tick=False):
        assert client.get(URL).json()["count"] == 0
    with time_machine.travel(jst(2024, 12, 30, 0, 0), tick=False):
        assert client.get(URL).json()["count"] == 10


@pytest.mark.parametrize("bad", ["2025-13-01", "yesterday", "01/06/2025", "2025-02-30"])
def test_a_malformed_on_is_a_400_on_the_field(exporter, bad):
    response = api_as(exporter).get(URL, {"on": bad})
    assert response.status_code == 400
    body = response.json()
    assert list(body) == ["on"] and isinstance(body["on"], list) and body["on"][0]


def test_an_added_technology_is_offered_from_its_date_and_not_before(exporter):
    client = api_as(exporter)
    admin = api_as(factories.AdministratorFactory())
    data = technology_data()
    data["division"] = "elec"
    data["effective_from"] = "2026-04-01"
    with time_machine.travel(jst(2026, 3, 1), tick=False):
        created = admin.post(URL, data, format="json")
        assert created.status_code == 201, created.json()
        assert created.json()["code"] == "power_semiconductor"
        assert "power_semiconductor" not in codes(client.get(URL))
    assert "power_semiconductor" not in codes(client.get(URL, {"on": "2026-03-31"}))
    assert "power_semiconductor" in codes(client.get(URL, {"on": "2026-04-01"}))
    with time_machine.travel(jst(2026, 4, 1, 0, 0), tick=False):
        response = client.get(URL)
        assert response.json()["count"] == 11
        assert "power_semiconductor" in codes(response)


@pytest.mark.parametrize(
    "make_user", [factories.ExporterFactory, factories.OfficerFactory, factories.SupervisorFactory]
)
def test_post_is_for_administrators_only(make_user):
    data = technology_data()
    data["division"] = "elec"
    with time_machine.travel(jst(2026, 3, 1), tick=False):
        response = api_as(make_user()).post(URL, data, format="json")
    assert response.status_code == 403
    assert not Technology.objects.filter(code="power_semiconductor").exists()


def test_post_refuses_a_duplicate_code_and_a_reversed_period():
    admin = api_as(factories.AdministratorFactory())
    with time_machine.travel(jst(2026, 3, 1), tick=False):
        duplicate = technology_data(code="mlcc", division="elec", effective_from="2027-01-01")
        response = admin.post(URL, duplicate, format="json")
        assert response.status_code == 400
        assert "すでに登録されています" in response.json()["code"][0]
        reversed_period = technology_data(
            division="elec", effective_from="2026-05-01", effective_to="2026-04-30"
        )
        response = admin.post(URL, reversed_period, format="json")
        assert response.status_code == 400 and "effective_to" in response.json()
    assert Technology.objects.count() == 10
    assert not AuditRecord.objects.exists()
