"""The compliance case API: every action, actor and refusal, and 404 outside one's own."""

import datetime

import pytest
from django.urls import reverse

from compliance import services
from compliance.lifecycle import CaseStatus
from compliance.models import ComplianceCase
from tests.conftest import api_as

from .helpers import (
    draft_case,
    evidence,
    guided_case,
    issued_case,
    late_report,
    opened_case,
    proposed_case,
    today,
)

pytestmark = pytest.mark.django_db


def url(name: str, case=None, **kwargs) -> str:
    if case is None:
        return reverse(f"compliance-api-{name}", kwargs=kwargs)
    return reverse(f"compliance-api-{name}", kwargs={"pk": case.pk, **kwargs})


def later(days: int) -> str:
    return (today() + datetime.timedelta(days=days)).isoformat()


def test_an_officer_creates_a_case_from_a_late_report_and_exporters_may_not(people):
    report = late_report(people.exporter)
    body = {"report": report.pk, "transfer_date": today().isoformat(), "facts": "契約後の報告"}
    assert api_as(people.exporter).post(url("cases"), body, format="json").status_code == 403
    assert api_as(people.other_officer).post(url("cases"), body, format="json").status_code == 404
    response = api_as(people.officer).post(url("cases"), body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["status"] == "draft" and data["report"] == report.pk
    assert data["report_reference"] == report.reference and data["technology"] == "mlcc"
    assert "open" in data["available_actions"]


def test_a_standalone_case_by_technology_code_and_field_errors(people):
    officer = api_as(people.officer)
    bad = officer.post(
        url("cases"),
        {"technology": "carbon_fiber", "transfer_date": later(3), "facts": ""},
        format="json",
    )
    assert bad.status_code == 400
    assert set(bad.json()) == {"organisation", "technology", "transfer_date", "facts"}
    good = officer.post(
        url("cases"),
        {
            "organisation": people.exporter.organisation_id,
            "technology": "mlcc",
            "transfer_date": today().isoformat(),
            "facts": "税関情報",
        },
        format="json",
    )
    assert (
        good.status_code == 201 and good.json()["organisation"] == people.exporter.organisation_id
    )


def test_the_organisation_sees_its_opened_cases_only_and_others_get_404(people):
    draft = draft_case(people.officer, people.exporter)
    opened = opened_case(people.officer, people.exporter)
    other = opened_case(people.officer, people.other_exporter)
    listing = api_as(people.exporter).get(url("cases")).json()
    assert set(listing) == {"count", "next", "previous", "results"}
    assert [c["id"] for c in listing["results"]] == [opened.pk]
    for case in (draft, other):
        for name in ("case", "history", "messages", "attachments"):
            assert api_as(people.exporter).get(url(name, case)).status_code == 404, name
    for name in ("case", "history", "messages"):
        assert api_as(people.other_officer).get(url(name, opened)).status_code == 404
    staff = api_as(people.officer).get(url("cases")).json()
    assert {c["id"] for c in staff["results"]} == {draft.pk, opened.pk, other.pk}
    assert api_as(people.officer).get(url("cases") + "?status=draft").json()["count"] == 1


def test_open_then_guidance_with_409_bodies_and_400_field_errors(people):
    case = draft_case(people.officer, people.exporter)
    officer = api_as(people.officer)
    guidance = {"measures": "規程の整備", "answer_due": later(10)}
    early = officer.post(url("issue-guidance", case), guidance, format="json")
    assert early.status_code == 409 and early.json()["status"] == "draft"
    assert set(early.json()) == {"detail", "status"}
    assert api_as(people.exporter).post(url("open", case), {}, format="json").status_code == 404
    assert officer.post(url("open", case), {}, format="json").json()["status"] == "opened"
    again = officer.post(url("open", case), {}, format="json")
    assert again.status_code == 409 and again.json()["status"] == "opened"
    assert (
        api_as(people.exporter).post(url("issue-guidance", case), guidance, format="json")
    ).status_code == 403
    bad = officer.post(
        url("issue-guidance", case),
        {"measures": "", "answer_due": today().isoformat()},
        format="json",
    )
    assert bad.status_code == 400 and set(bad.json()) == {"measures", "answer_due"}
    done = officer.post(url("issue-guidance", case), guidance, format="json")
    assert done.status_code == 200 and done.json()["status"] == "guidance_issued"
    assert "第55条の8" in done.json()["guidance_legal_basis"]


def test_four_eyes_on_the_order_over_the_api(people):
    case = proposed_case(people.supervisor, people.exporter)
    own = api_as(people.supervisor).post(url("approve-order", case), {}, format="json")
    assert own.status_code == 403
    assert (
        api_as(people.officer).post(url("approve-order", case), {}, format="json").status_code
        == 403
    )
    assert (
        api_as(people.other_supervisor).post(url("approve-order", case), {}, format="json")
    ).status_code == 404
    assert (
        api_as(people.exporter).post(url("approve-order", case), {}, format="json").status_code
        == 403
    )
    done = api_as(people.supervisor2).post(url("approve-order", case), {}, format="json")
    assert done.status_code == 200
    assert done.json()["status"] == "order_issued"
    assert done.json()["order_number"] == f"IO-{today().year}-0001"
    assert done.json()["order_approved_by"] == people.supervisor2.username
    again = api_as(people.supervisor2).post(url("approve-order", case), {}, format="json")
    assert again.status_code == 409 and again.json()["status"] == "order_issued"


def test_the_company_never_sees_a_pending_proposal(people):
    case = proposed_case(people.officer, people.exporter)
    data = api_as(people.exporter).get(url("case", case)).json()
    assert data["status"] == "guidance_issued"
    assert data["order_measures"] == "" and data["order_proposed_by"] is None
    assert data["order_compliance_due"] is None and data["order_legal_basis"] == ""
    assert data["available_actions"] == ["discuss"]
    staff = api_as(people.officer).get(url("case", case)).json()
    assert staff["status"] == "order_proposed" and staff["order_measures"]
    refused = api_as(people.exporter).post(url("acknowledge-order", case), {}, format="json")
    assert refused.status_code == 409 and refused.json()["status"] == "guidance_issued"
    history = api_as(people.exporter).get(url("history", case)).json()
    assert [row["transition"] for row in history] == ["open", "issue_guidance"]
    assert api_as(people.exporter).get(url("order-pdf", case)).status_code == 404
    pdf = api_as(people.officer).get(url("order-pdf", case))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_return_then_propose_again(people):
    case = proposed_case(people.officer, people.exporter)
    supervisor = api_as(people.supervisor)
    assert (
        supervisor.post(url("return-order", case), {"reason": ""}, format="json").status_code == 400
    )
    assert (
        api_as(people.officer).post(url("return-order", case), {"reason": "x"}, format="json")
    ).status_code == 403
    done = supervisor.post(url("return-order", case), {"reason": "具体化を"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "guidance_issued"
    history = api_as(people.officer).get(url("history", case)).json()
    assert history[-1]["transition"] == "return_order" and history[-1]["reason"] == "具体化を"
    proposal = {"measures": "具体的な改善", "compliance_due": later(20)}
    again = api_as(people.officer).post(url("propose-order", case), proposal, format="json")
    assert again.status_code == 200 and again.json()["status"] == "order_proposed"


def test_acknowledge_pdf_and_close(people):
    case = issued_case(people.officer, people.supervisor, people.exporter)
    assert (
        api_as(people.officer).post(url("acknowledge-order", case), {}, format="json")
    ).status_code == 403
    assert (
        api_as(people.other_exporter).post(url("acknowledge-order", case), {}, format="json")
    ).status_code == 404
    pdf = api_as(people.exporter).get(url("order-pdf", case))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    done = api_as(people.colleague).post(url("acknowledge-order", case), {}, format="json")
    assert (
        done.status_code == 200
        and done.json()["order_acknowledged_by"] == people.colleague.username
    )
    again = api_as(people.exporter).post(url("acknowledge-order", case), {}, format="json")
    assert again.status_code == 409 and again.json()["status"] == "order_acknowledged"
    officer = api_as(people.officer)
    bad = officer.post(url("close", case), {"outcome": "pardoned", "summary": ""}, format="json")
    assert bad.status_code == 400 and set(bad.json()) == {"outcome"}
    closed = officer.post(
        url("close", case), {"outcome": "referred", "summary": "命令違反"}, format="json"
    )
    assert closed.status_code == 200 and closed.json()["status"] == "referred"
    late = officer.post(url("close", case), {"outcome": "resolved", "summary": "x"}, format="json")
    assert late.status_code == 409 and late.json()["status"] == "referred"


def test_messages_and_evidence_over_the_api(people, settings):
    case = guided_case(people.officer, people.exporter)
    company = api_as(people.exporter)
    note = api_as(people.officer).post(
        url("messages", case), {"kind": "internal_note", "body": "内部メモ"}, format="json"
    )
    assert note.status_code == 201
    refused = company.post(
        url("messages", case), {"kind": "internal_note", "body": "x"}, format="json"
    )
    assert refused.status_code == 403
    posted = company.post(url("messages", case), {"kind": "answer", "body": "回答"}, format="json")
    assert posted.status_code == 201 and posted.json()["kind"] == "answer"
    thread = company.get(url("messages", case)).json()
    assert [m["body"] for m in thread["results"]] == ["回答"]
    assert api_as(people.officer).get(url("case", case)).json()["guidance_answered_at"]
    uploaded = company.post(url("attachments", case), {"file": evidence()}, format="multipart")
    assert uploaded.status_code == 201, uploaded.json()
    download = uploaded.json()["download_url"]
    assert company.get(download).status_code == 200
    assert api_as(people.officer).get(download).status_code == 200
    assert api_as(people.other_exporter).get(download).status_code == 404
    settings.ATTACHMENT_MAX_BYTES = 10
    too_large = company.post(url("attachments", case), {"file": evidence()}, format="multipart")
    assert too_large.status_code == 413
    assert ComplianceCase.objects.get(pk=case.pk).thread.attachments.count() == 1


def test_a_closed_case_refuses_messages_with_409(people):
    case = opened_case(people.officer, people.exporter)
    api_as(people.officer).post(
        url("close", case), {"outcome": "resolved", "summary": "事実誤認"}, format="json"
    )
    response = api_as(people.exporter).post(
        url("messages", case), {"kind": "question", "body": "x"}, format="json"
    )
    assert response.status_code == 409 and response.json()["status"] == CaseStatus.RESOLVED


def test_the_schema_documents_the_compliance_endpoints(people):
    schema = api_as(people.officer).get("/api/v1/schema/?format=json").json()
    paths = schema["paths"]
    for path in (
        "/api/v1/compliance-cases/",
        "/api/v1/compliance-cases/{id}/",
        "/api/v1/compliance-cases/{id}/open/",
        "/api/v1/compliance-cases/{id}/issue-guidance/",
        "/api/v1/compliance-cases/{id}/propose-order/",
        "/api/v1/compliance-cases/{id}/approve-order/",
        "/api/v1/compliance-cases/{id}/return-order/",
        "/api/v1/compliance-cases/{id}/acknowledge-order/",
        "/api/v1/compliance-cases/{id}/close/",
        "/api/v1/compliance-cases/{id}/order/pdf/",
        "/api/v1/compliance-cases/{id}/messages/",
        "/api/v1/compliance-cases/{id}/attachments/",
        "/api/v1/compliance-cases/{id}/history/",
    ):
        assert path in paths, path
    assert "409" in paths["/api/v1/compliance-cases/{id}/approve-order/"]["post"]["responses"]


def test_evidence_goes_with_the_callers_own_answer_and_nobody_elses(people):
    case = guided_case(people.officer, people.exporter)
    company = api_as(people.exporter)
    answer = company.post(url("messages", case), {"kind": "answer", "body": "回答"}, format="json")
    answer_id = answer.json()["id"]
    note = api_as(people.officer).post(
        url("messages", case), {"kind": "internal_note", "body": "内部メモ"}, format="json"
    )
    files = ComplianceCase.objects.get(pk=case.pk).thread.attachments
    # Another's message (the officer's internal note), a colleague's answer, a malformed id:
    # 400 on `message`, and nothing stored.
    for who, message in (
        (company, note.json()["id"]),
        (api_as(people.colleague), answer_id),
        (company, "abc"),
    ):
        refused = who.post(
            url("attachments", case), {"file": evidence(), "message": message}, format="multipart"
        )
        assert refused.status_code == 400 and "message" in refused.json()
    assert files.count() == 0
    uploaded = company.post(
        url("attachments", case), {"file": evidence(), "message": answer_id}, format="multipart"
    )
    assert uploaded.status_code == 201 and uploaded.json()["message"] == answer_id
    thread = company.get(url("messages", case)).json()["results"]
    assert [a["name"] for a in thread[0]["attachments"]] == ["evidence.pdf"]


def test_a_draft_takes_a_file_on_the_officers_internal_note_only(people):
    case = draft_case(people.officer, people.exporter)
    officer = api_as(people.officer)
    loose = officer.post(url("attachments", case), {"file": evidence()}, format="multipart")
    assert loose.status_code == 400
    note = officer.post(
        url("messages", case), {"kind": "internal_note", "body": "調査メモ"}, format="json"
    )
    uploaded = officer.post(
        url("attachments", case),
        {"file": evidence(), "message": note.json()["id"]},
        format="multipart",
    )
    assert uploaded.status_code == 201
    services.case_open(actor=people.officer, case_id=case.pk)
    listed = api_as(people.exporter).get(url("attachments", case)).json()
    assert listed == []


def test_discarding_a_draft_over_the_api(people):
    case = draft_case(people.officer, people.exporter)
    assert api_as(people.exporter).post(url("discard", case), {"reason": "x"}).status_code == 404
    blank = api_as(people.officer).post(url("discard", case), {"reason": ""}, format="json")
    assert blank.status_code == 400 and "reason" in blank.json()
    done = api_as(people.officer).post(url("discard", case), {"reason": "誤り"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "discarded"
    again = api_as(people.officer).post(url("discard", case), {"reason": "誤り"}, format="json")
    assert again.status_code == 409 and again.json()["status"] == "discarded"
    opened = opened_case(people.officer, people.exporter)
    refused = api_as(people.officer).post(url("discard", opened), {"reason": "誤り"}, format="json")
    assert refused.status_code == 409 and refused.json()["status"] == "opened"
