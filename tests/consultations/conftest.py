import pytest

from .helpers import make_people


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploads of each test go to their own directory, removed with it."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def people(catalog):
    return make_people(catalog)
