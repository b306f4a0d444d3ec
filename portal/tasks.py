from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from .models import Notification


@shared_task(ignore_result=True)
def send_notification_email(notification_id: str) -> bool:
    """E-mail one notification, once: the row is claimed before sending, so a rerun is a no-op."""
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
    send_mail(
        subject=f"[事前報告ポータル] {n.title_ja} / {n.title_en}",
        message=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[n.recipient.email],
    )
    return True


@shared_task(ignore_result=True)
def send_notification_emails(notification_ids: list[str]) -> int:
    """E-mail a batch of notifications, each at most once."""
    return sum(bool(send_notification_email(pk)) for pk in notification_ids)
