"""The consultations API: each route as the company, its division, and everyone else."""

import pytest
from django.urls import reverse

from consultations import services
from consultations.models import Consultation
from reports.models import Report
from tests.conftest import api_as
from tests.dialogue.helpers import PDF_BYTES, PE_BYTES, upload
from tests.reports.helpers import submitted_report

from .helpers import closed_consultation, open_consultation

pytestmark = pytest.mark.django_db

LIST = "/api/v1/consultations/"


def url(c, tail=""):
    return f"{LIST}{c.pk}/{tail}"


def test_a_company_opens_a_consultation_and_reads_it_back(people):
    client = api_as(people.exporter)
    response = client.post(
        LIST,
        {
            "subject": "MLCCの合弁会社への供与",
            "description": "合弁会社に製造ノウハウを提供したい。",
            "technology": None,
            "counterparty_country": "vn",
            "planned_contract_date": "2027-04-01",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "open" and body["technology"] is None
    assert body["division"] == "desk" and body["counterparty_country"] == "VN"
    assert body["reference"].startswith("CS-") and body["reports"] == []
    assert body["awaiting_reply_since"] is not None
    got = client.get(f"{LIST}{body['id']}/")
    assert got.status_code == 200 and got.json()["subject"] == "MLCCの合弁会社への供与"


def test_field_errors_are_400_and_officers_may_not_open(people):
    client = api_as(people.exporter)
    response = client.post(
        LIST, {"subject": "", "description": "d", "technology": "nonsense"}, format="json"
    )
    assert response.status_code == 400 and "subject" in response.json()
    response = client.post(LIST, {"subject": "s", "description": "d", "technology": "nonsense"})
    assert response.status_code == 400 and "technology" in response.json()
    officer = api_as(people.officer).post(LIST, {"subject": "s", "description": "d"}, format="json")
    assert officer.status_code == 403
    assert not Consultation.objects.exists()


def test_lists_are_scoped_and_ordered(people):
    first = open_consultation(people.exporter, subject="一件目")
    second = open_consultation(people.exporter, subject="二件目")
    theirs = open_consultation(people.other_exporter, subject="他社")
    api_as(people.officer).post(url(second, "messages/"), {"kind": "advice", "body": "回答"})
    mine = api_as(people.exporter).get(LIST).json()
    assert [r["id"] for r in mine["results"]] == [second.pk, first.pk]
    staff = api_as(people.officer).get(LIST).json()
    assert [r["id"] for r in staff["results"]] == [theirs.pk, second.pk, first.pk]
    waiting = api_as(people.officer).get(LIST + "?status=open").json()
    # Those still waiting, the longest first, then the answered one.
    assert [r["id"] for r in waiting["results"]] == [first.pk, theirs.pk, second.pk]
    assert api_as(people.other_officer).get(LIST).json()["count"] == 0
    assert api_as(people.other_exporter).get(LIST).json()["count"] == 1
    assert api_as(people.exporter).get(LIST + "?status=closed").json()["count"] == 0
    assert api_as(people.exporter).get(LIST + "?status=nonsense").status_code == 400
    assert api_as(people.administrator).get(LIST).status_code == 403


def test_messages_and_internal_notes(people):
    c = open_consultation(people.exporter)
    officer, company = api_as(people.officer), api_as(people.exporter)
    assert (
        officer.post(url(c, "messages/"), {"kind": "internal_note", "body": "メモ"}).status_code
        == 201
    )
    posted = company.post(url(c, "messages/"), {"kind": "question", "body": "質問"})
    assert posted.status_code == 201 and posted.json()["author"] == people.exporter.username
    assert company.post(url(c, "messages/"), {"kind": "advice", "body": "x"}).status_code == 403
    assert company.post(url(c, "messages/"), {"kind": "question", "body": ""}).status_code == 400
    seen = [m["kind"] for m in company.get(url(c, "messages/")).json()["results"]]
    assert seen == ["question"]
    seen = [m["kind"] for m in officer.get(url(c, "messages/")).json()["results"]]
    assert seen == ["internal_note", "question"]


def test_attachments_content_checked_and_downloaded_with_access(people):
    c = open_consultation(people.exporter)
    company = api_as(people.exporter)
    bad = company.post(
        url(c, "attachments/"), {"file": upload("x.pdf", PE_BYTES)}, format="multipart"
    )
    assert bad.status_code == 400 and "file" in bad.json()
    good = company.post(
        url(c, "attachments/"), {"file": upload("p.pdf", PDF_BYTES)}, format="multipart"
    )
    assert good.status_code == 201
    download = good.json()["download_url"]
    assert download == url(c, f"attachments/{good.json()['id']}/")
    response = api_as(people.officer).get(download)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF_BYTES
    for person in (people.other_exporter, people.other_officer):
        assert api_as(person).get(download).status_code == 404
    listed = api_as(people.officer).get(url(c, "attachments/")).json()
    assert [a["name"] for a in listed] == ["p.pdf"]


def test_too_large_is_413(people, settings):
    settings.ATTACHMENT_MAX_BYTES = 10
    c = open_consultation(people.exporter)
    response = api_as(people.exporter).post(
        url(c, "attachments/"), {"file": upload("p.pdf", PDF_BYTES)}, format="multipart"
    )
    assert response.status_code == 413


def test_transfer_then_close_elsewhere(people):
    c = open_consultation(people.exporter)
    officer = api_as(people.officer)
    assert officer.post(url(c, "transfer/"), {"division": "mat"}).status_code == 400
    assert officer.post(url(c, "transfer/"), {"division": "elec", "reason": "r"}).status_code == 400
    assert officer.post(url(c, "transfer/"), {"division": "nope", "reason": "r"}).status_code == 400
    moved = officer.post(url(c, "transfer/"), {"division": "mat", "reason": "繊維の件"})
    assert moved.status_code == 200 and moved.json()["division"] == "mat"
    assert officer.get(url(c)).status_code == 404
    assert officer.post(url(c, "close/"), {"outcome": "other", "summary": "s"}).status_code == 404
    closed = api_as(people.other_officer).post(
        url(c, "close/"), {"outcome": "not_needed", "rule": "GOODS_ONLY", "summary": "貨物のみ"}
    )
    assert closed.status_code == 200
    assert (closed.json()["status"], closed.json()["outcome_rule"]) == ("closed", "GOODS_ONLY")
    again = api_as(people.other_officer).post(
        url(c, "close/"), {"outcome": "other", "summary": "s"}
    )
    assert again.status_code == 409 and again.json()["status"] == "closed"
    assert (
        api_as(people.other_officer)
        .post(url(c, "transfer/"), {"division": "elec", "reason": "r"})
        .status_code
        == 409
    )
    history = api_as(people.exporter).get(url(c, "history/")).json()
    assert [h["transition"] for h in history] == ["open", "transfer", "close"]
    assert history[1]["reason"] == ""  # the transfer's reason stays inside METI
    staff_history = api_as(people.other_officer).get(url(c, "history/")).json()
    assert staff_history[1]["reason"] == "繊維の件" and staff_history[2]["actor"] == (
        people.other_officer.username
    )


def test_close_refusals(people):
    c = open_consultation(people.exporter)
    assert (
        api_as(people.exporter)
        .post(url(c, "close/"), {"outcome": "other", "summary": "s"})
        .status_code
        == 403
    )
    response = api_as(people.officer).post(
        url(c, "close/"), {"outcome": "not_needed", "summary": "s"}
    )
    assert response.status_code == 400 and "rule" in response.json()
    assert (
        api_as(people.officer).post(url(c, "close/"), {"outcome": "x", "summary": "s"}).status_code
        == 400
    )


def test_link_report(people):
    c = closed_consultation(people.exporter, people.officer)
    report = submitted_report(people.exporter)
    company = api_as(people.exporter)
    linked = company.post(url(c, "link-report/"), {"report": report.pk})
    assert linked.status_code == 200
    assert linked.json()["reports"] == [{"id": report.pk, "reference": report.reference}]
    assert company.post(url(c, "link-report/"), {"report": report.pk}).status_code == 400
    theirs = submitted_report(people.other_exporter)
    response = company.post(url(c, "link-report/"), {"report": theirs.pk})
    assert response.status_code == 400 and "report" in response.json()
    assert (
        api_as(people.officer).post(url(c, "link-report/"), {"report": report.pk}).status_code
        == 403
    )
    assert api_as(people.officer).get(url(c)).json()["reports"][0]["id"] == report.pk


def test_officers_are_not_shown_a_linked_draft(people):
    c = closed_consultation(people.exporter, people.officer)
    draft = services.consultation_file_report(actor=people.exporter, consultation_id=c.pk)
    assert Report.objects.get().pk == draft.pk
    assert api_as(people.exporter).get(url(c)).json()["reports"] == [
        {"id": draft.pk, "reference": None}
    ]
    assert api_as(people.officer).get(url(c)).json()["reports"] == []


ROUTES = [
    ("get", ""),
    ("get", "messages/"),
    ("post", "messages/"),
    ("get", "attachments/"),
    ("post", "attachments/"),
    ("get", "history/"),
    ("post", "transfer/"),
    ("post", "close/"),
    ("post", "link-report/"),
]


@pytest.mark.parametrize(("method", "tail"), ROUTES)
def test_another_organisation_and_another_division_get_404_everywhere(people, method, tail):
    c = open_consultation(people.exporter)
    attachment = (
        api_as(people.exporter)
        .post(url(c, "attachments/"), {"file": upload("p.pdf", PDF_BYTES)}, format="multipart")
        .json()
    )
    for person in (people.other_exporter, people.other_officer, people.desk_officer):
        response = getattr(api_as(person), method)(url(c, tail), {}, format="json")
        assert response.status_code == 404, (person.username, method, tail)
        assert api_as(person).get(attachment["download_url"]).status_code == 404
    assert reverse("consultation-api-detail", args=[c.pk]) == url(c)
