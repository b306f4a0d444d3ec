import datetime
import logging
from pathlib import Path

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from .models import Attachment

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def attachments_purge_orphans(older_than_hours: int = 24) -> int:
    """Delete stored files that no attachment row points at (left by a rolled-back upload).

    Files younger than `older_than_hours` are kept: their upload may still be committing.
    Safe to run twice or concurrently: it only ever removes files nothing refers to.
    """
    root = Path(settings.MEDIA_ROOT) / "attachments"
    if not root.is_dir():
        return 0
    cutoff = (timezone.now() - datetime.timedelta(hours=older_than_hours)).timestamp()
    known = set(Attachment.objects.values_list("file", flat=True))
    removed = 0
    for path in root.rglob("*"):
        if not path.is_file() or path.stat().st_mtime > cutoff:
            continue
        if path.relative_to(settings.MEDIA_ROOT).as_posix() not in known:
            path.unlink(missing_ok=True)
            removed += 1
    if removed:
        logger.info("Removed %d orphaned attachment files", removed)
    return removed
