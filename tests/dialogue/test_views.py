import pytest
from django.urls import reverse

from dialogue import services
from dialogue.models import Message
from reports import lifecycle
from reports.models import Report, Status

from .helpers import PDF_BYTES, PE_BYTES, make_submitted_report, upload

pytestmark = pytest.mark.django_db

SECRET = "INTERNAL-ONLY assessment of the counterparty"


@pytest.fixture
def report(people):
    report = make_submitted_report(people.exporter)
    return lifecycle.report_start_dialogue(actor=people.officer, report_id=report.pk)


@pytest.fixture
def with_note(people, report):
    services.message_post(actor=people.officer, report_id=report.pk, kind="advice", body="Advice 1")
    services.message_post(
        actor=people.officer2,
        report_id=report.pk,
        kind="internal_note",
        body=SECRET,
        files=[upload("internal-memo.pdf", PDF_BYTES)],
    )
    return report


def _thread(client, user, report):
    client.force_login(user)
    return client.get(reverse("dialogue:thread", args=[report.pk]))


def test_script_in_a_message_is_shown_escaped(client, people, report):
    body = "<script>alert('owned')</script>"
    services.message_post(actor=people.exporter, report_id=report.pk, kind="question", body=body)
    for user in (people.exporter, people.officer):
        html = _thread(client, user, report).content.decode()
        assert "<script>alert(" not in html
        assert "&lt;script&gt;alert(&#x27;owned&#x27;)&lt;/script&gt;" in html


def test_internal_notes_and_their_files_are_absent_from_the_exporter_page(
    client, people, with_note
):
    for user in (people.exporter, people.exporter2):
        html = _thread(client, user, with_note).content.decode()
        assert "Advice 1" in html
        assert SECRET not in html and "internal-memo.pdf" not in html
        assert 'data-kind="internal_note"' not in html
    html = _thread(client, people.supervisor, with_note).content.decode()
    assert SECRET in html and "internal-memo.pdf" in html


def test_report_page_includes_the_panel(client, people, with_note):
    client.force_login(people.exporter)
    html = client.get(reverse("reports:detail", args=[with_note.pk])).content.decode()
    assert 'id="dialogue"' in html and "Advice 1" in html and SECRET not in html


def test_kinds_offered_by_role(client, people, report):
    client.force_login(people.exporter)
    form = _thread(client, people.exporter, report).context["dialogue_message_form"]
    assert [v for v, _ in form.fields["kind"].widget.choices] == ["question", "answer"]
    html = _thread(client, people.exporter, report).content.decode()
    assert 'value="internal_note"' not in html
    assert 'data-testid="dialogue-officer-actions"' not in html
    form = _thread(client, people.officer, report).context["dialogue_message_form"]
    assert "internal_note" in [v for v, _ in form.fields["kind"].widget.choices]


def test_officer_actions_offered_by_state(client, people):
    submitted = make_submitted_report(people.exporter)
    html = _thread(client, people.officer, submitted).content.decode()
    assert reverse("dialogue:start_dialogue", args=[submitted.pk]) in html
    assert reverse("dialogue:not_subject", args=[submitted.pk]) in html
    assert reverse("dialogue:conclude", args=[submitted.pk]) not in html


def test_draft_shows_no_thread(client, people):
    from reports.services import report_create
    from tests.reports.helpers import complete_data as report_data

    draft = report_create(actor=people.exporter, data=report_data())
    html = _thread(client, people.exporter, draft).content.decode()
    assert 'id="dialogue"' in html
    assert reverse("dialogue:message_post", args=[draft.pk]) not in html


# --- posting from the page ----------------------------------------------------------------


def _post(client, user, report, data, files=None):
    client.force_login(user)
    payload = dict(data)
    if files:
        payload.update(files)
    return client.post(reverse("dialogue:message_post", args=[report.pk]), payload)


def test_post_a_message_and_return_to_the_report(client, people, report):
    response = _post(client, people.exporter, report, {"kind": "answer", "body": "Our answer"})
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:detail", args=[report.pk])
    assert Message.objects.get().body == "Our answer"


def test_post_with_a_file(client, people, report):
    response = _post(
        client,
        people.exporter,
        report,
        {"kind": "answer", "body": "see file"},
        {"attachment": upload("plan.pdf", PDF_BYTES)},
    )
    assert response.status_code == 302
    assert Message.objects.get().attachments.get().original_name == "plan.pdf"


def test_exporter_posting_an_internal_note_is_forbidden(client, people, report):
    for kind in ("internal_note", "advice"):
        response = _post(client, people.exporter, report, {"kind": kind, "body": "x"})
        assert response.status_code == 403
    assert not Message.objects.exists()


def test_empty_message_shows_the_error_next_to_the_field(client, people, report):
    response = _post(client, people.exporter, report, {"kind": "question", "body": "   "})
    assert response.status_code == 400
    assert "body" in response.context["form"].errors
    assert 'class="field has-error" id="field-body"' in response.content.decode()


def test_refused_file_keeps_the_typed_text(client, people, report):
    response = _post(
        client,
        people.exporter,
        report,
        {"kind": "answer", "body": "my long answer"},
        {"attachment": upload("invoice.pdf", PE_BYTES)},
    )
    assert response.status_code == 400
    assert "attachment" in response.context["form"].errors
    assert "my long answer" in response.content.decode()
    assert not Message.objects.exists()


def test_too_large_file_is_a_clear_form_error(client, people, report, settings):
    settings.ATTACHMENT_MAX_BYTES = 10
    response = _post(
        client,
        people.exporter,
        report,
        {"kind": "answer", "body": "big"},
        {"attachment": upload("big.pdf", PDF_BYTES)},
    )
    assert response.status_code == 413
    assert "MB" in " ".join(response.context["form"].errors["attachment"])
    client.force_login(people.exporter)
    response = client.post(
        reverse("dialogue:attachment_upload", args=[report.pk]),
        {"file": upload("b.pdf", PDF_BYTES)},
    )
    assert response.status_code == 413 and "file" in response.context["form"].errors


def test_message_on_a_closed_report_is_refused_with_409(client, people, report):
    Report.objects.filter(pk=report.pk).update(status=Status.WITHDRAWN)
    response = _post(client, people.exporter, report, {"kind": "question", "body": "hello?"})
    assert response.status_code == 409
    assert "hello?" in response.content.decode()


def test_other_organisation_or_division_gets_404(client, people, report):
    assert (
        _post(client, people.other_exporter, report, {"kind": "question", "body": "x"}).status_code
        == 404
    )
    assert (
        _post(client, people.other_officer, report, {"kind": "advice", "body": "x"}).status_code
        == 404
    )
    assert _thread(client, people.other_exporter, report).status_code == 404
    assert _thread(client, people.other_supervisor, report).status_code == 404


def test_upload_page(client, people, report):
    client.force_login(people.officer)
    url = reverse("dialogue:attachment_upload", args=[report.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"file": upload("図面.pdf", PDF_BYTES)})
    assert response.status_code == 302
    response = client.post(url, {"file": upload("x.pdf", PE_BYTES)})
    assert response.status_code == 400


# --- the officers' action pages -----------------------------------------------------------


def test_start_dialogue_page(client, people):
    report = make_submitted_report(people.exporter)
    url = reverse("dialogue:start_dialogue", args=[report.pk])
    client.force_login(people.exporter)
    assert client.post(url).status_code == 403
    client.force_login(people.other_officer)
    assert client.post(url).status_code == 404
    client.force_login(people.officer2)
    response = client.post(url)
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == Status.UNDER_DIALOGUE and report.assigned_officer == people.officer2
    assert client.post(url).status_code == 409


def test_conclude_page(client, people, report):
    url = reverse("dialogue:conclude", args=[report.pk])
    client.force_login(people.exporter)
    assert client.get(url).status_code == 403
    client.force_login(people.officer)
    assert client.get(url).status_code == 200
    response = client.post(url, {"summary": "Resolved", "agreed_measures": ""})
    assert response.status_code == 400
    assert "agreed_measures" in response.context["form"].errors
    assert "Resolved" in response.content.decode()
    response = client.post(url, {"summary": "Resolved", "agreed_measures": "Logs", "confirm": "1"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.outcome_summary, report.agreed_measures) == (
        Status.CLOSED_NO_INFORM,
        "Resolved",
        "Logs",
    )
    response = client.post(url, {"summary": "Again", "agreed_measures": "Again", "confirm": "1"})
    assert response.status_code == 409


def test_conclusion_is_shown_to_the_exporter(client, people, report):
    lifecycle.report_conclude(
        actor=people.officer, report_id=report.pk, summary="Resolved", agreed_measures="Logs kept"
    )
    client.force_login(people.exporter)
    html = client.get(reverse("reports:detail", args=[report.pk])).content.decode()
    assert "Logs kept" in html


def test_not_subject_page(client, people):
    report = make_submitted_report(people.exporter)
    url = reverse("dialogue:not_subject", args=[report.pk])
    client.force_login(people.supervisor)
    response = client.post(url, {"rule": "", "reason": "r"})
    assert response.status_code == 400 and "rule" in response.context["form"].errors
    response = client.post(url, {"rule": "DESTINATION_EXEMPT", "reason": "Group A", "confirm": "1"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == Status.NOT_SUBJECT and report.not_subject_rule == "DESTINATION_EXEMPT"
