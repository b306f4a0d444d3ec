import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dialogue import services
from dialogue.models import Attachment, Message
from portal.models import Notification
from reports import lifecycle
from reports.models import Report, Status
from tests.conftest import api_as
from tests.dialogue.helpers import (
    PDF_BYTES,
    PE_BYTES,
    elf_bytes,
    make_people,
    make_submitted_report,
    upload,
    zip_bytes,
)

pytestmark = pytest.mark.django_db

SECRET = "INTERNAL-NOTE: counterparty linked to end-user list"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def people(catalog):
    return make_people(catalog)


@pytest.fixture
def report(people):
    report = make_submitted_report(people.exporter)
    return lifecycle.report_start_dialogue(actor=people.officer, report_id=report.pk)


def _messages_url(report):
    return f"/api/v1/reports/{report.pk}/messages/"


def _attachments_url(report):
    return f"/api/v1/reports/{report.pk}/attachments/"


# --- messages -----------------------------------------------------------------------------


def test_post_and_list_messages(people, report):
    response = api_as(people.exporter).post(
        _messages_url(report), {"kind": "question", "body": "When do you decide?"}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert {"id", "kind", "body", "author", "author_role", "created_at"} <= set(body)
    assert (body["kind"], body["author"], body["author_role"]) == (
        "question",
        people.exporter.username,
        "exporter",
    )
    api_as(people.officer).post(
        _messages_url(report), {"kind": "advice", "body": "By the 30th day"}, format="json"
    )
    listing = api_as(people.exporter2).get(_messages_url(report)).json()
    assert set(listing) == {"count", "next", "previous", "results"}
    assert [m["body"] for m in listing["results"]] == ["When do you decide?", "By the 30th day"]


def test_internal_notes_are_absent_from_everything_the_exporter_receives(
    people, report, mailoutbox, django_capture_on_commit_callbacks
):
    staff = api_as(people.officer2)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            _messages_url(report), {"kind": "internal_note", "body": SECRET}, format="json"
        )
        assert response.status_code == 201
        note_id = response.json()["id"]
        upload_response = staff.post(
            _attachments_url(report),
            {"file": upload("note.pdf", PDF_BYTES), "message": note_id},
            format="multipart",
        )
        assert upload_response.status_code == 201
        staff.post(_messages_url(report), {"kind": "advice", "body": "public"}, format="json")
    attachment_id = upload_response.json()["id"]
    for exporter in (people.exporter, people.exporter2):
        client = api_as(exporter)
        listing = client.get(_messages_url(report)).json()
        assert listing["count"] == 1
        assert SECRET not in str(listing)
        assert "internal_note" not in {m["kind"] for m in listing["results"]}
        assert client.get(f"/api/v1/attachments/{attachment_id}/").status_code == 404
        assert attachment_id not in [a["id"] for a in client.get(_attachments_url(report)).json()]
        for n in Notification.objects.filter(recipient=exporter):
            assert SECRET not in f"{n.title_ja}{n.title_en}{n.body_ja}{n.body_en}"
    for m in mailoutbox:
        if m.to[0] in (people.exporter.email, people.exporter2.email):
            assert SECRET not in m.body and SECRET not in m.subject
    assert {m.to[0] for m in mailoutbox} >= {people.exporter.email, people.exporter2.email}
    staff_listing = api_as(people.supervisor).get(_messages_url(report)).json()
    assert staff_listing["count"] == 2 and SECRET in str(staff_listing)
    assert api_as(people.supervisor).get(f"/api/v1/attachments/{attachment_id}/").status_code == 200


@pytest.mark.parametrize("kind", ["internal_note", "advice", "concern_information"])
def test_exporter_posting_a_meti_kind_is_403(people, report, kind):
    response = api_as(people.exporter).post(
        _messages_url(report), {"kind": kind, "body": "x"}, format="json"
    )
    assert response.status_code == 403
    assert not Message.objects.exists()


@pytest.mark.parametrize("body", ["", "   "])
def test_empty_message_is_400(people, report, body):
    response = api_as(people.exporter).post(
        _messages_url(report), {"kind": "question", "body": body}, format="json"
    )
    assert response.status_code == 400
    assert "body" in response.json()


def test_unknown_kind_is_400(people, report):
    response = api_as(people.officer).post(
        _messages_url(report), {"kind": "gossip", "body": "x"}, format="json"
    )
    assert response.status_code == 400 and "kind" in response.json()


def test_html_is_returned_as_typed(people, report):
    body = '<img src=x onerror="alert(1)"><script>x()</script>'
    api_as(people.exporter).post(
        _messages_url(report), {"kind": "question", "body": body}, format="json"
    )
    assert api_as(people.officer).get(_messages_url(report)).json()["results"][0]["body"] == body


@pytest.mark.parametrize(
    "status", [Status.CLOSED_NO_INFORM, Status.LAPSED, Status.NOT_SUBJECT, Status.WITHDRAWN]
)
def test_posting_on_a_terminal_report_is_409(people, report, status):
    Report.objects.filter(pk=report.pk).update(status=status)
    response = api_as(people.exporter).post(
        _messages_url(report), {"kind": "question", "body": "x"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["status"] == status
    response = api_as(people.officer).post(
        _attachments_url(report), {"file": upload("a.pdf", PDF_BYTES)}, format="multipart"
    )
    assert response.status_code == 409


def test_posting_after_an_inform_is_allowed(people, report):
    Report.objects.filter(pk=report.pk).update(status=Status.INFORMED)
    response = api_as(people.exporter).post(
        _messages_url(report), {"kind": "question", "body": "Licence application?"}, format="json"
    )
    assert response.status_code == 201


def test_other_organisation_or_division_is_404(people, report):
    for outsider in (people.other_exporter, people.other_officer, people.other_supervisor):
        client = api_as(outsider)
        assert client.get(_messages_url(report)).status_code == 404
        assert (
            client.post(
                _messages_url(report), {"kind": "question", "body": "x"}, format="json"
            ).status_code
            == 404
        )


def test_unauthenticated_is_401(api, report):
    assert api.get(_messages_url(report)).status_code == 401


# --- attachments --------------------------------------------------------------------------


def test_upload_and_download(people, report):
    response = api_as(people.exporter).post(
        _attachments_url(report), {"file": upload("製造計画.pdf", PDF_BYTES)}, format="multipart"
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["name"], body["size"], body["content_type"]) == (
        "製造計画.pdf",
        len(PDF_BYTES),
        "application/pdf",
    )
    for user, expected in [
        (people.exporter2, 200),
        (people.officer2, 200),
        (people.supervisor, 200),
        (people.other_exporter, 404),
        (people.other_officer, 404),
    ]:
        download = api_as(user).get(f"/api/v1/attachments/{body['id']}/")
        assert download.status_code == expected
        if expected == 200:
            assert b"".join(download.streaming_content) == PDF_BYTES
            assert download["Content-Type"] == "application/pdf"
            assert download["Content-Disposition"].startswith("attachment;")
            assert download["X-Content-Type-Options"] == "nosniff"


def test_download_with_a_pdf_accept_header(people, report):
    attachment = services.attachment_upload(
        actor=people.exporter, report_id=report.pk, file=upload("a.pdf", PDF_BYTES)
    )
    response = api_as(people.officer).get(
        f"/api/v1/attachments/{attachment.pk}/", HTTP_ACCEPT="application/pdf"
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("name", "content"),
    [("invoice.pdf", PE_BYTES), ("drawing.pdf", elf_bytes()), ("data.zip", zip_bytes())],
)
def test_refused_types_are_400(people, report, name, content):
    response = api_as(people.exporter).post(
        _attachments_url(report),
        {"file": SimpleUploadedFile(name, content, content_type="application/pdf")},
        format="multipart",
    )
    assert response.status_code == 400
    assert "file" in response.json()
    assert not Attachment.objects.exists()


def test_missing_file_is_400(people, report):
    response = api_as(people.exporter).post(_attachments_url(report), {}, format="multipart")
    assert response.status_code == 400 and "file" in response.json()


def test_over_the_limit_is_413(people, report, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    response = api_as(people.exporter).post(
        _attachments_url(report),
        {"file": upload("big.pdf", PDF_BYTES + b"%" * 1024)},
        format="multipart",
    )
    assert response.status_code == 413
    assert "file" in response.json()


def test_a_real_20_mb_plus_one_byte_upload_is_413(people, report, settings):
    assert settings.ATTACHMENT_MAX_BYTES == 20 * 1024 * 1024
    content = PDF_BYTES + b"0" * (settings.ATTACHMENT_MAX_BYTES + 1 - len(PDF_BYTES))
    assert len(content) == 20 * 1024 * 1024 + 1
    response = api_as(people.exporter).post(
        _attachments_url(report), {"file": upload("big.pdf", content)}, format="multipart"
    )
    assert response.status_code == 413
    assert not Attachment.objects.exists()
    exactly = content[:-1]
    response = api_as(people.exporter).post(
        _attachments_url(report), {"file": upload("ok.pdf", exactly)}, format="multipart"
    )
    assert response.status_code == 201


def test_attachment_to_someone_elses_message_is_400(people, report):
    theirs = services.message_post(
        actor=people.officer, report_id=report.pk, kind="advice", body="b"
    )
    response = api_as(people.exporter).post(
        _attachments_url(report),
        {"file": upload("a.pdf", PDF_BYTES), "message": theirs.pk},
        format="multipart",
    )
    assert response.status_code == 400 and "message" in response.json()


# --- the officers' actions ----------------------------------------------------------------


def test_start_dialogue(people):
    report = make_submitted_report(people.exporter)
    url = f"/api/v1/reports/{report.pk}/start-dialogue/"
    assert api_as(people.exporter).post(url, {}, format="json").status_code == 403
    assert api_as(people.other_officer).post(url, {}, format="json").status_code == 404
    response = api_as(people.officer2).post(url, {}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "under_dialogue"
    assert body["assigned_officer"] == people.officer2.username
    assert body["reference"] == report.reference
    again = api_as(people.officer).post(url, {}, format="json")
    assert again.status_code == 409
    assert again.json()["status"] == "under_dialogue" and "detail" in again.json()


def test_conclude(people, report):
    url = f"/api/v1/reports/{report.pk}/conclude/"
    data = {"summary": "Resolved", "agreed_measures": "Logs kept 5 years"}
    assert api_as(people.exporter).post(url, data, format="json").status_code == 403
    assert api_as(people.other_supervisor).post(url, data, format="json").status_code == 404
    response = api_as(people.officer).post(url, {"summary": "Resolved"}, format="json")
    assert response.status_code == 400 and "agreed_measures" in response.json()
    response = api_as(people.officer).post(
        url, {"summary": " ", "agreed_measures": "m"}, format="json"
    )
    assert response.status_code == 400 and "summary" in response.json()
    response = api_as(people.officer).post(url, data, format="json")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["outcome_summary"], body["agreed_measures"]) == (
        "closed_no_inform",
        "Resolved",
        "Logs kept 5 years",
    )
    # The exporter reads the outcome on the report.
    mine = api_as(people.exporter).get(f"/api/v1/reports/{report.pk}/").json()
    assert (mine["outcome_summary"], mine["agreed_measures"]) == ("Resolved", "Logs kept 5 years")
    again = api_as(people.officer).post(url, data, format="json")
    assert again.status_code == 409 and again.json()["status"] == "closed_no_inform"


def test_conclude_before_the_dialogue_is_409(people):
    report = make_submitted_report(people.exporter)
    response = api_as(people.officer).post(
        f"/api/v1/reports/{report.pk}/conclude/",
        {"summary": "s", "agreed_measures": "m"},
        format="json",
    )
    assert response.status_code == 409 and response.json()["status"] == "submitted"


def test_not_subject(people):
    report = make_submitted_report(people.exporter)
    url = f"/api/v1/reports/{report.pk}/not-subject/"
    assert (
        api_as(people.exporter)
        .post(url, {"rule": "GOODS_ONLY", "reason": "r"}, format="json")
        .status_code
        == 403
    )
    response = api_as(people.officer).post(
        url, {"rule": "NOT_A_RULE", "reason": "r"}, format="json"
    )
    assert response.status_code == 400 and "rule" in response.json()
    response = api_as(people.officer).post(url, {"rule": "GOODS_ONLY"}, format="json")
    assert response.status_code == 400 and "reason" in response.json()
    response = api_as(people.officer).post(
        url, {"rule": "GOODS_ONLY", "reason": "Only goods are exported"}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["not_subject_rule"], body["not_subject_reason"]) == (
        "not_subject",
        "GOODS_ONLY",
        "Only goods are exported",
    )
    response = api_as(people.officer).post(
        url, {"rule": "GOODS_ONLY", "reason": "again"}, format="json"
    )
    assert response.status_code == 409 and response.json()["status"] == "not_subject"


def test_listing_marks_the_thread_read(people, report):
    from dialogue.selectors import unread_message_counts

    services.message_post(actor=people.officer, report_id=report.pk, kind="advice", body="a")
    assert unread_message_counts(people.exporter, [report.pk]) == {report.pk: 1}
    api_as(people.exporter).get(_messages_url(report))
    assert unread_message_counts(people.exporter, [report.pk]) == {report.pk: 0}


def test_schema_still_generates(people):
    response = api_as(people.officer).get("/api/v1/schema/")
    assert response.status_code == 200
    assert b"/api/v1/reports/{id}/messages/" in response.content
