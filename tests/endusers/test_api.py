"""The API: matches, adjudication, precedents, list versions; and the schema lists them."""

import pytest

from endusers import tasks
from endusers.models import Match
from portal.models import AuditRecord
from reports import lifecycle
from tests.conftest import api_as
from tests.reports.helpers import submitted_report

from .helpers import apply_list, sample_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def matched(people, administrator):
    apply_list(administrator, sample_bytes())
    report = submitted_report(people.exporter)
    tasks.sweep_unscreened()
    return report, Match.objects.get(report=report)


def test_matches_for_the_division(people, matched):
    report, match = matched
    response = api_as(people.officer).get(f"/api/v1/reports/{report.pk}/end-user-matches/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    [row] = body["results"]
    assert row["id"] == match.pk and row["list_version"] == 1
    assert row["entry"]["name"] == "Shanghai Demo Electronics Co.，Ltd."
    assert row["entry"]["country"] == "CN"
    assert row["score"] == 100.0 and row["decision"] == "pending"
    # Exporters never; another division cannot see the report at all.
    assert (
        api_as(people.exporter).get(f"/api/v1/reports/{report.pk}/end-user-matches/").status_code
        == 403
    )
    assert (
        api_as(people.other_officer)
        .get(f"/api/v1/reports/{report.pk}/end-user-matches/")
        .status_code
        == 404
    )


def test_adjudicate(people, matched):
    _report, match = matched
    url = f"/api/v1/end-user-matches/{match.pk}/adjudicate/"
    assert api_as(people.officer).post(
        url, {"decision": "perhaps", "reason": ""}, format="json"
    ).json().keys() == {
        "decision",
        "reason",
    }
    assert (
        api_as(people.exporter)
        .post(url, {"decision": "false_match", "reason": "x"}, format="json")
        .status_code
        == 403
    )
    assert (
        api_as(people.other_officer)
        .post(url, {"decision": "false_match", "reason": "x"}, format="json")
        .status_code
        == 404
    )
    response = api_as(people.supervisor).post(
        url,
        {"decision": "false_match", "reason": "Different company, same district."},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["decision"] == "false_match"
    assert response.json()["adjudicated_by"] == people.supervisor.username
    again = api_as(people.officer).post(
        url, {"decision": "true_match", "reason": "x"}, format="json"
    )
    assert again.status_code == 409 and again.json()["status"] == "false_match"
    assert AuditRecord.objects.filter(verb="enduser.adjudicate").count() == 1


def test_precedents(people, matched):
    report, _match = matched
    decided = submitted_report(people.exporter)
    lifecycle.report_mark_not_subject(
        actor=people.officer, report_id=decided.pk, rule="GOODS_ONLY", reason="Goods only."
    )
    response = api_as(people.officer).get(
        f"/api/v1/reports/{report.pk}/precedents/?same_destination=true"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1 and body["next"] is None
    assert body["results"][0]["outcome"] == "not_subject"
    assert body["results"][0]["reference"] == decided.reference
    assert (
        api_as(people.officer).get(f"/api/v1/reports/{report.pk}/precedents/?page=x").status_code
        == 400
    )
    assert (
        api_as(people.officer).get(f"/api/v1/reports/{report.pk}/precedents/?page=2").status_code
        == 404
    )
    assert (
        api_as(people.exporter).get(f"/api/v1/reports/{report.pk}/precedents/").status_code == 403
    )
    assert (
        api_as(people.other_officer).get(f"/api/v1/reports/{report.pk}/precedents/").status_code
        == 404
    )


def test_versions_for_administrators(people, administrator, matched):
    response = api_as(administrator).get("/api/v1/end-user-list/versions/")
    assert response.status_code == 200
    [version] = response.json()["results"]
    assert (
        version["number"] == 1 and version["status"] == "applied" and version["entry_count"] == 12
    )
    assert version["uploaded_by"] == administrator.username
    for user in (people.exporter, people.officer, people.supervisor):
        assert api_as(user).get("/api/v1/end-user-list/versions/").status_code == 403


def test_the_schema_lists_the_routes(api, administrator):
    api.force_authenticate(administrator)
    schema = api.get("/api/v1/schema/?format=json").json()
    for path in (
        "/api/v1/reports/{id}/end-user-matches/",
        "/api/v1/end-user-matches/{id}/adjudicate/",
        "/api/v1/reports/{id}/precedents/",
        "/api/v1/end-user-list/versions/",
    ):
        assert path in schema["paths"], path
