"""Threads: the public-private dialogue (官民対話) on a report, and the same machinery for
consultations and compliance cases. A thread knows nothing of its owner: the owner holds a
one-to-one link to it and decides who may read and post (dialogue.threads)."""

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


class Thread(models.Model):
    """A conversation with its messages, files and read markers. Its owner (a report, a
    consultation, a compliance case) points at it with a one-to-one field."""

    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("thread")
        verbose_name_plural = _("threads")

    def __str__(self) -> str:
        return f"thread {self.pk}"


class Message(models.Model):
    """One message of a thread; `internal_note` is never shown to the company."""

    # Indexed by message_thread_id (thread first), not on its own.
    thread = models.ForeignKey(
        Thread, on_delete=models.CASCADE, related_name="messages", db_index=False
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
            # A thread in order (dialogue.threads.thread_messages orders by created_at, id:
            # ids grow with time) and unread counts past a read marker (thread_unread_counts).
            models.Index(fields=["thread", "id"], name="message_thread_id")
        ]

    def __str__(self) -> str:
        return f"{self.thread_id} #{self.pk} {self.kind}"

    @property
    def is_internal(self) -> bool:
        return self.kind == MessageKind.INTERNAL_NOTE


def _attachment_path(instance: Attachment, filename: str) -> str:
    # A generated name only: the user's file name never reaches the file system.
    return f"attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    """An uploaded file, stored outside the web root and served only by access-checked views."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="attachments")
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
    """How far a user has read a thread: messages with a higher id are unread."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="reads")
    last_message_id = models.BigIntegerField(default=0)
    last_read_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "thread"], name="thread_read_once_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.thread_id} up to {self.last_message_id}"
