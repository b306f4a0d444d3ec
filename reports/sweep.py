"""The decision clock's sweep (domain.md, "The 30-day decision clock"), run by Celery beat.

Safe to run twice, concurrently, late or after downtime:
- lapses claim due rows with SELECT ... FOR UPDATE SKIP LOCKED in deadline order, in batches,
  and each transition re-checks the state, so a report lapses once and never after someone
  decided it;
- each reminder is a unique (report, days_before, due_at) row inserted in the same
  transaction as its notifications, so it is sent once per deadline (an extension gives a
  new deadline and so new reminders);
- a missed reminder is sent late only while the report is still open and before its
  deadline; the lapse comes first, so downtime past a deadline sends no stale reminders.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from portal.selectors import division_officers, division_supervisors
from portal.services import notify

from . import clock
from .models import OPEN_STATUSES, ReminderSent, Report
from .services import _lapse_locked, _report_url

BATCH_SIZE = 200


@dataclass
class SweepResult:
    reminders: int = 0
    lapsed: int = 0


def lapse_due_reports(*, now: datetime.datetime, batch_size: int = BATCH_SIZE) -> int:
    """Lapse every open report whose deadline is at or before `now`; returns how many."""
    lapsed = 0
    while True:
        with transaction.atomic():
            batch = list(
                Report.objects.select_for_update(skip_locked=True)
                .filter(status__in=OPEN_STATUSES, decision_due_at__lte=now)
                .order_by("decision_due_at", "id")[:batch_size]
            )
            for report in batch:
                _lapse_locked(report, now)
        lapsed += len(batch)
        if len(batch) < batch_size:
            return lapsed


def _reminder_recipients(report: Report) -> list:
    people = list(division_supervisors(report.responsible_division_id))
    if report.assigned_officer_id:
        people.append(report.assigned_officer)
    else:
        people.extend(division_officers(report.responsible_division_id))
    return people


def send_due_reminders(*, now: datetime.datetime) -> int:
    """Send the 7/3/1-day reminders whose moment has come; returns how many were sent.

    When several moments have passed (a report filed close to its deadline, or the sweep
    was down), only the most urgent is sent and the earlier ones are recorded as covered.
    """
    days = sorted(settings.REMINDER_DAYS_BEFORE)
    horizon = now + datetime.timedelta(days=max(days))
    candidates = (
        Report.objects.filter(
            status__in=OPEN_STATUSES, decision_due_at__gt=now, decision_due_at__lte=horizon
        )
        .select_related("assigned_officer", "organisation")
        .prefetch_related("reminders")
        .order_by("decision_due_at", "id")
    )
    sent = 0
    for report in candidates.iterator(chunk_size=500):
        due = report.decision_due_at
        recorded = {r.days_before for r in report.reminders.all() if r.due_at == due}
        moments = [d for d in days if due - datetime.timedelta(days=d) <= now]
        pending = [d for d in moments if d not in recorded]
        if not pending or min(moments) in recorded:
            continue
        try:
            with transaction.atomic():
                locked = Report.objects.select_for_update().get(pk=report.pk)
                if locked.status not in OPEN_STATUSES or locked.decision_due_at != due:
                    continue
                # The unique constraint makes a concurrent sweep fail here instead of
                # sending the same reminder twice.
                ReminderSent.objects.bulk_create(
                    [ReminderSent(report=locked, days_before=d, due_at=due) for d in pending]
                )
                urgent = min(pending)
                notify(
                    recipients=_reminder_recipients(report),
                    verb=f"report.reminder_{urgent}d",
                    title=_("%(reference)s: decision due in %(days)s days")
                    % {"reference": report.reference, "days": urgent},
                    body=_(
                        "The decision on %(reference)s (%(org)s) is due by the end of %(day)s "
                        "(JST). Without a decision it lapses at the deadline."
                    )
                    % {
                        "reference": report.reference,
                        "org": report.organisation.name_ja,
                        "day": clock.last_day_of(due).isoformat(),
                    },
                    url=_report_url(report),
                )
        except IntegrityError:
            continue
        sent += 1
    return sent


def deadlines_sweep(*, now: datetime.datetime) -> SweepResult:
    """Lapse what is due, then remind what is coming up."""
    result = SweepResult()
    result.lapsed = lapse_due_reports(now=now)
    result.reminders = send_due_reminders(now=now)
    return result
