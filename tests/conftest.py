import pytest
from rest_framework.test import APIClient

from catalog.loading import load_catalog
from portal.models import Division

from . import factories


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
