"""Settings of the local test provider (run by tests.gbizid.provider.serve, never imported by
the portal)."""

import os
import secrets
from pathlib import Path

DATA_DIR = Path(os.environ["GBIZID_PROVIDER_DIR"])
ACCOUNTS_FILE = DATA_DIR / "accounts.json"

SECRET_KEY = secrets.token_hex(32)
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oauth2_provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
ROOT_URLCONF = "tests.gbizid.provider.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [Path(__file__).resolve().parent / "templates"],
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA_DIR / "provider.sqlite3",
        "OPTIONS": {"timeout": 20},
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
LOGIN_URL = "/login/"
# The portal's cookies are on another host, but browsers ignore ports: other names anyway.
SESSION_COOKIE_NAME = "gbizid_provider_session"
CSRF_COOKIE_NAME = "gbizid_provider_csrftoken"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "django.server": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "oauth2_provider": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}

OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    # Made by serve.py at each start.
    "OIDC_RSA_PRIVATE_KEY": os.environ["GBIZID_PROVIDER_RSA_KEY"],
    "PKCE_REQUIRED": True,
    "SCOPES": {
        "openid": "gBizID account",
        "profile": "The company",
        "user": "The person",
        "email": "E-mail",
        "role": "Role in the company",
    },
    "OAUTH2_VALIDATOR_CLASS": "tests.gbizid.provider.validators.GbizidLikeValidator",
    # The portal's test servers listen on ephemeral ports of 127.0.0.1 and localhost.
    "ALLOW_LOCALHOST_LOOPBACK": True,
}
# A throwaway database: tables straight from the models (migrate --run-syncdb) start faster.
MIGRATION_MODULES = dict.fromkeys(("auth", "contenttypes", "sessions", "oauth2_provider"))
