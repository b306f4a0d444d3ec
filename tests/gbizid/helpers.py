"""Driving a gBizID sign-in with Django's test client against the local provider."""

from urllib.parse import parse_qs, urlsplit

from django.contrib.auth import BACKEND_SESSION_KEY, SESSION_KEY
from django.urls import reverse

from portal.models import AuditRecord
from tests.gbizid.provider.harness import callback_path

GBIZID_BACKEND = "gbizid.backends.GbizidBackend"


def go_to_gbizid(client, route: str = "gbizid:signin", query: str = "") -> str:
    """Start at the portal: the URL of the provider's authorization endpoint it redirects to."""
    response = client.get(reverse(route) + query)
    assert response.status_code == 302, response.content.decode()[:500]
    return response["Location"]


def sign_in_with_gbizid(client, provider, login: str, *, route: str = "gbizid:signin"):
    """The whole round trip; returns the portal's answer to gBizID's redirect back."""
    back = provider.sign_in(go_to_gbizid(client, route), login)
    return client.get(callback_path(back))


def signed_in_user_id(client):
    return client.session.get(SESSION_KEY)


def signed_in_with_gbizid(client) -> bool:
    return client.session.get(BACKEND_SESSION_KEY) == GBIZID_BACKEND


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def audit(verb: str) -> list[AuditRecord]:
    return list(AuditRecord.objects.filter(verb=verb).order_by("at", "id"))


def page_text(response) -> str:
    return response.content.decode()
