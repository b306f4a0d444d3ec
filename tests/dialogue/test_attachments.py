from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dialogue import services, threads
from dialogue.models import Attachment, Message
from portal.errors import InvalidTransition
from reports import lifecycle
from reports.models import Report, Status

from .helpers import (
    PDF_BYTES,
    PE_BYTES,
    PNG_BYTES,
    docx_bytes,
    elf_bytes,
    make_submitted_report,
    upload,
    zip_bytes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(people):
    report = make_submitted_report(people.exporter)
    return lifecycle.report_start_dialogue(actor=people.officer, report_id=report.pk)


def test_pdf_is_stored_under_a_generated_name_outside_the_web_root(people, report, media_root):
    attachment = services.attachment_upload(
        actor=people.exporter, report_id=report.pk, file=upload("設計図 v2.pdf", PDF_BYTES)
    )
    assert attachment.original_name == "設計図 v2.pdf"
    assert attachment.content_type == "application/pdf"
    assert attachment.size == len(PDF_BYTES)
    stored = Path(attachment.file.path)
    assert stored.read_bytes() == PDF_BYTES
    assert stored.is_relative_to(media_root)
    assert "設計図" not in attachment.file.name and not attachment.file.name.endswith(".pdf")
    assert len(stored.name) == 32  # a uuid4 hex


def test_path_in_the_uploaded_name_is_dropped(people, report):
    attachment = services.attachment_upload(
        actor=people.exporter, report_id=report.pk, file=upload("../../etc/passwd.png", PNG_BYTES)
    )
    assert attachment.original_name == "passwd.png"
    assert attachment.content_type == "image/png"


@pytest.mark.parametrize(
    ("name", "content", "declared"),
    [
        ("memo.docx", docx_bytes(), "application/octet-stream"),
        ("notes.txt", "日本語のメモ\n".encode(), "text/plain"),
        ("photo.png", PNG_BYTES, "image/png"),
    ],
)
def test_allowed_types_are_judged_by_content(people, report, name, content, declared):
    attachment = services.attachment_upload(
        actor=people.officer, report_id=report.pk, file=upload(name, content, declared)
    )
    assert attachment.content_type != "application/octet-stream"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("invoice.pdf", PE_BYTES),  # a Windows executable renamed .pdf
        ("drawing.pdf", elf_bytes()),  # a Linux executable renamed .pdf
        ("archive.zip", zip_bytes()),
        ("page.pdf", b"<html><script>alert(1)</script></html>"),
        ("run.pdf", b"#!/bin/sh\nrm -rf /\n"),
        ("empty.pdf", b""),
        ("setup.bat", b"echo hello\r\n"),  # text content, but a name Windows would run
    ],
)
def test_refused_types(people, report, name, content):
    with pytest.raises(ValidationError) as exc:
        services.attachment_upload(
            actor=people.exporter,
            report_id=report.pk,
            file=upload(name, content, "application/pdf"),
        )
    assert "file" in exc.value.message_dict
    assert not Attachment.objects.exists()


def test_too_large_is_refused(people, report, settings):
    settings.ATTACHMENT_MAX_BYTES = len(PDF_BYTES) - 1
    with pytest.raises(threads.AttachmentTooLarge):
        services.attachment_upload(
            actor=people.exporter, report_id=report.pk, file=upload("a.pdf", PDF_BYTES)
        )
    settings.ATTACHMENT_MAX_BYTES = len(PDF_BYTES)
    services.attachment_upload(
        actor=people.exporter, report_id=report.pk, file=upload("a.pdf", PDF_BYTES)
    )


def test_refused_file_leaves_no_half_posted_message(people, report):
    with pytest.raises(ValidationError):
        services.message_post(
            actor=people.exporter,
            report_id=report.pk,
            kind="answer",
            body="see attached",
            files=[upload("x.pdf", PE_BYTES)],
        )
    assert not Message.objects.exists()


def test_attach_only_to_own_message_of_the_same_report(people, report):
    mine = services.message_post(
        actor=people.exporter, report_id=report.pk, kind="answer", body="a"
    )
    theirs = services.message_post(
        actor=people.officer, report_id=report.pk, kind="advice", body="b"
    )
    attachment = services.attachment_upload(
        actor=people.exporter,
        report_id=report.pk,
        file=upload("a.pdf", PDF_BYTES),
        message_id=mine.pk,
    )
    assert attachment.message == mine
    with pytest.raises(ValidationError):
        services.attachment_upload(
            actor=people.exporter,
            report_id=report.pk,
            file=upload("a.pdf", PDF_BYTES),
            message_id=theirs.pk,
        )


@pytest.mark.parametrize("status", [Status.CLOSED_NO_INFORM, Status.WITHDRAWN, Status.LAPSED])
def test_no_attachment_in_a_closed_state(people, report, status):
    Report.objects.filter(pk=report.pk).update(status=status)
    with pytest.raises(InvalidTransition):
        services.attachment_upload(
            actor=people.exporter, report_id=report.pk, file=upload("a.pdf", PDF_BYTES)
        )


# --- downloads, per role ------------------------------------------------------------------


def _download(client, user, attachment):
    client.force_login(user)
    return client.get(reverse("dialogue:attachment_download", args=[attachment.pk]))


def test_download_access_per_role(client, people, report):
    attachment = services.attachment_upload(
        actor=people.exporter, report_id=report.pk, file=upload("計画書.pdf", PDF_BYTES)
    )
    for user, expected in [
        (people.exporter, 200),
        (people.exporter2, 200),
        (people.other_exporter, 404),
        (people.officer, 200),
        (people.officer2, 200),
        (people.supervisor, 200),
        (people.other_officer, 404),
        (people.other_supervisor, 404),
    ]:
        response = _download(client, user, attachment)
        assert response.status_code == expected, user
        if expected == 200:
            assert b"".join(response.streaming_content) == PDF_BYTES
            assert response["Content-Type"] == "application/pdf"
            assert response["Content-Disposition"].startswith("attachment;")
            assert "filename*=utf-8''" in response["Content-Disposition"]
            assert response["X-Content-Type-Options"] == "nosniff"


def test_internal_note_attachment_is_never_downloadable_by_the_exporter(client, people, report):
    note = services.message_post(
        actor=people.officer,
        report_id=report.pk,
        kind="internal_note",
        body="our assessment",
        files=[upload("assessment.pdf", PDF_BYTES)],
    )
    attachment = note.attachments.get()
    assert _download(client, people.exporter, attachment).status_code == 404
    assert _download(client, people.exporter2, attachment).status_code == 404
    assert _download(client, people.officer2, attachment).status_code == 200
    assert _download(client, people.supervisor, attachment).status_code == 200


def test_uploads_are_not_served_by_any_url(client, people, report):
    attachment = services.attachment_upload(
        actor=people.exporter, report_id=report.pk, file=upload("a.pdf", PDF_BYTES)
    )
    client.force_login(people.exporter)
    for url in (f"/media/{attachment.file.name}", f"/{attachment.file.name}"):
        assert client.get(url).status_code == 404


def test_anonymous_download_redirects_to_sign_in(client, people, report):
    attachment = services.attachment_upload(
        actor=people.exporter, report_id=report.pk, file=upload("a.pdf", PDF_BYTES)
    )
    response = client.get(reverse("dialogue:attachment_download", args=[attachment.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_orphan_purge_keeps_referenced_and_recent_files(people, report, media_root):
    import os
    import time

    from dialogue.tasks import attachments_purge_orphans

    attachment = services.attachment_upload(
        actor=people.exporter, report_id=report.pk, file=upload("a.pdf", PDF_BYTES)
    )
    orphan = Path(attachment.file.path).parent / ("0" * 32)
    orphan.write_bytes(b"left over")
    recent = Path(attachment.file.path).parent / ("1" * 32)
    recent.write_bytes(b"still committing")
    old = time.time() - 3 * 24 * 3600
    os.utime(orphan, (old, old))
    os.utime(attachment.file.path, (old, old))
    assert attachments_purge_orphans() == 1
    assert not orphan.exists() and recent.exists() and Path(attachment.file.path).exists()
