"""The provider's accounts, from the JSON file the tests write (read again on every request)."""

import json

from django.conf import settings

# Which claims each scope releases, as gBizID groups them.
SCOPE_GROUPS = ("profile", "user", "email", "role")


def all_accounts() -> dict:
    try:
        return json.loads(settings.ACCOUNTS_FILE.read_text())
    except FileNotFoundError:
        return {}


def account(login: str) -> dict | None:
    return all_accounts().get(login)


def claims_for(login: str, scopes) -> dict:
    """The userinfo claims of the scopes granted, flat, as gBizID answers."""
    entry = account(login) or {}
    claims: dict = {}
    for scope in SCOPE_GROUPS:
        if scope in scopes and scope in entry.get("claims", {}):
            group = entry["claims"][scope]
            claims.update(group if scope != "role" else {"role": group})
    return claims
