import logging

from celery import shared_task
from django.utils import timezone

from .clock import compliance_due_dates_sweep

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def sweep_compliance_due_dates() -> dict:
    """Beat's sweep of the compliance cases' due dates; idempotent, so a rerun does nothing."""
    result = compliance_due_dates_sweep(now=timezone.now())
    logger.info("compliance sweep: %s reminders, %s overdue", result.reminders, result.overdue)
    return {"reminders": result.reminders, "overdue": result.overdue}
