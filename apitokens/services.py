"""Writes of API tokens: create, revoke, note the last use; every create and revoke audited
(never with the key)."""

from __future__ import annotations

import datetime
import secrets
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import roles
from portal.models import User
from portal.services import audit_record

from . import selectors
from .models import KEY_BYTES, NAME_MAX_LENGTH, PREFIX_LENGTH, ApiToken, TokenOrigin, key_hash

COMMAND_TOKEN_NAME = "drf_create_token"  # noqa: S105 - the token's label, not a secret
# last_used_at is shown to the owner to the minute; writing it on every call of a burst would
# turn each API read into a write.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


def may_use_api(user: Any) -> bool:
    """Anyone whose role the API serves: exporters, METI staff and administrators."""
    return roles.is_exporter(user) or roles.is_meti_staff(user) or roles.is_administrator(user)


def _payload(token: ApiToken) -> dict[str, Any]:
    return {
        "name": token.name,
        "prefix": token.prefix,
        "user": token.user.username,
        "origin": token.origin,
    }


def _issue(*, user: User, name: str, origin: str) -> tuple[ApiToken, str]:
    key = secrets.token_hex(KEY_BYTES)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=key[:PREFIX_LENGTH], key_hash=key_hash(key), origin=origin
    )
    return token, key


def _revoke(*, actor: User | None, token: ApiToken) -> None:
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(actor=actor, verb="apitokens.revoke", target=token, payload=_payload(token))


def token_create(*, actor: User, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for the user's systems; the key is returned once and never stored."""
    # Users make tokens for themselves only; administrators acting for others may come later.
    if actor.pk != user.pk or not may_use_api(user):
        raise PermissionDenied
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name.")})
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationError(
            {"name": _("At most %(limit)s characters.") % {"limit": NAME_MAX_LENGTH}}
        )
    with transaction.atomic():
        token, key = _issue(user=user, name=name, origin=TokenOrigin.PAGE)
        audit_record(actor=actor, verb="apitokens.create", target=token, payload=_payload(token))
    return token, key


def token_revoke(*, actor: User, token_id: int | str) -> ApiToken:
    """Revoke one of the actor's own tokens (404 for anyone else's); revoking twice is a no-op."""
    with transaction.atomic():
        token = selectors.token_of_user(user=actor, token_id=token_id, for_update=True)
        if token.revoked_at is None:
            _revoke(actor=actor, token=token)
    return token


def token_create_by_command(*, user: User, reset: bool = False) -> tuple[ApiToken, str]:
    """`manage.py drf_create_token`: a new token for the user, audited as the system; with
    reset, first revoke the user's tokens made this way (or migrated from DRF's table, which
    this command made before)."""
    with transaction.atomic():
        if reset:
            earlier = (
                ApiToken.objects.active()
                .select_for_update()
                .filter(user=user, origin__in=[TokenOrigin.COMMAND, TokenOrigin.MIGRATED])
            )
            for token in earlier:
                _revoke(actor=None, token=token)
        token, key = _issue(user=user, name=COMMAND_TOKEN_NAME, origin=TokenOrigin.COMMAND)
        audit_record(actor=None, verb="apitokens.create", target=token, payload=_payload(token))
    return token, key


def token_mark_used(*, token: ApiToken, now: datetime.datetime | None = None) -> None:
    """Note that the token was used, at most once a minute: a conditional UPDATE, so that of
    a burst of concurrent calls only the first writes."""
    now = now or timezone.now()
    stale = now - LAST_USED_RESOLUTION
    if token.last_used_at is not None and token.last_used_at > stale:
        return
    updated = (
        ApiToken.objects.filter(pk=token.pk)
        .filter(Q(last_used_at__isnull=True) | Q(last_used_at__lte=stale))
        .update(last_used_at=now)
    )
    if updated:
        token.last_used_at = now
