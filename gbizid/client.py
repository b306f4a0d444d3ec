"""The OpenID Connect client for gBizID: Authlib's Django integration, configured from settings.

Authlib does the protocol: the state kept in the session and checked on return, the nonce
sent and checked in the ID token, PKCE (S256), the code exchange with the client secret, the
ID token's signature against the provider's published keys (fetched again when the key id is
new), its issuer, audience and expiry. This module adds what the portal needs on top: the
issuer the discovery document names must be the configured one, and the userinfo claims must
be about the ID token's subject.
"""

from __future__ import annotations

import functools
from typing import Any

from authlib.integrations.base_client import OAuthError
from authlib.integrations.django_client import OAuth
from django.conf import settings
from django.http import HttpRequest, HttpResponse

CLIENT_NAME = "gbizid"


class GbizidProtocolError(Exception):
    """The exchange with gBizID failed; `reason` is a short code for the audit trail."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


def _described(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:200]


def is_configured() -> bool:
    """Issuer, client id and secret are all set: the portal offers sign-in with gBizID."""
    return bool(
        settings.GBIZID_ISSUER and settings.GBIZID_CLIENT_ID and settings.GBIZID_CLIENT_SECRET
    )


def _metadata_url() -> str:
    return (
        settings.GBIZID_SERVER_METADATA_URL
        or settings.GBIZID_ISSUER.rstrip("/") + "/.well-known/openid-configuration"
    )


@functools.cache
def _client(
    issuer: str,
    client_id: str,
    client_secret: str,
    metadata_url: str,
    scopes: str,
    auth_method: str,
    timeout: float,
) -> Any:
    # One client per configuration, kept for the process: it caches the discovery document
    # and the provider's keys, so a sign-in costs the token and userinfo requests only.
    oauth = OAuth()
    return oauth.register(
        name=CLIENT_NAME,
        client_id=client_id,
        client_secret=client_secret,
        server_metadata_url=metadata_url,
        client_kwargs={
            "scope": scopes,
            "code_challenge_method": "S256",
            "token_endpoint_auth_method": auth_method,
            "default_timeout": timeout,
        },
    )


def client() -> Any:
    return _client(
        settings.GBIZID_ISSUER,
        settings.GBIZID_CLIENT_ID,
        settings.GBIZID_CLIENT_SECRET,
        _metadata_url(),
        settings.GBIZID_SCOPES,
        settings.GBIZID_TOKEN_ENDPOINT_AUTH_METHOD,
        settings.GBIZID_HTTP_TIMEOUT,
    )


def _checked_metadata(app: Any) -> dict:
    try:
        metadata = app.load_server_metadata()
    except Exception as exc:  # network, HTTP status or JSON: the provider did not answer
        raise GbizidProtocolError("discovery", _described(exc)) from exc
    if metadata.get("issuer") != settings.GBIZID_ISSUER:
        # OpenID Connect Discovery §4.3: a document naming another issuer must not be used.
        raise GbizidProtocolError("issuer", str(metadata.get("issuer")))
    return metadata


def authorize_redirect(request: HttpRequest, redirect_uri: str) -> HttpResponse:
    """The redirect to gBizID's sign-in page; state, nonce and PKCE verifier go in the session."""
    app = client()
    _checked_metadata(app)
    try:
        return app.authorize_redirect(request, redirect_uri)
    except OAuthError as exc:
        raise GbizidProtocolError("authorize", exc.error) from exc


def claims_from_callback(request: HttpRequest) -> dict[str, Any]:
    """Finish the sign-in gBizID sends back: the checked ID token's claims with userinfo's.

    Raises GbizidProtocolError: "denied" (the person cancelled or gBizID refused), "state" (no
    sign-in of this session is waiting for this answer), "token" (the code exchange or the ID
    token failed a check), "userinfo".
    """
    app = client()
    _checked_metadata(app)
    if request.GET.get("error"):
        # Drop the state this answer closes, so that it cannot be replayed.
        state = request.GET.get("state")
        if state:
            app.framework.clear_state_data(request.session, state)
        raise GbizidProtocolError("denied", request.GET["error"][:100])
    try:
        token = app.authorize_access_token(
            request,
            # Authlib checks the issuer by default; the audience must be this client too
            # (OpenID Connect Core §3.1.3.7, step 3).
            claims_options={
                "iss": {"essential": True, "values": [settings.GBIZID_ISSUER]},
                "aud": {"essential": True, "values": [settings.GBIZID_CLIENT_ID]},
            },
        )
    except OAuthError as exc:
        reason = "state" if exc.error == "mismatching_state" else "token"
        raise GbizidProtocolError(reason, exc.error) from exc
    except Exception as exc:  # signature, claims or transport: never sign anyone in
        raise GbizidProtocolError("token", _described(exc)) from exc
    id_claims = token.get("userinfo")
    if not id_claims or not id_claims.get("sub"):
        # Without an ID token there is no nonce or signature check: refuse.
        raise GbizidProtocolError("token", "no id_token")
    claims = dict(id_claims)
    if app.load_server_metadata().get("userinfo_endpoint"):
        try:
            userinfo = app.userinfo(token=token)
        except Exception as exc:
            raise GbizidProtocolError("userinfo", _described(exc)) from exc
        if userinfo.get("sub") != id_claims["sub"]:
            # OpenID Connect Core §5.3.2: userinfo about another subject must not be used.
            raise GbizidProtocolError("userinfo", "sub differs from the ID token's")
        claims.update(userinfo)
    claims["sub"] = id_claims["sub"]
    return claims
