"""The Celery app: Redis broker from REDIS_URL, or a serverless filesystem broker in development."""

import os
from pathlib import Path

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

for _option in ("data_folder_in", "control_folder"):
    _folder = app.conf.broker_transport_options.get(_option)
    if _folder:
        Path(_folder).mkdir(parents=True, exist_ok=True)

# Tests and local trials may run the sweep more often (seconds); production keeps */15.
_sweep_seconds = os.environ.get("PORTAL_SWEEP_SECONDS")

app.conf.beat_schedule = {
    # The 30-day decision clock (domain.md): reminders 7/3/1 days before the deadline and the
    # lapse at the deadline. Every 15 minutes, so a lapse happens at most 15 minutes late;
    # the sweep is idempotent and catches up after downtime.
    "sweep-decision-deadlines": {
        "task": "reports.tasks.sweep_deadlines",
        "schedule": float(_sweep_seconds) if _sweep_seconds else crontab(minute="*/15"),
    },
    # The e-mail outbox: notifications whose e-mail was not delivered on commit (broker down,
    # mail server down, worker died) are queued again, each at its own backoff.
    "deliver-pending-emails": {
        "task": "portal.tasks.deliver_pending_emails",
        "schedule": 60.0,
    },
    # Organisation applications whose e-mail was never confirmed: deleted a week after their
    # link expired (ACCOUNTS_UNCONFIRMED_PURGE_AFTER_DAYS); nothing else refers to them.
    "purge-unconfirmed-applications": {
        "task": "accounts.tasks.purge_unconfirmed_applications",
        "schedule": crontab(minute=40, hour=3),
    },
    # Answers kept for Idempotency-Key retries are forgotten after a day.
    "purge-idempotency-keys": {
        "task": "portal.tasks.purge_idempotency_keys",
        "schedule": crontab(minute=10, hour=3),
    },
    # Consultations: remind a division of companies left unanswered for more than
    # CONSULTATION_REMINDER_WORKING_DAYS working days, once per wait; hourly, since the count
    # moves only at midnight JST and a rerun sends nothing twice.
    "remind-unanswered-consultations": {
        "task": "consultations.tasks.remind_unanswered_consultations",
        "schedule": crontab(minute=5),
    },
    # Files left on disk by uploads whose transaction rolled back; nothing refers to them.
    "purge-orphan-attachments": {
        "task": "dialogue.tasks.attachments_purge_orphans",
        "schedule": crontab(minute=30, hour=3),
    },
    # End User List screening's safety net: open reports not screened against the version in
    # force (the queueing on submit or on a new version failed, or a worker died) are screened.
    "sweep-end-user-screening": {
        "task": "endusers.tasks.sweep_unscreened",
        "schedule": crontab(minute="*/10"),
    },
    # Compliance cases' due dates (answer to guidance, compliance with an order): a reminder
    # N days before each and, once passed without an answer, the overdue mark for staff; each
    # once per due date. Never moves a case. Hourly: a due date is a whole JST day.
    "sweep-compliance-due-dates": {
        "task": "compliance.tasks.sweep_compliance_due_dates",
        "schedule": float(_sweep_seconds) if _sweep_seconds else crontab(minute=20),
    },
}
