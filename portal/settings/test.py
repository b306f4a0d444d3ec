from .base import *  # noqa: F403
from .base import RUN_DIR

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tasks queued on commit run in-process; tests/portal/test_celery_worker.py runs a real worker.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
# Each test starts with empty throttle counters (tests/conftest.py clears this cache).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
MEDIA_ROOT = RUN_DIR / "test-uploads"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    # The audit trigger (portal migration 0004) lets a superuser session past with this flag,
    # which the flush between transactional tests needs; tests/portal/test_audit.py turns it
    # off to prove the trigger refuses.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c portal.audit_maintenance=on"  # noqa: F405
