"""Benchmark of the decision clock's sweep: 100,000 open reports, 1,000 of them due.

Prints how long the sweep takes to lapse the due reports (target: under 5 s on a 2-core
machine) and to send reminders for another 1,000 at their 7-day moment, then how long an
idle sweep takes once there is nothing left to do.

Uses its own PostgreSQL database (BENCH_DATABASE_URL, default portal_bench on 127.0.0.1),
created and migrated if missing; its report tables are emptied at each run.

    .venv/bin/python bench/sweep.py [--reports 100000] [--due 1000]
"""

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DB_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench")


def ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=1_000)
    args = parser.parse_args()

    ensure_database(DB_URL)
    os.environ["DATABASE_URL"] = DB_URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.utils import timezone

    from catalog.models import Country, Technology
    from portal.models import Division, Notification, Organisation, Role, User
    from reports.models import Report, Status
    from reports.sweep import lapse_due_reports, send_due_reminders

    call_command("migrate", verbosity=0)
    call_command("load_catalog", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE reports_report, reports_reporttransition, reports_reportrevision, "
            "reports_remindersent, reports_deadlineextension, portal_notification, "
            "portal_auditrecord CASCADE"
        )
    division = Division.objects.get(code="elec")
    org, _ = Organisation.objects.get_or_create(
        corporate_number="1010001000006",
        defaults={"name_ja": "ベンチ株式会社", "name_en": "Bench Co.", "address": "東京都"},
    )
    people = {
        "bench_exporter": (Role.EXPORTER, org, None),
        "bench_exporter2": (Role.EXPORTER, org, None),
        "bench_officer": (Role.OFFICER, None, division),
        "bench_officer2": (Role.OFFICER, None, division),
        "bench_supervisor": (Role.SUPERVISOR, None, division),
    }
    for username, (role, organisation, div) in people.items():
        User.objects.get_or_create(
            username=username,
            defaults={
                "role": role,
                "organisation": organisation,
                "division": div,
                "email": f"{username}@bench.example.jp",
            },
        )
    exporter = User.objects.get(username="bench_exporter")
    technology = Technology.objects.get(code="mlcc")
    country = Country.objects.get(code="CN")
    now = timezone.now()

    def make(i: int) -> Report:
        if i < args.due:
            due = now - datetime.timedelta(minutes=1 + i % 600)
        elif i < 2 * args.due:
            due = now + datetime.timedelta(days=7) - datetime.timedelta(minutes=1 + i % 600)
        else:
            due = now + datetime.timedelta(days=8 + i % 22, minutes=i % 1440)
        return Report(
            organisation=org,
            created_by=exporter,
            reference=f"PR-BENCH-{i:06d}",
            status=Status.UNDER_DIALOGUE if i % 2 else Status.SUBMITTED,
            technology=technology,
            responsible_division=division,
            counterparty_country=country,
            counterparty_name=f"Counterparty {i}",
            received_at=due - datetime.timedelta(days=30),
            decision_due_at=due,
            revision=1,
        )

    t0 = time.perf_counter()
    batch = 5_000
    for start in range(0, args.reports, batch):
        Report.objects.bulk_create(make(i) for i in range(start, min(start + batch, args.reports)))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE reports_report")
    print(
        f"setup: {args.reports:,} open reports in {time.perf_counter() - t0:.1f} s "
        f"(database {connection.vendor}, broker {settings.CELERY_BROKER_URL.split(':')[0]})"
    )

    settings.DEBUG = True
    reset_queries()
    t0 = time.perf_counter()
    lapsed = lapse_due_reports(now=now)
    t_lapse = time.perf_counter() - t0
    q_lapse = len(connection.queries)
    reset_queries()
    t0 = time.perf_counter()
    reminded = send_due_reminders(now=now)
    t_remind = time.perf_counter() - t0
    q_remind = len(connection.queries)
    print(f"lapse:     {lapsed:,} reports lapsed in {t_lapse:.2f} s ({q_lapse:,} queries)")
    print(f"reminders: {reminded:,} reminders sent in {t_remind:.2f} s ({q_remind:,} queries)")
    print(f"sweep total: {t_lapse + t_remind:.2f} s  (target for the lapse of 1,000 due: < 5 s)")
    reset_queries()
    t0 = time.perf_counter()
    again = (lapse_due_reports(now=now), send_due_reminders(now=now))
    print(
        f"idle re-run: {again[0]} lapsed, {again[1]} reminders in "
        f"{time.perf_counter() - t0:.3f} s ({len(connection.queries)} queries)"
    )
    print(f"notifications created: {Notification.objects.count():,}")


if __name__ == "__main__":
    main()
