import logging

from celery import shared_task
from django.utils import timezone

from .services import consultations_remind

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def remind_unanswered_consultations() -> int:
    """Beat's reminder of consultations left unanswered; idempotent, so a rerun does nothing."""
    sent = consultations_remind(now=timezone.now())
    logger.info("consultation reminders: %s", sent)
    return sent
