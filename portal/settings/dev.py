from .base import *  # noqa: F403
from .base import RUN_DIR

DEBUG = True
RUN_DIR.mkdir(parents=True, exist_ok=True)
