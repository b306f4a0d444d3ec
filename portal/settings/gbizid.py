"""Signing in with gBizID (GビズID), the Digital Agency's OpenID Connect service (gbizid app).

Imported at the end of base.py. Nothing is on until the issuer, client id and secret are all
set: without them the sign-in page shows no gBizID button and the gBizID pages answer 404.

The claim names follow the public summary of the gBizID developer guideline (v2.9, §3.4.1).
They are settings because they must be checked against the guideline when the service is
connected; GBIZID_CLAIMS_JSON overrides single entries without a code change.
"""

import json
import os

from .signin import AUTHENTICATION_BACKENDS as _SIGNIN_BACKENDS

# The issuer exactly as the provider's discovery document states it (https://gbiz-id.go.jp/oauth/
# for the real service); its /.well-known/openid-configuration names every endpoint.
GBIZID_ISSUER = os.environ.get("GBIZID_ISSUER", "")
GBIZID_CLIENT_ID = os.environ.get("GBIZID_CLIENT_ID", "")
GBIZID_CLIENT_SECRET = os.environ.get("GBIZID_CLIENT_SECRET", "")
# Only when the provider publishes its metadata somewhere other than the issuer's
# /.well-known/openid-configuration.
GBIZID_SERVER_METADATA_URL = os.environ.get("GBIZID_SERVER_METADATA_URL", "")
# profile: the company (account type, corporate number, name, address); user: the person
# (name, department, phone); email: the account's e-mail. Add "role" once gBizID approves it.
GBIZID_SCOPES = os.environ.get("GBIZID_SCOPES", "openid profile user email")
GBIZID_TOKEN_ENDPOINT_AUTH_METHOD = os.environ.get(
    "GBIZID_TOKEN_ENDPOINT_AUTH_METHOD", "client_secret_basic"
)
# Seconds to wait for each answer of the provider (discovery, keys, token, userinfo).
GBIZID_HTTP_TIMEOUT = float(os.environ.get("GBIZID_HTTP_TIMEOUT", "10"))

# Where each value the portal uses is found in the ID token and userinfo claims. A dotted path
# reaches into objects and lists ("role.permission.0.role"); a list of paths is joined (the
# address: prefecture, city, street).
GBIZID_CLAIMS = {
    "account_type": "account_type",
    "corp_type": "corp_type",
    "corporate_number": "corporate_number",
    "company_name": "name",
    "company_name_en": "en_name",
    "company_address": ["prefecture_name", "address1", "address2"],
    "last_name": "user_last_nm",
    "first_name": "user_first_nm",
    "department": "user_department",
    "phone": "user_tel_no_contact",
    "email": "email",
    "role": "role.permission.0.role",
}
GBIZID_CLAIMS.update(json.loads(os.environ.get("GBIZID_CLAIMS_JSON") or "{}"))
# Claims whose value is a JIS X 0401 prefecture code ("13"), shown as the prefecture's name.
GBIZID_PREFECTURE_CODE_CLAIMS = ["prefecture_name"]
# The values of account_type, corp_type and role, as the portal names them.
GBIZID_ACCOUNT_TYPES = {"1": "entry", "2": "prime", "3": "member"}
GBIZID_CORP_TYPES = {"1": "corporation", "2": "sole_proprietor"}
GBIZID_ROLES = {
    "jp_gbizid_prime": "prime",
    "jp_gbizid_administrator": "administrator",
    "jp_gbizid_member": "member",
}

# A gBizID session is attributed to this backend: it authenticates no password and, like the
# password backend, refuses a locked or deactivated account on every request.
AUTHENTICATION_BACKENDS = [*_SIGNIN_BACKENDS, "gbizid.backends.GbizidBackend"]
