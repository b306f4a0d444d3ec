"""A Content-Security-Policy on every response: the portal's own files only, no inline code."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from tests import factories

ROOT = Path(__file__).resolve().parents[2]


def _policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.strip() for part in header.split(";") if part.strip()}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/accounts/login/", "/catalog/", "/healthz", "/api/v1/schema/", "/reports/"]
)
def test_every_response_carries_the_policy(client, url):
    policy = _policy(client.get(url))
    assert policy["default-src"] == "default-src 'self'"
    assert policy["frame-ancestors"] == "frame-ancestors 'none'"
    assert "unsafe-inline" not in str(policy) and "unsafe-eval" not in str(policy)


@pytest.mark.django_db
def test_api_docs_allow_inline_style_but_never_inline_script(client):
    policy = _policy(client.get("/api/v1/docs/"))
    assert policy["default-src"] == "default-src 'self'"
    assert "script-src" not in policy  # falls back to 'self' alone
    assert policy["style-src"] == "style-src 'self' 'unsafe-inline'"


@pytest.mark.django_db
def test_signed_in_pages_carry_it_too(client):
    client.force_login(factories.ExporterFactory())
    assert (
        "default-src 'self'" in client.get(reverse("reports:dashboard"))["Content-Security-Policy"]
    )


def test_no_template_has_inline_script_style_or_handlers():
    """The browser would refuse them under the policy; PDFs are rendered by WeasyPrint, not it."""
    inline = re.compile(r"<script(?![^>]*\bsrc=)|\sstyle=|\son[a-z]+=", re.IGNORECASE)
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "templates").rglob("*.html")
        if not path.name.endswith("_pdf.html") and inline.search(path.read_text())
    ]
    assert offenders == []
