"""Settings shared by every environment; configuration comes from the environment."""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
RUN_DIR = Path(os.environ.get("PORTAL_RUN_DIR", BASE_DIR / ".run"))

DEV_SECRET_KEY = "dev-only-insecure-key-change-me"  # noqa: S105 - refused by prod settings
SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
DEBUG = False
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "portal",
    "catalog",
    "reports",
    "dialogue",
    "informs",
    "accounts",
    "signin",
    "apitokens",
    "gbizid",
    "consultations",
    "compliance",
    "endusers",
    "insight",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "portal.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.JapaneseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "signin.middleware.SessionTimeoutMiddleware",
    "signin.middleware.SecondFactorRequiredMiddleware",
    # Idempotency reads the raw body before anything parses the form (Django allows one).
    "portal.idempotency.IdempotencyMiddleware",
    "portal.middleware.RejectNulMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]

# Content-Security-Policy on every response: only the portal's own files, no inline script or
# style, no framing, forms post only to the portal.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "object-src": ["'none'"],
    }
}

ROOT_URLCONF = "portal.urls"
CSRF_FAILURE_VIEW = "portal.error_views.csrf_failure"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.portal",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The worker, beat and web server share one file. WAL lets readers go on while one writes;
    # IMMEDIATE takes the write lock when a transaction begins, so two writers queue on the
    # busy timeout instead of one failing with "database is locked" when it upgrades its lock.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "portal.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files live outside the web root and are only served through access-checked views.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", RUN_DIR / "uploads"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024
ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "no-reply@pretransfer.example.go.jp")
PORTAL_BASE_URL = os.getenv("PORTAL_BASE_URL") or f"http://127.0.0.1:{os.getenv('PORT') or 8000}"

# --- Celery -------------------------------------------------------------------------------
# With REDIS_URL the broker is Redis; without it, kombu's filesystem transport, which needs
# no server, so that `make run` starts a real worker and beat on a bare machine.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict = {}
else:
    _broker_dir = RUN_DIR / "broker"
    CELERY_BROKER_URL = "filesystem://localhost//"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULE_FILENAME = str(RUN_DIR / "celerybeat-schedule")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A web request that queues a task must not hang on a dead broker: fail fast, the outbox
# (portal.tasks.deliver_pending_emails) delivers later.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
# E-mail outbox: rows still pending this long after creation are re-queued by beat; a row is
# tried at most this many times (backoff 30 s doubling, capped at an hour) before "failed";
# /healthz reports pending rows older than the backlog age.
EMAIL_OUTBOX_GRACE_SECONDS = int(os.environ.get("EMAIL_OUTBOX_GRACE_SECONDS", "120"))
EMAIL_OUTBOX_MAX_ATTEMPTS = int(os.environ.get("EMAIL_OUTBOX_MAX_ATTEMPTS", "12"))
EMAIL_OUTBOX_BATCH = 1000
EMAIL_OUTBOX_BACKLOG_MINUTES = int(os.environ.get("EMAIL_OUTBOX_BACKLOG_MINUTES", "15"))

# --- REST framework -----------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Hashed named tokens; `Authorization: Token <key>` as with DRF's TokenAuthentication.
        "apitokens.authentication.HashedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "portal.api.exceptions.exception_handler",
    "DEFAULT_PARSER_CLASSES": [
        "portal.api.parsers.PortalJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "portal.api.throttling.UserReadThrottle",
        "portal.api.throttling.UserWriteThrottle",
        "portal.api.throttling.AnonReadThrottle",
        "portal.api.throttling.AnonWriteThrottle",
    ],
    "DATETIME_FORMAT": "iso-8601",
}
# Per minute; a company's system filing in a burst stays far below these.
API_THROTTLE_RATES = {
    "user_read": os.environ.get("API_THROTTLE_USER_READ", "600/min"),
    "user_write": os.environ.get("API_THROTTLE_USER_WRITE", "120/min"),
    "anon_read": os.environ.get("API_THROTTLE_ANON_READ", "60/min"),
    "anon_write": os.environ.get("API_THROTTLE_ANON_WRITE", "20/min"),
}
API_JSON_MAX_BYTES = 1024 * 1024
API_JSON_MAX_DEPTH = 32
IDEMPOTENCY_KEY_HOURS = 24

# Throttle counters are shared by every web process through Redis when there is one.
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Pre-transfer report portal API",
    "DESCRIPTION": "Prior reports under FEFTA Art. 55-8, dialogue and informs.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the installed sidecar package, not a CDN: the CSP allows only 'self'.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "portal.api.schema.declare_common_answers",
    ],
    # Reports and informs both have a `status` field with different codes.
    "ENUM_NAME_OVERRIDES": {
        "ReportStatusEnum": "reports.models.Status",
        "InformStatusEnum": "informs.models.InformStatus",
        "ConsultationStatusEnum": "consultations.models.Status",
        "ConsultationOutcomeEnum": "consultations.models.Outcome",
    },
}

# --- Domain settings ----------------------------------------------------------------------
# Consultations: the division is reminded of a company left unanswered for more than this
# many working days (Japanese public holidays and 12/29-1/3 not counted; portal.workdays).
CONSULTATION_REMINDER_WORKING_DAYS = int(os.environ.get("CONSULTATION_REMINDER_WORKING_DAYS", "3"))
# Compliance cases: the officer and the company are reminded this many days before each due date.
COMPLIANCE_REMINDER_DAYS_BEFORE = int(os.environ.get("COMPLIANCE_REMINDER_DAYS_BEFORE", "3"))
# The legal basis printed on inform notices is text an administrator may need to change.
INFORM_LEGAL_BASIS = os.environ.get(
    "INFORM_LEGAL_BASIS",
    "外国為替及び外国貿易法第25条第1項及び第55条の8の規定に基づく事前報告を受けて、"
    "同法第25条第1項の規定に基づく役務取引の許可を要する旨通知する。",
)
# The same in English, shown to readers of the English pages (the notice itself stays
# Japanese). It translates INFORM_LEGAL_BASIS only: an inform issued under another wording
# shows that wording as issued.
INFORM_LEGAL_BASIS_EN = os.environ.get(
    "INFORM_LEGAL_BASIS_EN",
    "In response to the prior report under Article 25(1) and Article 55-8 of the Foreign "
    "Exchange and Foreign Trade Act, notice is given that the transaction requires permission "
    "for a service transaction under Article 25(1) of the Act.",
)
DECISION_PERIOD_DAYS = 30
# How far one extension may move the decision deadline. No document fixes a cap: this is the
# division's policy, shown on the extension form; a longer delay takes another extension.
DEADLINE_EXTENSION_MAX_DAYS = int(os.environ.get("DEADLINE_EXTENSION_MAX_DAYS", "90"))
REMINDER_DAYS_BEFORE = (7, 3, 1)
# The lowest rapidfuzz score (0-100) at which a counterparty is recorded as a candidate match of
# an End User List entry (endusers.screening); lower finds more, and more false matches.
END_USER_MATCH_THRESHOLD = float(os.environ.get("END_USER_MATCH_THRESHOLD", "90"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # WeasyPrint and fontTools narrate every render at INFO.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

from .accounts import *  # noqa: E402,F403
from .signin import *  # noqa: E402,F403

from .gbizid import *  # noqa: E402,F403  # isort: skip (after .signin: extends its backends)
