import pytest
from django.utils import translation

from tests.dialogue.helpers import make_people


@pytest.fixture
def people(catalog):
    return make_people(catalog)


@pytest.fixture
def english():
    with translation.override("en"):
        yield
