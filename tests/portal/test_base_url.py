"""E-mail links follow the port the portal is served on (PORT), unless PORTAL_BASE_URL says."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _base_url(**env: str) -> str:
    # A fresh interpreter: settings read the environment once, at import.
    clean = {k: v for k, v in os.environ.items() if k not in ("PORT", "PORTAL_BASE_URL")}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import portal.settings.base as s; print(s.PORTAL_BASE_URL)",
        ],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_links_follow_port():
    assert _base_url(PORT="8123") == "http://127.0.0.1:8123"


def test_port_8000_by_default():
    assert _base_url() == "http://127.0.0.1:8000"


def test_portal_base_url_wins_over_port():
    url = "https://pretransfer.example.go.jp"
    assert _base_url(PORT="8123", PORTAL_BASE_URL=url) == url
