"""Named API tokens, stored hashed.

A key is 40 hex characters from `secrets` (160 bits, the shape of DRF's keys, so clients see
no change). The row keeps the first 8 characters, which are not secret, to find the row and to
show the token to its owner, and the SHA-256 of the whole key. A plain fast hash is enough for
a random key of this length: nobody can guess 160 bits, so a slow or salted hash would only cost
time on every API call. It is not an HMAC with SECRET_KEY on purpose: rotating SECRET_KEY must
not silently cut off every company's system.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

KEY_BYTES = 20  # 40 hex characters
KEY_MAX_LENGTH = 40  # DRF's keys were at most this long; the migrated ones still work
PREFIX_LENGTH = 8
NAME_MAX_LENGTH = 100


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class TokenOrigin(models.TextChoices):
    PAGE = "page", _("API tokens page")
    COMMAND = "command", _("drf_create_token command")
    MIGRATED = "migrated", _("Migrated from the earlier tokens")


class ApiTokenQuerySet(models.QuerySet):
    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("name"), max_length=NAME_MAX_LENGTH)
    prefix = models.CharField(_("key prefix"), max_length=PREFIX_LENGTH, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    origin = models.CharField(
        _("made on"), max_length=20, choices=TokenOrigin.choices, default=TokenOrigin.PAGE
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
