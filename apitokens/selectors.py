"""Reads of API tokens: a user's list, one of theirs, and the token a request presents."""

from __future__ import annotations

import hmac

from django.db.models import QuerySet
from django.http import Http404

from portal.models import User

from .models import KEY_MAX_LENGTH, PREFIX_LENGTH, ApiToken, key_hash


def tokens_active(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.active().filter(user=user)


def tokens_revoked(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user, revoked_at__isnull=False).order_by("-revoked_at")


def token_of_user(*, user: User, token_id: int | str, for_update: bool = False) -> ApiToken:
    """One of the user's own tokens; 404 for anyone else's, so that existence does not leak."""
    tokens = ApiToken.objects.filter(user=user)
    if for_update:
        tokens = tokens.select_for_update()
    try:
        return tokens.get(pk=int(token_id))
    except (ApiToken.DoesNotExist, ValueError, TypeError):
        raise Http404("No such token.") from None


def token_for_key(key: str) -> ApiToken | None:
    """The unrevoked token whose key this is, with its user, or None."""
    if not 0 < len(key) <= KEY_MAX_LENGTH or not key.isascii() or not key.isprintable():
        return None  # not a key we ever issued; spares the database odd input such as NUL
    digest = key_hash(key)
    # The prefix finds the row; the digest comparison takes the same time whatever it holds.
    candidates = ApiToken.objects.active().filter(prefix=key[:PREFIX_LENGTH])
    for token in candidates.select_related("user"):
        if hmac.compare_digest(token.key_hash, digest):
            return token
    return None
