from .helpers import people  # noqa: F401 - fixture
