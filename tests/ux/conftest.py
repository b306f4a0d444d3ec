from tests.informs.helpers import people  # noqa: F401 - fixture
