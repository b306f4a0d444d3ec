import datetime

import pytest
from django.utils import timezone

from reports.models import Report
from tests import factories
from tests.conftest import api_as
from tests.reports.helpers import complete_data

pytestmark = pytest.mark.django_db


def as_json(data: dict) -> dict:
    out = dict(data)
    out["planned_contract_date"] = out["planned_contract_date"].isoformat()
    return out


def test_requires_credentials(api, catalog):
    assert api.get("/api/v1/reports/").status_code == 401
    assert api.post("/api/v1/screening/", {}, format="json").status_code == 401


def test_token_authentication(catalog):
    from rest_framework.test import APIClient

    from apitokens.services import token_create

    exporter = factories.ExporterFactory()
    _token, key = token_create(actor=exporter, user=exporter, name="test")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/reports/").status_code == 200


def test_screening_api(catalog, exporter):
    client = api_as(exporter)
    body = {
        "technology": "photoresist",
        "transaction_type": "licence_with_guidance",
        "destination_country": "CN",
        "goods_only": False,
        "publicly_known": False,
        "planned_contract_date": "2025-06-01",
    }
    response = client.post("/api/v1/screening/", body, format="json")
    assert response.status_code == 200
    assert response.json()["report_required"] is True
    response = client.post(
        "/api/v1/screening/", {**body, "destination_country": "US"}, format="json"
    )
    data = response.json()
    assert data["report_required"] is False
    assert [r["code"] for r in data["reasons"]] == ["DESTINATION_EXEMPT"]
    assert data["reasons"][0]["message"]
    for bad in (
        {"destination_country": "JP"},
        {"destination_country": "ZZ"},
        {"transaction_type": "gift"},
    ):
        response = client.post("/api/v1/screening/", {**body, **bad}, format="json")
        assert response.status_code == 400
        assert set(response.json()) == set(bad)


def test_create_patch_submit_flow(catalog, exporter):
    client = api_as(exporter)
    response = client.post("/api/v1/reports/", {"counterparty_name": "Partial"}, format="json")
    assert response.status_code == 201, response.content
    report_id = response.json()["id"]
    assert response.json()["status"] == "draft" and response.json()["reference"] is None
    response = client.patch(
        f"/api/v1/reports/{report_id}/", as_json(complete_data()), format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["technology"] == "mlcc"
    response = client.post(f"/api/v1/reports/{report_id}/submit/", {}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "submitted" and body["reference"].startswith("PR-")
    assert body["received_at"] and body["decision_due_at"].endswith("+09:00")
    # submit twice: 409 with the current status, one reference
    response = client.post(f"/api/v1/reports/{report_id}/submit/", {}, format="json")
    assert response.status_code == 409
    assert response.json()["status"] == "submitted" and response.json()["detail"]
    # PATCH after submit: 409
    response = client.patch(
        f"/api/v1/reports/{report_id}/", {"counterparty_name": "x"}, format="json"
    )
    assert response.status_code == 409
    assert (
        Report.objects.get(pk=report_id).counterparty_name == complete_data()["counterparty_name"]
    )
    history = client.get(f"/api/v1/reports/{report_id}/history/").json()["results"]
    assert history == [
        {
            "transition": "submit",
            "from_status": "draft",
            "to_status": "submitted",
            "actor": exporter.username,
            "at": history[0]["at"],
            "reason": "",
            "details": {},
        }
    ]


def test_submit_with_missing_fields_gives_field_errors(catalog, exporter):
    client = api_as(exporter)
    report_id = client.post("/api/v1/reports/", {}, format="json").json()["id"]
    response = client.post(f"/api/v1/reports/{report_id}/submit/", {}, format="json")
    assert response.status_code == 400
    errors = response.json()
    for field in ("technology", "counterparty_country", "provision_methods", "declaration"):
        assert field in errors
    assert Report.objects.get(pk=report_id).status == "draft"


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"counterparty_country": "JP"}, "counterparty_country"),
        ({"counterparty_country": "Narnia"}, "counterparty_country"),
        ({"ownership_percent": 150}, "ownership_percent"),
        ({"contact_email": "nope"}, "contact_email"),
        ({"technology_summary": "x" * 2001}, "technology_summary"),
        ({"provision_methods": ["carrier_pigeon"]}, "provision_methods"),
        ({"reference": "PR-2025-999999", "status": "informed"}, None),
    ],
)
def test_bad_input_is_refused(catalog, exporter, patch, field):
    client = api_as(exporter)
    report_id = client.post(
        "/api/v1/reports/", {"counterparty_name": "keep"}, format="json"
    ).json()["id"]
    response = client.patch(
        f"/api/v1/reports/{report_id}/", {**patch, "counterparty_name": "changed"}, format="json"
    )
    report = Report.objects.get(pk=report_id)
    if field is None:  # read-only fields are ignored, never written
        assert response.status_code == 200
        assert report.reference is None and report.status == "draft"
    else:
        assert response.status_code == 400
        assert field in response.json()
        assert report.counterparty_name == "keep"


def test_other_organisation_gets_404(catalog, exporter):
    report_id = (
        api_as(exporter)
        .post("/api/v1/reports/", as_json(complete_data()), format="json")
        .json()["id"]
    )
    stranger = api_as(factories.ExporterFactory())
    assert stranger.get(f"/api/v1/reports/{report_id}/").status_code == 404
    assert stranger.patch(f"/api/v1/reports/{report_id}/", {}, format="json").status_code == 404
    assert (
        stranger.post(f"/api/v1/reports/{report_id}/submit/", {}, format="json").status_code == 404
    )
    assert stranger.get(f"/api/v1/reports/{report_id}/pdf/").status_code == 404
    assert stranger.get("/api/v1/reports/").json()["count"] == 0


def test_officers_see_only_their_divisions_filed_reports(catalog, exporter):
    client = api_as(exporter)
    draft = client.post("/api/v1/reports/", as_json(complete_data()), format="json").json()["id"]
    filed = client.post("/api/v1/reports/", as_json(complete_data()), format="json").json()["id"]
    client.post(f"/api/v1/reports/{filed}/submit/", {}, format="json")
    officer = api_as(factories.OfficerFactory(division=catalog["elec"]))
    other = api_as(factories.OfficerFactory(division=catalog["mat"]))
    ids = [r["id"] for r in officer.get("/api/v1/reports/").json()["results"]]
    assert ids == [filed]
    assert officer.get(f"/api/v1/reports/{draft}/").status_code == 404
    assert other.get(f"/api/v1/reports/{filed}/").status_code == 404
    assert officer.post("/api/v1/reports/", {}, format="json").status_code == 403
    assert (
        officer.post(
            f"/api/v1/reports/{filed}/withdraw/", {"reason": "x"}, format="json"
        ).status_code
        == 403
    )
    admin = api_as(factories.AdministratorFactory())
    assert admin.get("/api/v1/reports/").status_code == 403


def test_list_filters_and_staff_order(catalog):
    exporter = factories.ExporterFactory()
    client = api_as(exporter)
    ids = []
    for tech, country in [("mlcc", "CN"), ("dielectric_film", "VN"), ("mlcc", "VN")]:
        rid = client.post(
            "/api/v1/reports/",
            as_json(complete_data(technology=tech, counterparty_country=country)),
            format="json",
        ).json()["id"]
        client.post(f"/api/v1/reports/{rid}/submit/", {}, format="json")
        ids.append(rid)
    # make the last one due first
    Report.objects.filter(pk=ids[2]).update(
        decision_due_at=timezone.now() + datetime.timedelta(days=2)
    )
    officer = api_as(factories.OfficerFactory(division=catalog["elec"]))
    results = officer.get("/api/v1/reports/").json()["results"]
    assert [r["id"] for r in results] == [ids[2], ids[0], ids[1]]
    assert {r["id"] for r in officer.get("/api/v1/reports/?technology=mlcc").json()["results"]} == {
        ids[0],
        ids[2],
    }
    assert {r["id"] for r in officer.get("/api/v1/reports/?country=VN").json()["results"]} == {
        ids[1],
        ids[2],
    }
    assert officer.get("/api/v1/reports/?status=draft").json()["count"] == 0
    assert exporter and client.get("/api/v1/reports/?status=submitted").json()["count"] == 3


def test_withdraw_and_amend_via_api(catalog, exporter):
    client = api_as(exporter)
    rid = client.post("/api/v1/reports/", as_json(complete_data()), format="json").json()["id"]
    client.post(f"/api/v1/reports/{rid}/submit/", {}, format="json")
    response = client.post(
        f"/api/v1/reports/{rid}/amend/",
        {"counterparty_address": "深圳市", "note": "住所変更"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["revision"] == 2
    revisions = client.get(f"/api/v1/reports/{rid}/revisions/").json()["results"]
    assert [r["number"] for r in revisions] == [1, 2]
    assert client.post(f"/api/v1/reports/{rid}/withdraw/", {}, format="json").status_code == 400
    response = client.post(f"/api/v1/reports/{rid}/withdraw/", {"reason": "中止"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    assert (
        client.post(
            f"/api/v1/reports/{rid}/withdraw/", {"reason": "again"}, format="json"
        ).status_code
        == 409
    )


def test_schema_and_docs_are_served(catalog, exporter):
    client = api_as(exporter)
    schema = client.get("/api/v1/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/reports/{id}/submit/" in schema.content
    assert client.get("/api/v1/docs/").status_code == 200
