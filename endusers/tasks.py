"""The worker's side of screening: batches of reports by id, each safe to run twice."""

import logging

from celery import shared_task

from . import screening

logger = logging.getLogger(__name__)

# How many open reports one sweep screens at most; the rest wait for the next run.
SWEEP_LIMIT = 20_000


@shared_task(ignore_result=True)
def screen_reports(version_id: int, report_ids: list[int]) -> int:
    """Screen a batch of reports against a version; reports already screened are skipped."""
    return screening.reports_screen(version_id=version_id, report_ids=report_ids)


@shared_task(ignore_result=True)
def screen_report(report_id: int) -> int:
    """Screen one newly submitted report against the version in force (if any)."""
    version = screening.version_in_force()
    if version is None:
        return 0
    return screening.reports_screen(version_id=version.pk, report_ids=[report_id])


@shared_task(ignore_result=True)
def rescreen_open_reports(version_id: int) -> int:
    """After a version is applied: every open report, queued in batches."""
    ids = screening.open_report_ids()
    for batch in screening.batches(ids):
        screen_reports.delay(version_id, batch)
    return len(ids)


@shared_task(ignore_result=True)
def sweep_unscreened() -> int:
    """Beat's safety net: open reports never screened against the version in force (their
    screening was not queued, or was lost) are screened now, batch by batch."""
    version = screening.version_in_force()
    if version is None:
        return 0
    ids = screening.open_report_ids_unscreened(version, SWEEP_LIMIT)
    found = 0
    for batch in screening.batches(ids):
        found += screening.reports_screen(version_id=version.pk, report_ids=batch)
    if ids:
        logger.info("end user screening sweep: %s reports, %s matches", len(ids), found)
    return len(ids)
