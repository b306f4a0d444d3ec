"""Writes of the portal app: the audit trail and notifications."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.db import models, transaction
from django.utils import translation

from .models import AuditRecord, Notification, User
from .request_context import current_request_id
from .tasks import send_notification_emails

SYSTEM_ACTOR = "system"

logger = logging.getLogger(__name__)


def _audit_row(
    actor: User | None, verb: str, target: models.Model | None, payload: dict | None
) -> AuditRecord:
    return AuditRecord(
        actor=actor,
        actor_label=actor.username if actor is not None else SYSTEM_ACTOR,
        verb=verb,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:300] if target is not None else "",
        payload=payload or {},
        request_id=current_request_id.get(),
    )


def audit_record(
    *, actor: User | None, verb: str, target: models.Model | None, payload: dict | None = None
) -> AuditRecord:
    """Append one row to the audit trail; actor None means the scheduled clock (`system`)."""
    row = _audit_row(actor, verb, target, payload)
    row.save()
    return row


def audit_record_many(
    *, actor: User | None, verb: str, entries: Iterable[tuple[models.Model, dict]]
) -> list[AuditRecord]:
    """The same rows as audit_record, one per (target, payload), in one insert (batch jobs)."""
    return AuditRecord.objects.bulk_create(
        [_audit_row(actor, verb, target, payload) for target, payload in entries]
    )


def _in_both_languages(text: Any) -> tuple[str, str]:
    with translation.override("ja"):
        ja = str(text)
    with translation.override("en"):
        en = str(text)
    return ja, en


def _notification_rows(
    recipients: Iterable[User], verb: str, title: Any, body: Any, url: str, exclude: User | None
) -> list[Notification]:
    title_ja, title_en = _in_both_languages(title)
    body_ja, body_en = _in_both_languages(body)
    seen: set[int] = set()
    rows = []
    for user in recipients:
        if user.pk in seen or not user.is_active or (exclude is not None and user.pk == exclude.pk):
            continue
        seen.add(user.pk)
        rows.append(
            Notification(
                recipient=user,
                verb=verb,
                title_ja=title_ja[:300],
                title_en=title_en[:300],
                body_ja=body_ja,
                body_en=body_en,
                url=url,
            )
        )
    return rows


def notify_many(messages: Iterable[dict[str, Any]]) -> list[Notification]:
    """Create in-app notifications and queue their e-mails, sent only if the caller commits.

    Each message is notify()'s keyword arguments. `title` and `body` are lazy translatable
    strings, stored in Japanese and English. All rows go in one insert and one broker message.
    """
    rows = [
        row
        for m in messages
        for row in _notification_rows(
            m["recipients"],
            m["verb"],
            m["title"],
            m.get("body", ""),
            m.get("url", ""),
            m.get("exclude"),
        )
    ]
    Notification.objects.bulk_create(rows)
    if rows:
        ids = [str(n.pk) for n in rows]
        transaction.on_commit(lambda: notification_emails_enqueue(ids=ids))
    return rows


def notification_emails_enqueue(*, ids: list[str]) -> bool:
    """Hand committed outbox rows to the worker now; if the broker is down, beat does it later.

    Never raises: the action that wrote the rows has committed and must answer success.
    """
    try:
        send_notification_emails.delay(ids)
    except Exception:
        logger.warning(
            "broker unavailable; %d e-mail(s) stay in the outbox for the next delivery run",
            len(ids),
            exc_info=True,
        )
        return False
    return True


def notify(
    *,
    recipients: Iterable[User],
    verb: str,
    title: Any,
    body: Any = "",
    url: str = "",
    exclude: User | None = None,
) -> list[Notification]:
    """Notify these users in the app and by e-mail once the caller's transaction commits."""
    return notify_many(
        [
            {
                "recipients": recipients,
                "verb": verb,
                "title": title,
                "body": body,
                "url": url,
                "exclude": exclude,
            }
        ]
    )


def notification_mark_read(
    *, user: User, notification_ids: Iterable[str] | None = None, url: str | None = None
) -> int:
    """Mark the user's notifications read: those given, those about the page at `url` (seen
    once the page is viewed), or all of them when neither is given."""
    from django.utils import timezone

    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    if url is not None:
        qs = qs.filter(url=url)
    return qs.update(read_at=timezone.now())


def sequence_next(*, key: str) -> int:
    """Next number of a counter, unique under concurrency; call inside the caller's transaction.

    The row lock (select_for_update) serialises concurrent takers until their transactions end,
    so a rolled-back submit gives its number back instead of leaving a duplicate or a gap.
    """
    from django.db import IntegrityError

    from .models import Sequence

    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("sequence_next must run inside a transaction")
    try:
        with transaction.atomic():
            Sequence.objects.get_or_create(key=key)
    except IntegrityError:
        pass  # another transaction created the row first; lock it below
    seq = Sequence.objects.select_for_update().get(key=key)
    seq.last += 1
    seq.save(update_fields=["last"])
    return seq.last
