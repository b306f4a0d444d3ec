import logging

from celery import shared_task
from django.utils import timezone

from .sweep import deadlines_sweep

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def sweep_deadlines() -> dict:
    """Beat's 15-minute sweep of the decision clock; idempotent, so a rerun does nothing."""
    result = deadlines_sweep(now=timezone.now())
    logger.info("deadline sweep: %s reminders, %s lapsed", result.reminders, result.lapsed)
    return {"reminders": result.reminders, "lapsed": result.lapsed}
