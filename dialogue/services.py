"""Writes of the dialogue: messages, attachments, read markers and reassignment. The officers'
transitions that open and close it (start dialogue, conclude, not subject) are in
reports.lifecycle."""

from __future__ import annotations

import hashlib
import os
import unicodedata
from collections.abc import Sequence
from typing import Any

import magic
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal import roles
from portal.models import User
from portal.selectors import organisation_members
from portal.services import audit_record, notify
from portal.text import lazy_format
from reports import lifecycle
from reports.limits import (
    length_errors,
)
from reports.models import Report

from .limits import MESSAGE_BODY_MAX_LENGTH
from .models import EXPORTER_KINDS, Attachment, Message, MessageKind, ThreadRead

# What python-magic may say about an upload's first bytes for it to be kept: PDF, Office
# documents, common images and plain text. Never HTML, SVG, scripts, archives or executables.
ALLOWED_CONTENT_TYPES = frozenset(
    {
        "application/pdf",
        "application/msword",
        "application/vnd.ms-excel",
        "application/vnd.ms-powerpoint",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
        "text/plain",
    }
)
# A legacy .doc/.xls/.ppt is an OLE2 compound file whose directory often lies beyond the first
# 8 KB, so libmagic can only say "OLE2 container". The content is still checked (it must be
# OLE2); the name then only says which of the three Office types it is.
OLE2_GENERIC_TYPES = frozenset(
    {"application/x-ole-storage", "application/CDFV2", "application/vnd.ms-office"}
)
OLE2_TYPE_BY_EXTENSION = {
    ".doc": "application/msword",
    ".xls": "application/vnd.ms-excel",
    ".ppt": "application/vnd.ms-powerpoint",
}
# Names that a desktop would run when opened, refused whatever the content (defence in depth:
# plain text named `setup.bat` passes the content check).
REFUSED_EXTENSIONS = frozenset(
    {
        ".exe",
        ".com",
        ".bat",
        ".cmd",
        ".scr",
        ".pif",
        ".msi",
        ".dll",
        ".js",
        ".jse",
        ".vbs",
        ".vbe",
        ".wsf",
        ".hta",
        ".ps1",
        ".sh",
        ".lnk",
        ".jar",
        ".html",
        ".htm",
        ".svg",
    }
)
SNIFF_BYTES = 8192


class AttachmentTooLarge(ValidationError):
    """An upload over settings.ATTACHMENT_MAX_BYTES: a field error in pages, 413 in the API."""


# --- helpers ------------------------------------------------------------------------------


def _lock_report(report_id: int) -> Report:
    """The report row, locked: a post or upload then cannot slip past a concurrent closing."""
    return Report.objects.select_for_update().get(pk=report_id)


def _notify_other_side(
    *, report: Report, author: User, kind: str, verb: str, title: Any, body: Any
) -> None:
    if kind == MessageKind.INTERNAL_NOTE:
        # A note stays inside METI: only the assigned officer hears of a colleague's note.
        if report.assigned_officer_id and report.assigned_officer_id != author.pk:
            recipients: Any = [report.assigned_officer]
        else:
            return
    elif roles.is_meti_staff(author):
        recipients = organisation_members(report.organisation_id)
    else:
        recipients = lifecycle.staff_to_notify(report)
    notify(
        recipients=recipients,
        verb=verb,
        title=title,
        body=body,
        url=report.get_absolute_url(),
        exclude=author,
    )


def _clean_file_name(name: str) -> str:
    """The user's file name as a plain base name, kept only for display and downloads."""
    name = os.path.basename((name or "").replace("\\", "/"))
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    if len(name) > 255:
        stem, ext = os.path.splitext(name)
        name = stem[: 255 - len(ext[:20])] + ext[:20]
    return name or "attachment"


def attachment_check(file: UploadedFile, name: str) -> str:
    """Refuse an upload that is too large, empty or not an allowed type judged by its content;
    return the content type to store."""
    limit = settings.ATTACHMENT_MAX_BYTES
    if file.size is not None and file.size > limit:
        raise AttachmentTooLarge(
            {
                "file": [
                    _("The file is larger than %(mb)s MB. Split it or compress it.")
                    % {"mb": f"{limit / (1024 * 1024):g}"}
                ]
            }
        )
    if not file.size:
        raise ValidationError({"file": [_("The file is empty.")]})
    extension = os.path.splitext(name)[1].lower()
    if extension in REFUSED_EXTENSIONS:
        raise ValidationError(
            {"file": [_("Files of this kind (%(ext)s) cannot be attached.") % {"ext": extension}]}
        )
    file.seek(0)
    head = file.read(SNIFF_BYTES)
    file.seek(0)
    detected = magic.from_buffer(head, mime=True)
    if detected in OLE2_GENERIC_TYPES and extension in OLE2_TYPE_BY_EXTENSION:
        return OLE2_TYPE_BY_EXTENSION[extension]
    if detected not in ALLOWED_CONTENT_TYPES:
        raise ValidationError(
            {
                "file": [
                    _(
                        "Only PDF, Office documents (Word, Excel, PowerPoint), images (PNG, "
                        "JPEG, GIF, WebP) and plain text can be attached. This file's content "
                        "is %(type)s."
                    )
                    % {"type": detected}
                ]
            }
        )
    return detected


def _store_attachment(
    *, report: Report, message: Message | None, file: UploadedFile, actor: User
) -> Attachment:
    name = _clean_file_name(file.name or "")
    content_type = attachment_check(file, name)
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    attachment = Attachment(
        report=report,
        message=message,
        original_name=name,
        content_type=content_type,
        size=file.size or 0,
        sha256=digest.hexdigest(),
        uploaded_by=actor,
    )
    attachment.file.save(name, file, save=False)
    try:
        attachment.save()
    except BaseException:
        attachment.file.delete(save=False)
        raise
    audit_record(
        actor=actor,
        verb="attachment.upload",
        target=report,
        payload={
            "attachment": attachment.pk,
            "message": message.pk if message else None,
            "name": name,
            "content_type": content_type,
            "size": attachment.size,
            "sha256": attachment.sha256,
        },
    )
    return attachment


# --- messages and attachments -------------------------------------------------------------


def message_post(
    *,
    actor: User,
    report_id: int,
    kind: str,
    body: str,
    files: Sequence[UploadedFile] = (),
) -> Message:
    """Post a message (with optional files) to a report's thread and notify the other side."""
    with transaction.atomic():
        report = _lock_report(report_id)
        lifecycle.require_actor(report, actor, "discuss")
        if kind not in MessageKind.values:
            raise ValidationError({"kind": [_("Choose a kind of message.")]})
        if roles.is_exporter(actor) and kind not in EXPORTER_KINDS:
            raise PermissionDenied(_("Companies may post only questions and answers."))
        lifecycle.require(report, actor, "discuss")
        body = (body or "").strip()
        if not body:
            raise ValidationError({"body": [_("Write the message.")]})
        too_long = length_errors(body=(body, MESSAGE_BODY_MAX_LENGTH))
        if too_long:
            raise ValidationError(too_long)
        # Checked before anything is written, so a refused file leaves no half-posted message.
        for file in files:
            attachment_check(file, _clean_file_name(file.name or ""))
        message = Message.objects.create(
            report=report, kind=kind, body=body, author=actor, author_role=actor.role
        )
        for file in files:
            _store_attachment(report=report, message=message, file=file, actor=actor)
        audit_record(
            actor=actor,
            verb="message.post",
            target=report,
            payload={"message": message.pk, "kind": kind, "attachments": len(files)},
        )
        # Only the kind goes out: dialogue content stays in the portal, not in mailboxes.
        _notify_other_side(
            report=report,
            author=actor,
            kind=kind,
            verb="dialogue.message",
            title=lazy_format(_("New message on %(reference)s"), {"reference": report.reference}),
            body=lazy_format(
                _("%(author)s posted a message (%(kind)s). Sign in to the portal to read it."),
                {"author": actor.display_name, "kind": MessageKind(kind).label},
            ),
        )
    # A message the author posts is read by them already.
    thread_mark_read(user=actor, report_id=report.pk, up_to_message_id=message.pk)
    return message


def attachment_upload(
    *, actor: User, report_id: int, file: UploadedFile, message_id: int | None = None
) -> Attachment:
    """Attach a file to a report, or to one of the actor's own messages on it."""
    with transaction.atomic():
        report = _lock_report(report_id)
        lifecycle.require(report, actor, "discuss")
        message = None
        if message_id is not None:
            message = Message.objects.filter(pk=message_id, report=report).first()
            if message is None or message.author_id != actor.pk:
                raise ValidationError(
                    {"message": [_("Files can be added only to your own messages on this report.")]}
                )
        attachment = _store_attachment(report=report, message=message, file=file, actor=actor)
        if message is None:
            _notify_other_side(
                report=report,
                author=actor,
                kind="",
                verb="dialogue.attachment",
                title=lazy_format(_("New file on %(reference)s"), {"reference": report.reference}),
                body=lazy_format(
                    _("%(author)s added a file. Sign in to the portal to download it."),
                    {"author": actor.display_name},
                ),
            )
    return attachment


def thread_mark_read(*, user: User, report_id: int, up_to_message_id: int) -> None:
    """Record that the user has read the thread up to a message; the marker only moves on."""
    now = timezone.now()
    with transaction.atomic():
        marker, created = ThreadRead.objects.get_or_create(
            user=user,
            report_id=report_id,
            defaults={"last_message_id": up_to_message_id, "last_read_at": now},
        )
        if not created:
            ThreadRead.objects.filter(pk=marker.pk, last_message_id__lt=up_to_message_id).update(
                last_message_id=up_to_message_id, last_read_at=now
            )


def report_reassign(*, actor: User, report_id: int, officer_id: int) -> Report:
    """A supervisor hands an open report to another officer or supervisor of the division."""
    with transaction.atomic():
        report = _lock_report(report_id)
        division_id = report.responsible_division_id
        lifecycle.require(report, actor, "reassign")
        officer = User.objects.filter(pk=officer_id).first()
        if officer is None or not roles.is_officer_of_division(officer, division_id):
            raise ValidationError(
                {"officer": [_("Choose an officer or supervisor of the responsible division.")]}
            )
        if officer.pk == report.assigned_officer_id:
            raise ValidationError({"officer": [_("The report is already assigned to them.")]})
        previous = report.assigned_officer
        report.assigned_officer = officer
        report.save(update_fields=["assigned_officer", "updated_at"])
        audit_record(
            actor=actor,
            verb="report.reassign",
            target=report,
            payload={
                "from": previous.username if previous else None,
                "to": officer.username,
            },
        )
        notify(
            recipients=[officer],
            verb="report.assigned",
            title=lazy_format(
                _("%(reference)s was assigned to you"), {"reference": report.reference}
            ),
            body=lazy_format(
                _("%(supervisor)s assigned this report to you."), {"supervisor": actor.display_name}
            ),
            url=report.get_absolute_url(),
            exclude=actor,
        )
    return report
