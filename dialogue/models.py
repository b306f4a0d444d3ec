"""The public-private dialogue (官民対話) on a report: its messages, attachments and read markers."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.rules import RuleCode

from .limits import MESSAGE_BODY_MAX_LENGTH


class MessageKind(models.TextChoices):
    QUESTION = "question", _("Question")
    ANSWER = "answer", _("Answer")
    CONCERN_INFORMATION = "concern_information", _("Concern information")
    ADVICE = "advice", _("Advice")
    SUPPORT_MEASURE = "support_measure", _("Support measure")
    MEETING_RECORD = "meeting_record", _("Meeting record")
    INTERNAL_NOTE = "internal_note", _("Internal note (METI only)")


# The kinds an exporter may post (api.md, "Dialogue"); everything else is METI's.
EXPORTER_KINDS = frozenset({MessageKind.QUESTION, MessageKind.ANSWER})


# The screening rules of domain.md by which a filed report can turn out not to be subject:
# the one enum of rule codes (catalog.rules), never a copy of it.
NotSubjectRule = RuleCode


class Message(models.Model):
    """One message of a report's thread; `internal_note` is never shown to the exporter."""

    # Indexed by message_report_id (report first), not on its own.
    report = models.ForeignKey(
        "reports.Report", on_delete=models.CASCADE, related_name="messages", db_index=False
    )
    kind = models.CharField(_("kind"), max_length=30, choices=MessageKind.choices)
    body = models.TextField(_("message"), max_length=MESSAGE_BODY_MAX_LENGTH)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="dialogue_messages",
    )
    # The author's role when posting: a user who later changes role keeps their old messages'.
    author_role = models.CharField(_("author's role"), max_length=20)
    created_at = models.DateTimeField(_("posted at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [
            # A thread in order (dialogue.selectors.thread_messages orders by created_at, id:
            # ids grow with time) and unread counts past a read marker (unread_message_counts).
            models.Index(fields=["report", "id"], name="message_report_id")
        ]

    def __str__(self) -> str:
        return f"{self.report_id} #{self.pk} {self.kind}"

    @property
    def is_internal(self) -> bool:
        return self.kind == MessageKind.INTERNAL_NOTE


def _attachment_path(instance: Attachment, filename: str) -> str:
    # A generated name only: the user's file name never reaches the file system.
    return f"attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    """An uploaded file, stored outside the web root and served only by access-checked views."""

    report = models.ForeignKey(
        "reports.Report", on_delete=models.CASCADE, related_name="attachments"
    )
    message = models.ForeignKey(
        Message,
        on_delete=models.CASCADE,
        related_name="attachments",
        null=True,
        blank=True,
    )
    file = models.FileField(upload_to=_attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=120)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_internal(self) -> bool:
        return self.message_id is not None and self.message.kind == MessageKind.INTERNAL_NOTE


class ThreadRead(models.Model):
    """How far a user has read a report's thread: messages with a higher id are unread."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    report = models.ForeignKey(
        "reports.Report", on_delete=models.CASCADE, related_name="thread_reads"
    )
    last_message_id = models.BigIntegerField(default=0)
    last_read_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "report"], name="thread_read_once")]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.report_id} up to {self.last_message_id}"
