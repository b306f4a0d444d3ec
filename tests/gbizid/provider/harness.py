"""Start, drive and stop the local test provider; pytest fixtures for the gBizID tests.

The provider is a second process on an ephemeral port of 127.0.0.1. Starting it waits at
most START_TIMEOUT seconds for its READY line; it is terminated (then killed) when the tests
are done, and exits by itself if the test run disappears (its standard input closes).
"""

from __future__ import annotations

import json
import os
import queue
import re
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import requests

from portal.validators import corporate_number_check_digit

ROOT = Path(__file__).resolve().parents[3]
START_TIMEOUT = 60
HTTP_TIMEOUT = 10
PASSWORD = "gbiz-test-pass"


def corporate_number(n: int) -> str:
    """A valid corporate number outside the factories' and the accounts tests' ranges."""
    base = f"{900_000_000_000 + n:012d}"
    return f"{corporate_number_check_digit(base)}{base}"


def gbizid_claims(
    *,
    account_type: int = 2,
    corp_type: int = 1,
    corporate_number: str = "",
    company: str = "霞が関精密株式会社",
    company_en: str = "Kasumigaseki Precision Co., Ltd.",
    last_name: str = "山田",
    first_name: str = "太郎",
    department: str = "輸出管理部",
    phone: str = "0312345678",
    email: str = "taro.yamada@kasumi.example.jp",
    role: str = "",
) -> dict:
    """Userinfo claims by scope, with gBizID's names (profile, user, email, role)."""
    claims: dict = {
        "profile": {
            "account_type": account_type,
            "corp_type": corp_type,
            "corporate_number": corporate_number,
            "name": company,
            "en_name": company_en,
            "prefecture_name": "13",
            "address1": "千代田区",
            "address2": "霞が関1-3-1",
        },
        "user": {
            "user_last_nm": last_name,
            "user_first_nm": first_name,
            "user_department": department,
            "user_tel_no_contact": phone,
        },
        "email": {"email": email},
    }
    if role:
        claims["role"] = {"permission": [{"role": role}]}
    return claims


@dataclass
class LocalProvider:
    base_url: str
    data_dir: Path
    client_id: str
    client_secret: str
    issuer: str = ""
    accounts: dict = field(default_factory=dict)

    @property
    def accounts_file(self) -> Path:
        return self.data_dir / "accounts.json"

    def _write(self) -> None:
        # Replaced whole, so that the provider never reads a half-written file.
        temporary = self.accounts_file.with_suffix(".tmp")
        temporary.write_text(json.dumps(self.accounts, ensure_ascii=False))
        os.replace(temporary, self.accounts_file)

    def reset(self) -> None:
        self.accounts = {}
        self._write()

    def add_account(
        self, login: str, *, sub: str = "", misbehave: str = "", **claims_kwargs
    ) -> dict:
        """A gBizID account (login ID and PASSWORD); `sub` defaults to the login ID."""
        self.accounts[login] = {
            "password": PASSWORD,
            "sub": sub or login,
            "claims": gbizid_claims(**claims_kwargs),
            "misbehave": misbehave,
        }
        self._write()
        return self.accounts[login]

    def change_account(self, login: str, *, misbehave: str | None = None, **claims) -> None:
        """Change claims of an account (by gBizID name: corporate_number, user_department…)."""
        entry = self.accounts[login]
        for name, value in claims.items():
            for group in entry["claims"].values():
                if name in group:
                    group[name] = value
        if misbehave is not None:
            entry["misbehave"] = misbehave
        self._write()

    def configure(self, settings) -> None:
        """Point the portal at this provider (pytest-django's `settings` fixture)."""
        settings.GBIZID_ISSUER = self.issuer
        settings.GBIZID_CLIENT_ID = self.client_id
        settings.GBIZID_CLIENT_SECRET = self.client_secret
        settings.GBIZID_SERVER_METADATA_URL = ""

    def sign_in(self, authorize_url: str, login: str, password: str = PASSWORD) -> str:
        """Do what a person does at the provider (follow its redirects, fill its form) and
        return where it sends the browser back: the portal's callback URL with code and state.
        """
        session = requests.Session()
        url, response = (
            authorize_url,
            session.get(authorize_url, allow_redirects=False, timeout=HTTP_TIMEOUT),
        )
        for _hop in range(10):
            if response.is_redirect:
                url = urljoin(url, response.headers["Location"])
                if not url.startswith(self.base_url):
                    return url
                response = session.get(url, allow_redirects=False, timeout=HTTP_TIMEOUT)
                continue
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text)
            if response.status_code != 200 or token is None:
                raise AssertionError(
                    f"provider answered {response.status_code}: {response.text[:500]}"
                )
            next_field = re.search(r'name="next" value="([^"]*)"', response.text)
            response = session.post(
                url,
                data={
                    "csrfmiddlewaretoken": token.group(1),
                    "next": next_field.group(1).replace("&amp;", "&") if next_field else "/",
                    "account_id": login,
                    "password": password,
                },
                headers={"Referer": url},
                allow_redirects=False,
                timeout=HTTP_TIMEOUT,
            )
        raise AssertionError("the provider did not send the browser back")


def _read_ready_line(process: subprocess.Popen, lines: queue.Queue) -> None:
    for line in process.stdout:  # type: ignore[union-attr]
        lines.put(line)
    lines.put(None)


@contextmanager
def provider_running():
    """A started provider (terminated on exit)."""
    with tempfile.TemporaryDirectory(prefix="gbizid-provider-") as data_dir:
        client_id = "portal-" + secrets.token_hex(4)
        client_secret = secrets.token_urlsafe(24)
        env = {
            **os.environ,
            "GBIZID_PROVIDER_CLIENT_ID": client_id,
            "GBIZID_PROVIDER_CLIENT_SECRET": client_secret,
            "PYTHONUNBUFFERED": "1",
        }
        env.pop("DJANGO_SETTINGS_MODULE", None)
        env.pop("DATABASE_URL", None)
        stderr_path = Path(data_dir) / "stderr.log"
        with open(stderr_path, "w") as stderr:
            process = subprocess.Popen(
                [sys.executable, "-m", "tests.gbizid.provider.serve", data_dir],
                cwd=ROOT,
                env=env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=stderr,
                text=True,
            )
        try:
            lines: queue.Queue = queue.Queue()
            threading.Thread(target=_read_ready_line, args=(process, lines), daemon=True).start()
            deadline = time.monotonic() + START_TIMEOUT
            base_url = ""
            while not base_url:
                remaining = deadline - time.monotonic()
                try:
                    line = lines.get(timeout=max(remaining, 0.01))
                except queue.Empty:
                    line = None
                if line is None:
                    raise RuntimeError(
                        f"the local gBizID provider did not start within {START_TIMEOUT} s "
                        f"(exit code {process.poll()}):\n{stderr_path.read_text()[-3000:]}"
                    )
                if line.startswith("READY "):
                    base_url = line.split()[1]
            provider = LocalProvider(
                base_url=base_url,
                data_dir=Path(data_dir),
                client_id=client_id,
                client_secret=client_secret,
            )
            discovery = requests.get(
                f"{base_url}/oauth/.well-known/openid-configuration", timeout=HTTP_TIMEOUT
            )
            discovery.raise_for_status()
            provider.issuer = discovery.json()["issuer"]
            provider.reset()
            yield provider
        finally:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
            for stream in (process.stdin, process.stdout):
                if stream is not None:
                    stream.close()


@pytest.fixture(scope="session")
def gbizid_provider():
    with provider_running() as provider:
        yield provider


@pytest.fixture
def gbizid(gbizid_provider, settings):
    """The portal configured for the local provider, which has no accounts yet."""
    gbizid_provider.configure(settings)
    gbizid_provider.reset()
    return gbizid_provider


def callback_path(url: str) -> str:
    """The path and query of the portal URL the provider sent the browser back to."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"
