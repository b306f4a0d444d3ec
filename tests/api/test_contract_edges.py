"""Edges of the contract: what the exporter may not learn, late decisions, odd input."""

import datetime

import pytest
import time_machine

from informs import services as inform_services
from portal.models import Notification
from reports.lifecycle import report_start_dialogue
from reports.models import Report
from tests import factories
from tests.conftest import api_as
from tests.reports.helpers import submitted_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(catalog):
    exporter = factories.ExporterFactory()
    return {
        "exporter": exporter,
        "officer": factories.OfficerFactory(division=catalog["elec"]),
        "supervisor": factories.SupervisorFactory(division=catalog["elec"]),
    }


def under_dialogue(cast):
    report = submitted_report(cast["exporter"])
    return report_start_dialogue(actor=cast["officer"], report_id=report.pk)


def test_exporter_learns_nothing_of_a_proposal_or_its_return(cast, client):
    report = under_dialogue(cast)
    inform = inform_services.inform_propose(
        actor=cast["officer"], report_id=report.pk, grounds="g", licence_conditions=[]
    )
    exporter_api = api_as(cast["exporter"])
    assert exporter_api.get(f"/api/v1/reports/{report.pk}/").json()["status"] == "under_dialogue"
    assert api_as(cast["officer"]).get(f"/api/v1/reports/{report.pk}/").json()["status"] == (
        "inform_proposed"
    )
    assert exporter_api.get("/api/v1/reports/?status=under_dialogue").json()["count"] == 1
    # Refusing a 409 here would tell them; an amendment goes through as under dialogue.
    response = exporter_api.post(
        f"/api/v1/reports/{report.pk}/amend/",
        {"counterparty_address": "上海市浦東新区2号", "note": "住所の訂正"},
        format="json",
    )
    assert response.status_code == 200 and response.json()["status"] == "under_dialogue"
    inform_services.inform_return(
        actor=cast["supervisor"], inform_id=inform.pk, reason="SECRET-RETURN-REASON"
    )
    history = exporter_api.get(f"/api/v1/reports/{report.pk}/history/").json()["results"]
    assert [h["transition"] for h in history] == ["submit", "start_dialogue"]
    client.force_login(cast["exporter"])
    page = client.get(f"/reports/{report.pk}/").content.decode()
    assert "SECRET-RETURN-REASON" not in page and "propose_inform" not in page
    staff = api_as(cast["officer"]).get(f"/api/v1/reports/{report.pk}/history/").json()
    assert [h["transition"] for h in staff["results"]][-2:] == ["propose_inform", "return_proposal"]


def test_no_decision_after_the_deadline(cast):
    report = under_dialogue(cast)
    after = report.decision_due_at + datetime.timedelta(hours=2)
    officer = api_as(cast["officer"])
    with time_machine.travel(after, tick=False):
        response = officer.post(
            f"/api/v1/reports/{report.pk}/conclude/",
            {"summary": "s", "agreed_measures": "m"},
            format="json",
        )
        assert response.status_code == 409
        assert response.json()["status"] == "under_dialogue"
        response = officer.post(
            f"/api/v1/reports/{report.pk}/informs/", {"grounds": "g"}, format="json"
        )
        assert response.status_code == 409
    assert Report.objects.get(pk=report.pk).status == "under_dialogue"


def test_extension_to_a_far_date_is_refused_not_a_crash(cast):
    report = submitted_report(cast["exporter"])
    response = api_as(cast["supervisor"]).post(
        f"/api/v1/reports/{report.pk}/extend-deadline/",
        {"new_due_date": "9999-12-31", "reason": "r"},
        format="json",
    )
    assert response.status_code == 400 and "new_due_date" in response.json()
    assert Report.objects.get(pk=report.pk).decision_due_at == report.decision_due_at


def test_pdf_answers_accept_application_pdf(cast):
    report = submitted_report(cast["exporter"])
    response = api_as(cast["exporter"]).get(
        f"/api/v1/reports/{report.pk}/pdf/", HTTP_ACCEPT="application/pdf"
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_patch_after_submit_is_409_whatever_the_body(cast):
    report = submitted_report(cast["exporter"])
    response = api_as(cast["exporter"]).patch(
        f"/api/v1/reports/{report.pk}/", {"ownership_percent": "abc"}, format="json"
    )
    assert response.status_code == 409 and response.json()["status"] == "submitted"


def test_list_item_errors_have_the_field_list_shape(cast):
    response = api_as(cast["exporter"]).post(
        "/api/v1/reports/", {"provision_methods": [1, "telepathy"]}, format="json"
    )
    assert response.status_code == 400
    messages = response.json()["provision_methods"]
    assert isinstance(messages, list) and all(isinstance(m, str) for m in messages)


def test_english_notifications_use_english_names(cast, django_capture_on_commit_callbacks):
    org = cast["exporter"].organisation
    with django_capture_on_commit_callbacks(execute=True):
        submitted_report(cast["exporter"])
    note = Notification.objects.get(verb="report.submitted", recipient=cast["officer"])
    assert org.name_en in note.body_en and org.name_ja not in note.body_en
    assert org.name_ja in note.body_ja
    assert "Multilayer ceramic capacitors" in note.body_en


def test_dialogue_records_cannot_be_deleted_in_django_admin(cast, client):
    from dialogue.models import Message
    from dialogue.services import message_post

    report = under_dialogue(cast)
    message = message_post(
        actor=cast["officer"], report_id=report.pk, kind="advice", body="keep me"
    )
    client.force_login(factories.AdministratorFactory(is_superuser=True))
    response = client.post(f"/django-admin/dialogue/message/{message.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert Message.objects.filter(pk=message.pk).exists()


def test_exporter_may_withdraw_while_a_proposal_waits_and_it_can_no_longer_be_issued(cast):
    report = under_dialogue(cast)
    inform = inform_services.inform_propose(
        actor=cast["officer"], report_id=report.pk, grounds="g", licence_conditions=[]
    )
    response = api_as(cast["exporter"]).post(
        f"/api/v1/reports/{report.pk}/withdraw/", {"reason": "契約中止"}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    refused = api_as(cast["supervisor"]).post(f"/api/v1/informs/{inform.pk}/approve/", {})
    assert refused.status_code == 409 and refused.json()["status"] == "withdrawn"
    inform.refresh_from_db()
    assert inform.number is None
