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
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from portal.services import notify_many
from portal.text import by_language, lazy_format

from . import clock
from .lifecycle import DivisionStaff, reports_lapse
from .models import OPEN_STATUSES, ReminderSent, Report

BATCH_SIZE = 250


@dataclass
class SweepResult:
    reminders: int = 0
    lapsed: int = 0


def lapse_due_reports(*, now: datetime.datetime, batch_size: int = BATCH_SIZE) -> int:
    """Lapse every open report whose deadline is at or before `now`; returns how many.

    Rows locked by someone else (an officer deciding right now, or a concurrent sweep) are
    skipped; whoever holds them decides, or the next sweep lapses them.
    """
    lapsed = 0
    while True:
        with transaction.atomic():
            batch = list(
                Report.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(status__in=OPEN_STATUSES, decision_due_at__lte=now)
                .order_by("decision_due_at", "id")[:batch_size]
            )
            lapsed += len(reports_lapse(batch, now))
        if len(batch) < batch_size:
            return lapsed


def send_due_reminders(*, now: datetime.datetime, batch_size: int = BATCH_SIZE) -> int:
    """Send the 7/3/1-day reminders whose moment has come; returns how many were sent.

    Reminders go to the assigned officer (or, if none, the division's officers) and the
    division's supervisors. When several moments have passed (a report filed close to its
    deadline, or the sweep was down), only the most urgent is sent and the earlier ones are
    recorded as covered.
    """
    days = sorted(settings.REMINDER_DAYS_BEFORE)
    horizon = now + datetime.timedelta(days=max(days))
    sent = 0
    # Only reports whose most urgent moment so far has no reminder row yet: the rest of the
    # window (thousands of reports, already reminded) is neither locked nor read, so a sweep
    # with nothing to send is one statement.
    most_urgent = models.Case(
        *[
            models.When(decision_due_at__lte=now + datetime.timedelta(days=d), then=models.Value(d))
            for d in days
        ],
        output_field=models.PositiveSmallIntegerField(),
    )
    reminded = ReminderSent.objects.filter(
        report=models.OuterRef("pk"),
        due_at=models.OuterRef("decision_due_at"),
        days_before=models.OuterRef("most_urgent"),
    )
    open_in_window = Report.objects.filter(
        status__in=OPEN_STATUSES, decision_due_at__gt=now, decision_due_at__lte=horizon
    )
    # The ids first, in deadline order and without locks (the index report_open_due holds
    # the deadline and the id); then each batch is locked, re-checked and read. A report
    # locked by someone else is skipped and reminded by the next sweep; one reminded by a
    # concurrent sweep meanwhile is seen in `recorded` below, read under the lock.
    due_ids = list(
        open_in_window.alias(most_urgent=most_urgent)
        .filter(~models.Exists(reminded))
        .order_by("decision_due_at", "id")
        .values_list("id", flat=True)
    )
    for start in range(0, len(due_ids), batch_size):
        with transaction.atomic():
            batch = list(
                open_in_window.select_for_update(skip_locked=True, of=("self",))
                .filter(pk__in=due_ids[start : start + batch_size])
                .select_related("organisation")
                .order_by("decision_due_at", "id")
            )
            if not batch:
                continue
            # Read under the lock: a sweep that committed before us is seen here.
            recorded = set(
                ReminderSent.objects.filter(report__in=batch).values_list(
                    "report_id", "days_before", "due_at"
                )
            )
            new_rows: list[ReminderSent] = []
            to_send: list[tuple[Report, int]] = []
            due_by: dict[int, datetime.datetime] = {}
            for report in batch:
                due = report.decision_due_at
                assert due is not None  # filtered on decision_due_at above
                due_by[report.pk] = due
                moments = [d for d in days if due - datetime.timedelta(days=d) <= now]
                if not moments or (report.pk, moments[0], due) in recorded:
                    continue
                pending = [d for d in moments if (report.pk, d, due) not in recorded]
                new_rows += [
                    ReminderSent(report=report, days_before=d, due_at=due) for d in pending
                ]
                to_send.append((report, moments[0]))
            if to_send:
                # The unique constraint is the last guard against a reminder sent twice.
                ReminderSent.objects.bulk_create(new_rows)
                staff = DivisionStaff({r.responsible_division_id for r, _d in to_send})
                messages = []
                for report, urgent in to_send:
                    messages.append(
                        {
                            "recipients": staff.deciders(report),
                            "verb": f"report.reminder_{urgent}d",
                            "title": lazy_format(
                                _("%(reference)s: decision due in %(days)s days"),
                                {"reference": report.reference, "days": urgent},
                            ),
                            "body": lazy_format(
                                _(
                                    "The decision on %(reference)s (%(org)s) is due by the end of "
                                    "%(day)s (JST). Without a decision it lapses at the deadline."
                                ),
                                {
                                    "reference": report.reference,
                                    "org": by_language(
                                        report.organisation.name_ja, report.organisation.name_en
                                    ),
                                    "day": clock.last_day_of(due_by[report.pk]).isoformat(),
                                },
                            ),
                            "url": report.get_absolute_url(),
                        }
                    )
                notify_many(messages)
                sent += len(to_send)
    return sent


def deadlines_sweep(*, now: datetime.datetime) -> SweepResult:
    """Lapse what is due, then remind what is coming up."""
    result = SweepResult()
    result.lapsed = lapse_due_reports(now=now)
    result.reminders = send_due_reminders(now=now)
    return result
