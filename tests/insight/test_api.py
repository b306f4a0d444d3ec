"""GET /api/v1/statistics/: the page's figures as JSON, for supervisors and administrators."""

import pytest

from tests import factories
from tests.conftest import api_as

from .helpers import build_reports

pytestmark = pytest.mark.django_db

PERIOD = {"from_month": "2025-03", "to_month": "2025-04"}


@pytest.fixture
def world(catalog):
    return build_reports(catalog)


def test_the_figures_for_every_division(world):
    response = api_as(factories.AdministratorFactory()).get("/api/v1/statistics/", PERIOD)
    assert response.status_code == 200
    data = response.json()
    assert data["filters"] == {
        "from_month": "2025-03",
        "to_month": "2025-04",
        "division": None,
        "technology": None,
        "country": None,
    }
    s = data["summary"]
    assert (s["received"], s["decided"], s["due"], s["decided_within_30_days"]) == (7, 4, 5, 3)
    assert s["share_decided_within_30_days"] == pytest.approx(0.6)
    assert s["share_lapsed"] == pytest.approx(0.2)
    assert (s["late"], s["extensions"], s["extended_reports"]) == (1, 1, 1)
    assert s["median_days"] == pytest.approx(13.5)
    assert s["p90_days"] == pytest.approx(30.3)
    march, april = data["months"]
    assert march["month"] == "2025-03"
    assert march["outcomes"] == {
        "informed": 1,
        "closed_no_inform": 2,
        "not_subject": 0,
        "lapsed": 1,
        "withdrawn": 0,
        "open": 0,
    }
    assert march["p90_days"] == pytest.approx(32.2)
    assert april["late"] == 1
    outcomes = {o["outcome"]: o for o in data["outcomes"]}
    assert outcomes["closed_no_inform"]["median_days"] == 23
    assert outcomes["open"]["median_days"] is None
    assert [(t["code"], t["count"]) for t in data["technologies"]] == [
        ("mlcc", 6),
        ("carbon_fiber", 1),
    ]
    assert [(d["code"], d["count"]) for d in data["destinations"]] == [
        ("CN", 3),
        ("US", 2),
        ("KR", 1),
        ("TW", 1),
    ]


def test_consultations_and_compliance_cases(world):
    data = api_as(factories.AdministratorFactory()).get("/api/v1/statistics/", PERIOD).json()
    assert data["consultations"] == {
        "opened": 2,
        "followed_by_report": 1,
        "months": [
            {"month": "2025-03", "opened": 1, "followed_by_report": 1},
            {"month": "2025-04", "opened": 1, "followed_by_report": 0},
        ],
    }
    assert (data["compliance"]["recorded"], data["compliance"]["opened"]) == (2, 1)
    stages = {s["stage"]: s["count"] for s in data["compliance"]["stages"]}
    assert (stages["draft"], stages["opened"], stages["resolved"]) == (1, 1, 0)


def test_filters_by_division_code_technology_and_country(world):
    client = api_as(factories.AdministratorFactory())
    mat = client.get("/api/v1/statistics/", {**PERIOD, "division": "mat"}).json()
    assert mat["filters"]["division"] == "mat"
    assert mat["summary"]["received"] == 1
    us = client.get("/api/v1/statistics/", {**PERIOD, "country": "US"}).json()
    assert us["summary"]["received"] == 2
    fiber = client.get("/api/v1/statistics/", {**PERIOD, "technology": "carbon_fiber"}).json()
    assert fiber["summary"]["received"] == 1


def test_a_supervisor_gets_their_own_division(world, catalog):
    response = api_as(world["supervisor"]).get("/api/v1/statistics/", {**PERIOD, "division": "mat"})
    assert response.status_code == 200
    assert response.json()["filters"]["division"] == "elec"
    assert response.json()["summary"]["received"] == 6


def test_bad_filters_are_400_field_errors(world):
    client = api_as(factories.AdministratorFactory())
    response = client.get("/api/v1/statistics/", {"from_month": "2025-13"})
    assert response.status_code == 400
    assert list(response.json()) == ["from_month"]
    response = client.get("/api/v1/statistics/", {"division": "nowhere"})
    assert response.status_code == 400 and "division" in response.json()


def test_staff_only(world, api):
    assert api.get("/api/v1/statistics/").status_code == 401
    assert api_as(world["officer"]).get("/api/v1/statistics/").status_code == 403
    assert api_as(world["exporter"]).get("/api/v1/statistics/").status_code == 403


def test_documented_in_the_schema(db, api):
    schema = api.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/v1/statistics/"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {
        "from_month",
        "to_month",
        "division",
        "technology",
        "country",
    }
    ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    component = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert set(component["properties"]) == {
        "filters",
        "summary",
        "months",
        "outcomes",
        "technologies",
        "destinations",
        "consultations",
        "compliance",
    }
