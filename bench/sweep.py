"""The decision clock's sweep, measured on the data of bench/seed.py.

    .venv/bin/python bench/sweep.py [--due 1000] [--runs 5] [--busy-runs 3]

As of the moment the data was seeded (the sweep takes its `now` from there), about a fifth of
the reports are open, some 5,000 of them due within 7 days with their reminders already
recorded. The benchmark times:

1. the sweep with nothing due (the common case: beat runs it every 15 minutes), the median of
   `--runs` runs, against 50 ms;
2. the sweep after `--due` open reports were moved past their deadline and as many others to
   their 7-day reminder moment, against 2 s: the median of `--busy-runs`, each on reports
   drawn anew and put back afterwards;
3. an idle re-run right after.

The moved reports are put back afterwards (their history rows, reminders and notifications
removed; the audit trail is append-only and keeps its rows), so the data stays as seeded.
The broker is Redis when BENCH_REDIS_URL is set (its queue is purged afterwards), otherwise
kombu's in-memory transport, so that no bench message reaches a real worker.
Exits 1 when a budget is missed.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import sys
import time

from common import machine, median, setup_django

IDLE_BUDGET_S = 0.050
BUSY_BUDGET_S = 2.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--due", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=5, help="idle sweeps to take the median of")
    parser.add_argument(
        "--busy-runs", type=int, default=3, help="busy sweeps to take the median of"
    )
    args = parser.parse_args()

    if os.environ.get("BENCH_REDIS_URL"):
        os.environ["REDIS_URL"] = os.environ["BENCH_REDIS_URL"]
    else:
        os.environ.pop("REDIS_URL", None)
    setup_django()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Max
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import translation
    from django.utils.translation import gettext as _
    from seed import seeded_at

    from portal.celery import app
    from portal.models import Notification
    from reports.models import OPEN_STATUSES, ReminderSent, Report, ReportTransition
    from reports.sweep import (
        SweepResult,
        deadlines_sweep,
        lapse_due_reports,
        send_due_reminders,
    )

    if not os.environ.get("BENCH_REDIS_URL"):
        settings.CELERY_BROKER_URL = "memory://"
        app.conf.broker_url = "memory://"
    call_command("migrate", verbosity=0)
    now = seeded_at()
    if now is None:
        sys.exit("sweep: the bench database is not seeded (bench/seed.py)")
    open_count = Report.objects.filter(status__in=OPEN_STATUSES).count()
    window = Report.objects.filter(
        status__in=OPEN_STATUSES,
        decision_due_at__gt=now,
        decision_due_at__lte=now + datetime.timedelta(days=7),
    ).count()
    print(
        f"sweep: {Report.objects.count():,} reports, {open_count:,} open, {window:,} due within "
        f"7 days of {now:%Y-%m-%d %H:%M} UTC; broker {app.conf.broker_url.split(':')[0]}; "
        f"{machine()}"
    )

    def timed() -> tuple[float, int, object]:
        with CaptureQueriesContext(connection) as captured:
            t0 = time.perf_counter()
            result = deadlines_sweep(now=now)
            elapsed = time.perf_counter() - t0
        return elapsed, len(captured.captured_queries), result

    # What a worker has done before its first sweep: connect, import the URL conf (reports'
    # links are reversed) and load the translations (notifications are stored in ja and en).
    deadlines_sweep(now=now)
    reverse("home")
    for language in ("ja", "en"):
        with translation.override(language):
            str(_("Lapsed at the deadline"))
    idle = [timed() for _ in range(args.runs)]
    idle_s = median([t for t, _q, _r in idle])
    idle_q = idle[0][1]
    assert all(r.lapsed == 0 and r.reminders == 0 for _t, _q, r in idle), "not idle"

    # Reports to move: open, due well after the 7-day window, so none has a reminder yet.
    far = list(
        Report.objects.filter(
            status__in=OPEN_STATUSES, decision_due_at__gt=now + datetime.timedelta(days=8)
        )
        .order_by("id")
        .values_list("id", "status", "decision_due_at", "updated_at")
    )
    rng = random.Random(7)
    runs = []
    for _run in range(args.busy_runs):
        moved = rng.sample(far, 2 * args.due)
        last_transition = ReportTransition.objects.aggregate(m=Max("id"))["m"] or 0
        last_reminder = ReminderSent.objects.aggregate(m=Max("id"))["m"] or 0
        started_at = datetime.datetime.now(datetime.UTC)
        for i, (pk, *_rest) in enumerate(moved):
            due = (
                now - datetime.timedelta(minutes=1 + i % 600)
                if i < args.due
                else now + datetime.timedelta(days=7, minutes=-(1 + i % 600))
            )
            Report.objects.filter(pk=pk).update(decision_due_at=due)
        try:
            # deadlines_sweep is these two in turn; timed apart to show where the time goes.
            with CaptureQueriesContext(connection) as captured:
                t0 = time.perf_counter()
                busy = SweepResult(lapsed=lapse_due_reports(now=now))
                lapse_s = time.perf_counter() - t0
                busy.reminders = send_due_reminders(now=now)
                busy_s = time.perf_counter() - t0
            written = Notification.objects.filter(created_at__gte=started_at).count()
            again_s, again_q, again = timed()
        finally:
            restore(moved, last_transition, last_reminder, started_at)
            if os.environ.get("BENCH_REDIS_URL"):
                app.control.purge()
        assert busy.lapsed == args.due and busy.reminders == args.due, busy
        assert again.lapsed == 0 and again.reminders == 0, again
        runs.append((busy_s, lapse_s, len(captured.captured_queries), written, again_s, again_q))
    runs.sort()
    busy_s, lapse_s, busy_q, written, again_s, again_q = runs[len(runs) // 2]
    notifications = Notification.objects.filter(created_at__gte=started_at).count()

    ok_idle = idle_s <= IDLE_BUDGET_S
    ok_busy = busy_s <= BUSY_BUDGET_S
    print()
    print("| sweep | time (queries) | budget | |")
    print("|---|---|---|---|")
    print(
        f"| nothing due (median of {args.runs}) | {idle_s * 1000:.0f} ms ({idle_q}) "
        f"| ≤ 50 ms | {'ok' if ok_idle else 'MISSED'} |"
    )
    print(
        f"| {args.due:,} lapses + {args.due:,} reminders among {Report.objects.count():,} "
        f"(median of {len(runs)}: {', '.join(f'{r[0]:.2f}' for r in runs)} s) "
        f"| {busy_s:.2f} s ({busy_q}): lapses {lapse_s:.2f} s, reminders "
        f"{busy_s - lapse_s:.2f} s, {written:,} notifications | ≤ 2 s "
        f"| {'ok' if ok_busy else 'MISSED'} |"
    )
    print(f"| idle re-run right after (nothing left) | {again_s * 1000:.0f} ms ({again_q}) | | |")
    print(f"\nnotifications left after restoring: {notifications}")
    if not (ok_idle and ok_busy):
        sys.exit(1)


def restore(moved, last_transition: int, last_reminder: int, started_at) -> None:
    """Put the moved reports back as seeded and remove what the sweep wrote for them."""
    from django.db import connection, transaction

    from portal.models import Notification
    from reports.models import ReminderSent, ReportTransition

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.executemany(
                "UPDATE reports_report SET status = %s, decision_due_at = %s, updated_at = %s, "
                "closed_at = NULL WHERE id = %s",
                [(status, due, updated, pk) for pk, status, due, updated in moved],
            )
        ReportTransition.objects.filter(id__gt=last_transition).delete()
        ReminderSent.objects.filter(id__gt=last_reminder).delete()
        Notification.objects.filter(created_at__gte=started_at).delete()
    connection.set_autocommit(True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE reports_report")
        cursor.execute("VACUUM reports_remindersent")


if __name__ == "__main__":
    main()
