import pytest

from tests import factories
from tests.informs.helpers import people  # noqa: F401 - fixture


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def administrator(db):
    return factories.AdministratorFactory()
