"""gBizID's claims on django-oauth-toolkit's OIDC provider, and ways to misbehave on purpose."""

import base64

from jwcrypto import jwk, jwt
from oauth2_provider.oauth2_validators import OAuth2Validator

from .accounts import account, claims_for


def _sub(user) -> str:
    entry = account(user.username) or {}
    return str(entry.get("sub") or user.username)


def _misbehaviour(user) -> str:
    return (account(user.username) or {}).get("misbehave", "")


def _resigned_with_foreign_key(serialized: str) -> str:
    """The same header (the provider's key id) and claims, signed by a key nobody published."""
    header_b64, claims_b64, _signature = serialized.split(".")

    def decode(part: str) -> str:
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)).decode()

    forged = jwt.JWT(header=decode(header_b64), claims=decode(claims_b64))
    forged.make_signed_token(jwk.JWK.generate(kty="RSA", size=2048))
    return forged.serialize()


class GbizidLikeValidator(OAuth2Validator):
    def get_claim_dict(self, request):
        # Like gBizID, the ID token names the account and nothing personal; the rest is in
        # userinfo.
        return {"sub": _sub(request.user)}

    def get_userinfo_claims(self, request):
        claims = super().get_userinfo_claims(request)
        claims.update(claims_for(request.user.username, request.scopes))
        if _misbehaviour(request.user) == "userinfo_other_sub":
            claims["sub"] = "someone-else"
        return claims

    def finalize_id_token(self, id_token, token, token_handler, request):
        misbehave = _misbehaviour(request.user)
        if misbehave == "bad_nonce":
            id_token["nonce"] = "not-the-nonce-the-client-sent"
        if misbehave == "bad_audience":
            # Issued to another client; `azp` naming this one must not make it acceptable.
            id_token["aud"] = "another-client"
            id_token["azp"] = request.client_id
        serialized = super().finalize_id_token(id_token, token, token_handler, request)
        if misbehave == "foreign_key":
            return _resigned_with_foreign_key(serialized)
        return serialized
