import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from .models import Notification

logger = logging.getLogger(__name__)


@shared_task(
    ignore_result=True,
    autoretry_for=(OSError,),
    retry_backoff=30,
    retry_backoff_max=3600,
    max_retries=8,
)
def send_notification_email(notification_id: str) -> bool:
    """E-mail one notification, once.

    The row is claimed before sending so that a rerun or a second worker does nothing; if
    the mail server fails, the claim is released and the task retries with backoff.
    """
    claimed = Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return False
    n = Notification.objects.select_related("recipient").get(pk=notification_id)
    if not n.recipient.email:
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
    except Exception:
        Notification.objects.filter(pk=notification_id).update(emailed_at=None)
        raise
    return True


@shared_task(ignore_result=True)
def send_notification_emails(notification_ids: list[str]) -> int:
    """E-mail a batch of notifications; one that fails is retried on its own."""
    sent = 0
    for pk in notification_ids:
        try:
            sent += bool(send_notification_email(pk))
        except Exception:
            logger.warning("e-mail for notification %s failed; retrying on its own", pk)
            send_notification_email.apply_async((pk,), countdown=60)
    return sent
