"""A broker outage loses no e-mail and fails no action: the outbox on the real broker."""

import time
from contextlib import contextmanager

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.db import close_old_connections

from portal.celery import app as celery_app
from portal.models import Notification
from portal.tasks import deliver_pending_emails
from tests import factories
from tests.conftest import api_as
from tests.reports.helpers import complete_data

DEAD_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@contextmanager
def broker_at(url):
    """Point the Celery app's publishers at another broker, then back."""
    saved = celery_app.conf.broker_url

    def repoint(to):
        celery_app.conf.broker_url = to
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    repoint(url)
    try:
        yield
    finally:
        repoint(saved)


def _wait_until(predicate, timeout=90.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        close_old_connections()
        if predicate():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.django_db(transaction=True)
def test_actions_succeed_while_the_broker_is_down_and_mail_follows_once(
    real_broker, catalog, settings
):
    settings.EMAIL_OUTBOX_GRACE_SECONDS = 0
    exporter = factories.ExporterFactory()
    officers = factories.OfficerFactory.create_batch(2, division=catalog["elec"])
    client = api_as(exporter)
    draft = client.post("/api/v1/reports/", complete_data(), format="json")
    assert draft.status_code == 201, draft.content

    with broker_at(DEAD_BROKER):
        started = time.monotonic()
        submitted = client.post(f"/api/v1/reports/{draft.json()['id']}/submit/", {}, format="json")
        elapsed = time.monotonic() - started
        assert submitted.status_code == 200, submitted.content
        assert submitted.json()["reference"].startswith("PR-")
        message = client.post(
            f"/api/v1/reports/{draft.json()['id']}/messages/",
            {"kind": "question", "body": "障害中の質問"},
            format="json",
        )
    assert message.status_code == 201, message.content
    assert elapsed < 10, "a dead broker must not hold the request"
    pending = Notification.objects.filter(email_state="pending")
    assert pending.count() == 4  # two officers, two actions
    assert mail.outbox == []

    # The broker is back: beat's delivery run queues the outbox, a real worker sends it.
    with start_worker(real_broker, perform_ping_check=False, shutdown_timeout=10):
        assert deliver_pending_emails() == 4
        assert _wait_until(
            lambda: not Notification.objects.filter(email_state="pending").exists()
        ), list(
            Notification.objects.values_list("email_state", "email_attempts", "email_last_error")
        )
        assert deliver_pending_emails() == 0  # a second run finds nothing to send
        time.sleep(1)
    recipients = sorted(address for m in mail.outbox for address in m.to)
    assert recipients == sorted([o.email for o in officers] * 2)
    assert all(n.emailed_at for n in Notification.objects.all())
