"""The clock end to end: a real beat process schedules the sweep, a real worker runs it
through the broker (Redis in CI), and a due report lapses in the database."""

import datetime
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import time_machine
from celery.contrib.testing.worker import start_worker
from celery.schedules import crontab

from portal.celery import app
from reports.models import Report, Status
from tests import factories

from .helpers import submitted_report

ROOT = Path(__file__).resolve().parents[2]


def test_beat_schedule_holds_the_sweep_every_15_minutes():
    entry = app.conf.beat_schedule["sweep-decision-deadlines"]
    assert entry["task"] == "reports.tasks.sweep_deadlines"
    # The apps' tasks modules are found when a worker starts (autodiscovery), not when the
    # app is imported: ask as a starting worker does, so that this holds in a fresh process
    # and not only after another test has started a worker.
    app.loader.import_default_modules()
    assert entry["task"] in app.tasks
    schedule = entry["schedule"]
    assert isinstance(schedule, crontab)
    assert schedule.minute == {0, 15, 30, 45}
    assert schedule.hour == set(range(24))


@pytest.fixture
def empty_broker(real_broker):
    """The broker with nothing left over from an earlier run.

    A sweep message left in the queue (an interrupted run, a beat that outlived its worker)
    would lapse the report before this test's beat sends anything, and a message this test
    leaves would do the same to the next run.
    """
    real_broker.control.purge()
    yield real_broker
    real_broker.control.purge()


@pytest.mark.django_db(transaction=True)
def test_beat_and_worker_lapse_a_due_report(empty_broker, catalog, tmp_path):
    exporter = factories.ExporterFactory()
    with time_machine.travel(datetime.datetime(2025, 3, 3, 10, 0, tzinfo=datetime.UTC), tick=False):
        report = submitted_report(exporter, planned_contract_date=datetime.date(2025, 6, 1))
    assert report.decision_due_at < datetime.datetime.now(datetime.UTC)
    env = {
        **os.environ,
        # beat only publishes; dev settings are not eager, so the task goes through the broker
        "DJANGO_SETTINGS_MODULE": "portal.settings.dev",
        "PORTAL_SWEEP_SECONDS": "1",
    }
    beat = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "beat",
            "--loglevel=INFO",
            f"--schedule={tmp_path / 'beat-schedule'}",
            f"--pidfile={tmp_path / 'beat.pid'}",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    with start_worker(empty_broker, perform_ping_check=False, shutdown_timeout=10):
        try:
            deadline = time.monotonic() + 45
            while time.monotonic() < deadline:
                if Report.objects.get(pk=report.pk).status == Status.LAPSED:
                    break
                time.sleep(0.3)
        finally:
            # Beat stops before the worker, so that it queues nothing nobody will consume.
            beat.terminate()
            output = beat.communicate(timeout=20)[0]
    report.refresh_from_db()
    assert report.status == Status.LAPSED, output
    assert "reports.tasks.sweep_deadlines" in output
    assert report.transitions.get(transition="lapse").actor is None
