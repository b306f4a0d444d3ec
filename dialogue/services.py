"""Writes of the dialogue: messages, attachments, read markers and reassignment. The officers'
transitions that open and close it (start dialogue, conclude, not subject) are in
reports.lifecycle."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from portal import roles
from portal.models import User
from portal.selectors import organisation_members
from portal.services import audit_record, notify
from portal.text import lazy_format
from reports import lifecycle
from reports.models import Report

from . import threads
from .models import EXPORTER_KINDS, Attachment, Message, MessageKind, Thread

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


# --- messages and attachments -------------------------------------------------------------


def _report_thread(report: Report) -> Thread:
    """The report's thread, made on first use; the caller holds the report's row lock."""
    if report.thread_id is None:
        report.thread = threads.thread_create()
        report.save(update_fields=["thread", "updated_at"])
    assert report.thread is not None
    return report.thread


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
        message = threads.thread_post(
            thread=_report_thread(report),
            actor=actor,
            kind=kind,
            body=body,
            files=files,
            allowed_kinds=EXPORTER_KINDS if roles.is_exporter(actor) else MessageKind.values,
            audit_target=report,
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
    return message


def attachment_upload(
    *, actor: User, report_id: int, file: UploadedFile, message_id: int | None = None
) -> Attachment:
    """Attach a file to a report, or to one of the actor's own messages on it."""
    with transaction.atomic():
        report = _lock_report(report_id)
        lifecycle.require(report, actor, "discuss")
        attachment = threads.thread_attach(
            thread=_report_thread(report),
            actor=actor,
            file=file,
            message_id=message_id,
            audit_target=report,
        )
        if message_id is None:
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
    """Record that the user has read the report's thread up to a message."""
    thread_id = Report.objects.filter(pk=report_id).values_list("thread_id", flat=True).first()
    if thread_id is not None:
        threads.thread_mark_read(user=user, thread_id=thread_id, up_to_message_id=up_to_message_id)


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
