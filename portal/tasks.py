"""The e-mail outbox: notifications are rows, delivered by the worker and re-queued by beat."""

import datetime
import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db.models import F, Q
from django.utils import timezone

from .models import EmailState, Notification

logger = logging.getLogger(__name__)

# A worker that died mid-send leaves its claim; after this long another may take the row.
CLAIM_TIMEOUT = datetime.timedelta(minutes=10)


def _backoff(attempts: int) -> datetime.timedelta:
    """30 s, 1 min, 2 min … capped at an hour: a mail server that is down is not hammered."""
    return datetime.timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


def _claim(notification_id: str) -> bool:
    """Take the row for one delivery attempt; a second worker or a rerun finds nothing to do."""
    now = timezone.now()
    return bool(
        Notification.objects.filter(pk=notification_id, email_state=EmailState.PENDING)
        .filter(Q(email_claimed_at__isnull=True) | Q(email_claimed_at__lt=now - CLAIM_TIMEOUT))
        .filter(Q(email_next_attempt_at__isnull=True) | Q(email_next_attempt_at__lte=now))
        .update(email_claimed_at=now, email_attempts=F("email_attempts") + 1)
    )


@shared_task(ignore_result=True)
def send_notification_email(notification_id: str) -> bool:
    """E-mail one notification, once; on failure the row waits for its next attempt."""
    if not _claim(notification_id):
        return False
    n = Notification.objects.select_related("recipient").get(pk=notification_id)
    if not n.recipient.email:
        Notification.objects.filter(pk=n.pk).update(
            email_state=EmailState.SKIPPED, email_claimed_at=None
        )
        return False
    link = f"{settings.PORTAL_BASE_URL}{n.url}" if n.url else settings.PORTAL_BASE_URL
    body = f"{n.body_ja}\n\n{link}\n\n----- English -----\n{n.title_en}\n\n{n.body_en}\n\n{link}\n"
    try:
        send_mail(
            subject=f"[事前報告ポータル] {n.title_ja} / {n.title_en}",
            message=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[n.recipient.email],
        )
    except Exception as exc:
        gave_up = n.email_attempts >= settings.EMAIL_OUTBOX_MAX_ATTEMPTS
        Notification.objects.filter(pk=n.pk).update(
            email_state=EmailState.FAILED if gave_up else EmailState.PENDING,
            email_claimed_at=None,
            email_next_attempt_at=timezone.now() + _backoff(n.email_attempts),
            email_last_error=f"{exc.__class__.__name__}: {exc}"[:300],
        )
        logger.warning(
            "e-mail for notification %s failed (attempt %s%s): %s",
            n.pk,
            n.email_attempts,
            ", giving up" if gave_up else "",
            exc,
        )
        return False
    Notification.objects.filter(pk=n.pk).update(
        email_state=EmailState.SENT, emailed_at=timezone.now(), email_claimed_at=None
    )
    return True


@shared_task(ignore_result=True)
def send_notification_emails(notification_ids: list[str]) -> int:
    """E-mail a batch of notifications; one that fails waits for its own next attempt."""
    return sum(bool(send_notification_email(pk)) for pk in notification_ids)


@shared_task(ignore_result=True)
def deliver_pending_emails() -> int:
    """Beat: queue what the outbox still holds (broker was down, mail failed, worker died)."""
    now = timezone.now()
    ids = [
        str(pk)
        for pk in Notification.objects.filter(
            email_state=EmailState.PENDING,
            created_at__lt=now - datetime.timedelta(seconds=settings.EMAIL_OUTBOX_GRACE_SECONDS),
        )
        .filter(Q(email_claimed_at__isnull=True) | Q(email_claimed_at__lt=now - CLAIM_TIMEOUT))
        .filter(Q(email_next_attempt_at__isnull=True) | Q(email_next_attempt_at__lte=now))
        .order_by("created_at")
        .values_list("pk", flat=True)[: settings.EMAIL_OUTBOX_BATCH]
    ]
    for start in range(0, len(ids), 100):
        send_notification_emails.delay(ids[start : start + 100])
    return len(ids)


@shared_task(ignore_result=True)
def purge_idempotency_keys() -> int:
    """Beat: forget Idempotency-Key answers past their retention."""
    from .idempotency import idempotency_keys_purge

    return idempotency_keys_purge()
