"""Threads, whoever owns them: the report's dialogue, a consultation, a compliance case.

The owner decides who may read and post and whether its state allows it, locks its own row and
notifies; this module checks and writes messages and files, audits them against the owner and
keeps read markers. It knows no owner."""

from __future__ import annotations

import hashlib
import os
import unicodedata
from collections.abc import Collection, Iterable, Sequence

import magic
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import User
from portal.services import audit_record
from reports.limits import length_errors

from .limits import MESSAGE_BODY_MAX_LENGTH
from .models import Attachment, Message, MessageKind, Thread, ThreadRead

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
    *,
    thread: Thread,
    message: Message | None,
    file: UploadedFile,
    actor: User,
    audit_target: models.Model,
) -> Attachment:
    name = _clean_file_name(file.name or "")
    content_type = attachment_check(file, name)
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    attachment = Attachment(
        thread=thread,
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
        target=audit_target,
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


# --- writes ---------------------------------------------------------------------------------


def thread_create() -> Thread:
    """A new, empty thread for an owner to hold."""
    return Thread.objects.create()


def thread_post(
    *,
    thread: Thread,
    actor: User,
    kind: str,
    body: str,
    allowed_kinds: Collection[str],
    audit_target: models.Model,
    files: Sequence[UploadedFile] = (),
) -> Message:
    """Write a message with its files after checking all of them; the caller holds its owner's
    row lock and has decided that the actor may post here."""
    if kind not in MessageKind.values:
        raise ValidationError({"kind": [_("Choose a kind of message.")]})
    if kind not in allowed_kinds:
        raise PermissionDenied(_("You may not post this kind of message here."))
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": [_("Write the message.")]})
    too_long = length_errors(body=(body, MESSAGE_BODY_MAX_LENGTH))
    if too_long:
        raise ValidationError(too_long)
    # Checked before anything is written, so a refused file leaves no half-posted message.
    for file in files:
        attachment_check(file, _clean_file_name(file.name or ""))
    with transaction.atomic():
        message = Message.objects.create(
            thread=thread, kind=kind, body=body, author=actor, author_role=actor.role
        )
        for file in files:
            _store_attachment(
                thread=thread, message=message, file=file, actor=actor, audit_target=audit_target
            )
        audit_record(
            actor=actor,
            verb="message.post",
            target=audit_target,
            payload={"message": message.pk, "kind": kind, "attachments": len(files)},
        )
        # A message the author posts is read by them already.
        thread_mark_read(user=actor, thread_id=thread.pk, up_to_message_id=message.pk)
    return message


def thread_attach(
    *,
    thread: Thread,
    actor: User,
    file: UploadedFile,
    audit_target: models.Model,
    message_id: int | None = None,
) -> Attachment:
    """Add a file to the thread, or to one of the actor's own messages in it."""
    message = None
    if message_id is not None:
        message = Message.objects.filter(pk=message_id, thread=thread).first()
        if message is None or message.author_id != actor.pk:
            raise ValidationError(
                {"message": [_("Files can be added only to your own messages here.")]}
            )
    with transaction.atomic():
        return _store_attachment(
            thread=thread, message=message, file=file, actor=actor, audit_target=audit_target
        )


def thread_mark_read(*, user: User, thread_id: int, up_to_message_id: int) -> None:
    """Record that the user has read the thread up to a message; the marker only moves on."""
    now = timezone.now()
    with transaction.atomic():
        marker, created = ThreadRead.objects.get_or_create(
            user=user,
            thread_id=thread_id,
            defaults={"last_message_id": up_to_message_id, "last_read_at": now},
        )
        if not created:
            ThreadRead.objects.filter(pk=marker.pk, last_message_id__lt=up_to_message_id).update(
                last_message_id=up_to_message_id, last_read_at=now
            )


# --- reads ----------------------------------------------------------------------------------


def thread_messages(thread: Thread | int | None, *, include_internal: bool) -> QuerySet[Message]:
    """The thread's messages, oldest first, with their authors; internal notes only if asked."""
    if thread is None:
        return Message.objects.none()
    qs = Message.objects.filter(thread=thread).select_related("author")
    if not include_internal:
        qs = qs.exclude(kind=MessageKind.INTERNAL_NOTE)
    return qs.order_by("created_at", "id")


def thread_attachments(
    thread: Thread | int | None, *, include_internal: bool
) -> QuerySet[Attachment]:
    """The thread's files, oldest first (none of an internal note's unless asked)."""
    if thread is None:
        return Attachment.objects.none()
    qs = Attachment.objects.filter(thread=thread).select_related("message", "uploaded_by")
    if not include_internal:
        qs = qs.exclude(message__kind=MessageKind.INTERNAL_NOTE)
    return qs.order_by("created_at", "id")


def thread_attachment(
    *, thread_id: int | None, attachment_id: int | str, include_internal: bool
) -> Attachment:
    """One of the thread's files, or 404 (another thread's, or an internal note's when not
    asked for)."""
    try:
        pk = int(attachment_id)
    except (ValueError, TypeError):
        raise Http404("No such attachment.") from None
    if thread_id is None:
        raise Http404("No such attachment.")
    attachment = (
        thread_attachments(thread_id, include_internal=include_internal).filter(pk=pk).first()
    )
    if attachment is None:
        raise Http404("No such attachment.")
    return attachment


def thread_last_read(user: User, thread_id: int | None) -> int:
    if thread_id is None:
        return 0
    row = ThreadRead.objects.filter(user=user, thread_id=thread_id).values("last_message_id")
    first = row.first()
    return first["last_message_id"] if first else 0


def thread_unread_counts(
    user: User,
    thread_ids: Iterable[int | None] | QuerySet,
    *,
    include_internal: bool,
    key: str = "thread_id",
) -> dict[int, int]:
    """Unread messages per thread, in one query: messages by others past the user's read
    marker. The caller passes only threads the user may read (ids, or a query of ids), and may
    count by its own field instead of the thread (`key`, e.g. "thread__report")."""
    if not isinstance(thread_ids, QuerySet):
        thread_ids = [int(i) for i in thread_ids if i is not None]
        if not thread_ids:
            return {}
    last_read = ThreadRead.objects.filter(user=user, thread_id=OuterRef("thread_id")).values(
        "last_message_id"
    )[:1]
    qs = (
        Message.objects.filter(thread_id__in=thread_ids)
        .exclude(author=user)
        .annotate(last_read=Subquery(last_read))
        .filter(Q(last_read__isnull=True) | Q(id__gt=F("last_read")))
    )
    if not include_internal:
        qs = qs.exclude(kind=MessageKind.INTERNAL_NOTE)
    return {row[key]: row["n"] for row in qs.order_by().values(key).annotate(n=Count("id"))}
