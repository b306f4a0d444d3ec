import pytest
from celery.signals import task_postrun
from django.core.cache import cache
from django.db import close_old_connections, connections
from rest_framework.test import APIClient

from catalog.loading import load_catalog
from portal.celery import app as celery_app
from portal.models import Division

from . import factories


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    cache.clear()


@pytest.fixture
def catalog(db):
    """The 10 notified technologies, the demo divisions and all countries, as `make run` loads."""
    load_catalog()
    return {d.code: d for d in Division.objects.all()}


@pytest.fixture
def exporter(db):
    return factories.ExporterFactory()


@pytest.fixture
def administrator(db):
    return factories.AdministratorFactory()


@pytest.fixture
def api():
    return APIClient()


def api_as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _close_connections(**kwargs):
    connections.close_all()


@pytest.fixture
def real_broker(settings):
    """The Celery app publishing to the real broker (not eager), for tests with a worker."""
    celery_app.conf.task_always_eager = False
    task_postrun.connect(_close_connections)
    try:
        yield celery_app
    finally:
        task_postrun.disconnect(_close_connections)
        celery_app.conf.task_always_eager = True
        close_old_connections()
