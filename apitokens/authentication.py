"""`Authorization: Token <key>` checked against the hashed tokens of apitokens.models.

A subclass of DRF's TokenAuthentication, so the header is read the same way and every failure
answers the same messages with 401 and `WWW-Authenticate: Token`; only the lookup differs.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from portal.models import User

from . import selectors, services
from .models import ApiToken


class HashedTokenAuthentication(TokenAuthentication):
    keyword = "Token"

    def authenticate_credentials(self, key: str) -> tuple[User, ApiToken]:
        token = selectors.token_for_key(key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        services.token_mark_used(token=token)
        return token.user, token
