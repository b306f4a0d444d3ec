"""The secrets in the links the accounts app e-mails."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.core import signing

CONFIRMATION_SALT = "accounts.application.confirm-email"


class LinkError(Exception):
    """A link that cannot be used; the subclass says why, for the page to tell the reader."""

    def __init__(self, target: object = None) -> None:
        super().__init__(type(self).__name__)
        self.target = target  # the application or invitation, when the link named one


class LinkInvalid(LinkError):
    """Forged, mistyped, or replaced by a newer link."""


class LinkExpired(LinkError):
    pass


class LinkUsed(LinkError):
    """Single-use: the link did its work once already."""


class LinkRevoked(LinkError):
    pass


def application_confirmation_token(application_id: int) -> str:
    """A signed, timestamped token naming the application; its state makes it single-use."""
    return signing.TimestampSigner(salt=CONFIRMATION_SALT).sign(str(application_id))


def application_id_from_token(token: str) -> int:
    """The application a confirmation token names; LinkExpired or LinkInvalid otherwise."""
    max_age = datetime.timedelta(days=settings.ACCOUNTS_CONFIRMATION_MAX_AGE_DAYS)
    try:
        value = signing.TimestampSigner(salt=CONFIRMATION_SALT).unsign(token, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise LinkExpired from exc
    except signing.BadSignature as exc:
        raise LinkInvalid from exc
    if not value.isdigit():
        raise LinkInvalid
    return int(value)


def invitation_token_new() -> tuple[str, str]:
    """A random invitation token and the hash that is stored in its place."""
    token = secrets.token_urlsafe(32)
    return token, invitation_token_hash(token)


def invitation_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
