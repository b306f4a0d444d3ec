import time
from binascii import unhexlify

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.models import AuditRecord

PASSWORD = "pw-test-2025"


@pytest.fixture(autouse=True)
def _no_otp_throttle(settings):
    # django-otp waits 1 s, 2 s, 4 s … after each wrong code; tests that check it turn it on.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def sign_in(client, username, password=PASSWORD, **extra):
    return client.post(reverse("login"), {"username": username, "password": password, **extra})


def totp_code(key_hex: str, offset_steps: int = 0) -> str:
    """The code an authenticator app shows now (RFC 6238, as django-otp computes it)."""
    totp = TOTP(unhexlify(key_hex.encode()))
    totp.time = time.time() + 30 * offset_steps
    return f"{totp.token():06d}"


def add_second_factor(user, backup_codes=("backupcd1", "backupcd2")):
    """An enrolled authenticator app and backup codes, as the enrolment page leaves them."""
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    static = StaticDevice.objects.create(user=user, name="backup", confirmed=True)
    for code in backup_codes:
        StaticToken.objects.create(device=static, token=code)
    return device


def verbs(user=None) -> list[str]:
    rows = AuditRecord.objects.order_by("at", "id")
    if user is not None:
        rows = rows.filter(target_type="portal.user", target_id=str(user.pk))
    return list(rows.values_list("verb", flat=True))
