"""Shared data for the accounts tests."""

import re

from django.core import mail

from tests.factories import _corporate_number

PASSWORD = "Kasumigaseki-route-2025"


def corporate_number(n: int) -> str:
    """A valid corporate number outside the factories' range."""
    return _corporate_number(800_000_000_000 + n)


def application_data(**overrides) -> dict:
    data = {
        "name_ja": "霞が関精密株式会社",
        "name_en": "Kasumigaseki Precision Co., Ltd.",
        "corporate_number": corporate_number(1),
        "address": "東京都千代田区霞が関1-3-1",
        "last_name": "山本",
        "first_name": "太郎",
        "department": "輸出管理部",
        "email": "taro.yamamoto@kasumi.example.jp",
        "phone": "03-1234-5678",
        "username": "kasumi_yamamoto",
        "password": PASSWORD,
    }
    data.update(overrides)
    return data


def form_data(data: dict) -> dict:
    """The registration page's fields for service data."""
    form = {k: v for k, v in data.items() if k != "password"}
    form["password1"] = form["password2"] = data["password"]
    return form


def link_in_mail(path_prefix: str, to: str | None = None) -> str:
    """The path of the last e-mailed link under path_prefix (to one address, if given)."""
    for message in reversed(mail.outbox):
        if to is not None and to not in message.to:
            continue
        found = re.search(rf"https?://[^/\s]+({re.escape(path_prefix)}[^\s]+)", message.body)
        if found:
            return found.group(1)
    raise AssertionError(f"no e-mail with a link under {path_prefix}")


def token_of(path: str) -> str:
    """The token segment of /organisations/.../<token>/."""
    return path.rstrip("/").rsplit("/", 1)[-1]
