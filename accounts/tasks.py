from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def purge_unconfirmed_applications() -> int:
    """Delete applications never confirmed long after their link expired (safe to run twice)."""
    return services.applications_unconfirmed_purge()
