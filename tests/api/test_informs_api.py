import datetime

import pytest
from django.utils import timezone

from informs import services
from informs.models import Inform, InformStatus
from reports.models import Report, Status
from tests.conftest import api_as
from tests.informs.helpers import (  # noqa: F401 - fixtures
    make_report_under_dialogue,
    make_submitted_report,
    people,
    propose,
)

pytestmark = [pytest.mark.django_db]

BODY = {"grounds": "懸念が解消されなかった。", "licence_conditions": ["再移転の禁止", "年次報告"]}


def _propose_url(report) -> str:
    return f"/api/v1/reports/{report.pk}/informs/"


def _url(inform, action: str = "") -> str:
    return f"/api/v1/informs/{inform.pk}/" + (f"{action}/" if action else "")


def _proposed(people):
    report = make_report_under_dialogue(people.exporter, people.officer)
    return propose(report, people.officer)


def _issued(people):
    inform = _proposed(people)
    return services.inform_approve(actor=people.supervisor, inform_id=inform.pk)


# --- propose ------------------------------------------------------------------------------


def test_officer_proposes(people):
    report = make_report_under_dialogue(people.exporter, people.officer)
    response = api_as(people.officer).post(_propose_url(report), BODY, format="json")
    assert response.status_code == 201, response.data
    data = response.json()
    for field in (
        "id",
        "number",
        "report",
        "status",
        "grounds",
        "licence_conditions",
        "proposed_by",
        "approved_by",
        "issued_at",
        "legal_basis",
        "acknowledged_at",
        "return_reason",
        "report_reference",
    ):
        assert field in data
    assert data["status"] == "proposed" and data["number"] is None
    assert data["report"] == report.pk and data["report_reference"] == report.reference
    assert data["licence_conditions"] == BODY["licence_conditions"]
    assert data["proposed_by"] == people.officer.username and data["approved_by"] is None
    report.refresh_from_db()
    assert report.status == Status.INFORM_PROPOSED


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"grounds": "", "licence_conditions": []}, "grounds"),
        ({"licence_conditions": []}, "grounds"),
        ({"grounds": "g", "licence_conditions": ["ok", ""]}, "licence_conditions"),
        ({"grounds": "g", "licence_conditions": "one"}, "licence_conditions"),
    ],
)
def test_proposal_field_errors(people, body, field):
    report = make_report_under_dialogue(people.exporter, people.officer)
    response = api_as(people.officer).post(_propose_url(report), body, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_proposal_conditions_may_be_omitted(people):
    report = make_report_under_dialogue(people.exporter, people.officer)
    response = api_as(people.officer).post(_propose_url(report), {"grounds": "g"}, format="json")
    assert response.status_code == 201
    assert response.json()["licence_conditions"] == []


def test_proposal_in_the_wrong_state_is_409(people):
    report = make_submitted_report(people.exporter)
    response = api_as(people.officer).post(_propose_url(report), BODY, format="json")
    assert response.status_code == 409
    assert response.json()["status"] == "submitted"


def test_proposal_roles_and_scope(people, administrator):
    report = make_report_under_dialogue(people.exporter, people.officer)
    url = _propose_url(report)
    assert api_as(people.exporter).post(url, BODY, format="json").status_code == 403
    assert api_as(administrator).post(url, BODY, format="json").status_code == 403
    assert api_as(people.other_officer).post(url, BODY, format="json").status_code == 404
    assert not Inform.objects.exists()


# --- read ---------------------------------------------------------------------------------


def test_staff_read_a_proposal_the_exporter_gets_404(people):
    inform = _proposed(people)
    assert api_as(people.officer).get(_url(inform)).status_code == 200
    assert api_as(people.supervisor).get(_url(inform)).status_code == 200
    assert api_as(people.other_supervisor).get(_url(inform)).status_code == 404
    assert api_as(people.exporter).get(_url(inform)).status_code == 404
    assert api_as(people.exporter).get(_url(inform, "pdf")).status_code == 404
    listed = api_as(people.exporter).get(_propose_url(inform.report)).json()
    assert listed["count"] == 0


def test_exporter_reads_the_issued_inform_and_its_pdf(people):
    inform = _issued(people)
    response = api_as(people.exporter).get(_url(inform))
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "issued" and data["number"] == inform.number
    assert data["approved_by"] == people.supervisor.username
    assert data["issued_at"] and data["acknowledged_at"] is None
    pdf = api_as(people.exporter).get(_url(inform, "pdf"))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    pdf = api_as(people.exporter).get(_url(inform, "pdf"), HTTP_ACCEPT="application/pdf")
    assert pdf.status_code == 200
    assert api_as(people.other_exporter).get(_url(inform)).status_code == 404
    assert api_as(people.other_exporter).get(_url(inform, "pdf")).status_code == 404


def test_report_informs_list_shows_history_to_staff_and_issued_to_exporter(people):
    report = make_report_under_dialogue(people.exporter, people.officer)
    first = propose(report, people.officer)
    services.inform_return(actor=people.supervisor, inform_id=first.pk, reason="不十分")
    second = propose(report, people.officer)
    staff = api_as(people.officer).get(_propose_url(report)).json()
    assert [(i["id"], i["status"]) for i in staff["results"]] == [
        (first.pk, "returned"),
        (second.pk, "proposed"),
    ]
    assert staff["results"][0]["return_reason"] == "不十分"
    assert api_as(people.exporter).get(_propose_url(report)).json()["count"] == 0
    services.inform_approve(actor=people.supervisor, inform_id=second.pk)
    exporter = api_as(people.exporter).get(_propose_url(report)).json()
    assert [i["id"] for i in exporter["results"]] == [second.pk]
    assert api_as(people.other_exporter).get(_propose_url(report)).status_code == 404


# --- approve ------------------------------------------------------------------------------


def test_supervisor_approves(people):
    inform = _proposed(people)
    response = api_as(people.supervisor).post(_url(inform, "approve"), {}, format="json")
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "issued" and data["number"].startswith("INF-")
    assert data["approved_by"] == people.supervisor.username
    assert Report.objects.get(pk=inform.report_id).status == Status.INFORMED
    again = api_as(people.supervisor2).post(_url(inform, "approve"), {}, format="json")
    assert again.status_code == 409 and again.json()["status"] == "informed"


def test_four_eyes_proposer_gets_403(people):
    report = make_report_under_dialogue(people.exporter, people.officer)
    inform = propose(report, people.supervisor)
    response = api_as(people.supervisor).post(_url(inform, "approve"), {}, format="json")
    assert response.status_code == 403
    inform.refresh_from_db()
    assert inform.status == InformStatus.PROPOSED


def test_approve_roles_and_scope(people):
    inform = _proposed(people)
    url = _url(inform, "approve")
    assert api_as(people.officer).post(url, {}, format="json").status_code == 403
    assert api_as(people.exporter).post(url, {}, format="json").status_code == 403
    assert api_as(people.other_supervisor).post(url, {}, format="json").status_code == 404


def test_approve_after_the_deadline_is_409(people):
    inform = _proposed(people)
    Report.objects.filter(pk=inform.report_id).update(
        decision_due_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    response = api_as(people.supervisor).post(_url(inform, "approve"), {}, format="json")
    assert response.status_code == 409
    assert response.json()["status"] == "inform_proposed"


# --- return -------------------------------------------------------------------------------


def test_supervisor_returns(people):
    inform = _proposed(people)
    url = _url(inform, "return")
    response = api_as(people.supervisor).post(url, {"reason": ""}, format="json")
    assert response.status_code == 400 and "reason" in response.json()
    response = api_as(people.supervisor).post(url, {}, format="json")
    assert response.status_code == 400 and "reason" in response.json()
    assert api_as(people.officer).post(url, {"reason": "x"}, format="json").status_code == 403
    response = api_as(people.supervisor).post(url, {"reason": "根拠不足"}, format="json")
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "returned" and data["return_reason"] == "根拠不足"
    assert Report.objects.get(pk=inform.report_id).status == Status.UNDER_DIALOGUE
    again = api_as(people.supervisor2).post(url, {"reason": "x"}, format="json")
    assert again.status_code == 409 and again.json()["status"] == "under_dialogue"
    assert api_as(people.exporter).get(_url(inform)).status_code == 404


# --- acknowledge --------------------------------------------------------------------------


def test_exporter_acknowledges_once_and_staff_see_when(people):
    inform = _issued(people)
    url = _url(inform, "acknowledge")
    assert api_as(people.officer).post(url, {}, format="json").status_code == 403
    assert api_as(people.other_exporter).post(url, {}, format="json").status_code == 404
    response = api_as(people.exporter).post(url, {}, format="json")
    assert response.status_code == 200 and response.json()["acknowledged_at"]
    assert api_as(people.exporter).post(url, {}, format="json").status_code == 409
    staff = api_as(people.officer).get(_url(inform)).json()
    assert staff["acknowledged_at"] == response.json()["acknowledged_at"]
    assert staff["acknowledged_by"] == people.exporter.username


def test_acknowledging_a_proposal_is_404_for_the_exporter(people):
    inform = _proposed(people)
    response = api_as(people.exporter).post(_url(inform, "acknowledge"), {}, format="json")
    assert response.status_code == 404


def test_unauthenticated_is_401(people, api):
    inform = _issued(people)
    assert api.get(_url(inform)).status_code == 401
