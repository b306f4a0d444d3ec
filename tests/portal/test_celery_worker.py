"""A real Celery worker on the configured broker (Redis in CI) runs a task queued on commit."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import transaction

from portal.models import Notification
from portal.services import notify
from tests import factories


@pytest.fixture
def empty_broker(real_broker):
    """The broker with nothing left over from an earlier run, whose messages name rows (by
    id) of another database and would otherwise reach this worker."""
    real_broker.control.purge()
    yield real_broker
    real_broker.control.purge()


@pytest.mark.django_db(transaction=True)
def test_real_worker_emails_a_notification(empty_broker, mailoutbox):
    user = factories.ExporterFactory()
    with start_worker(empty_broker, perform_ping_check=False, shutdown_timeout=10):
        with transaction.atomic():
            (n,) = notify(recipients=[user], verb="test", title="実ワーカー", body="b")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            n.refresh_from_db()
            if n.emailed_at is not None:
                break
            time.sleep(0.2)
    assert n.emailed_at is not None, "the worker never ran the task"
    assert Notification.objects.get(pk=n.pk).emailed_at is not None
    assert any("実ワーカー" in m.subject for m in mailoutbox)
