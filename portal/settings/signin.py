"""Signing in: lockout, password rules, the second factor and session timeouts (signin app).

Imported at the end of base.py, so every environment has these; prod.py turns the second
factor on for METI staff and administrators.
"""

import os

AUTHENTICATION_BACKENDS = ["signin.backends.LockoutModelBackend"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Lockout: this many failed sign-ins for one account within the window lock it until an
# administrator unlocks it (signin.services).
SIGNIN_LOCKOUT_FAILURES = 5
SIGNIN_LOCKOUT_WINDOW_MINUTES = 15

# Idle timeouts by role and an absolute limit after sign-in (signin.middleware). The session
# cookie does not outlive the absolute limit either.
SESSION_IDLE_MINUTES_STAFF = int(os.environ.get("SESSION_IDLE_MINUTES_STAFF", "30"))
SESSION_IDLE_MINUTES_EXPORTER = int(os.environ.get("SESSION_IDLE_MINUTES_EXPORTER", "120"))
SESSION_ABSOLUTE_HOURS = int(os.environ.get("SESSION_ABSOLUTE_HOURS", "12"))
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_HOURS * 3600

# Every officer, supervisor and administrator must use a second factor. On in production
# (prod.py); in development `SECOND_FACTOR_REQUIRED_FOR_STAFF=true make run` turns it on.
SECOND_FACTOR_REQUIRED_FOR_STAFF = (
    os.environ.get("SECOND_FACTOR_REQUIRED_FOR_STAFF", "false").lower() == "true"
)
SECOND_FACTOR_BACKUP_CODES = 10
# The name authenticator apps show next to the account.
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "METI pre-transfer portal")
