"""Per-user and anonymous rate limits, reads and writes counted apart (settings.API_THROTTLE_RATES).

The defaults are far above what a company's system filing in a burst needs; they stop a runaway
client or a scraper, and answer 429 with Retry-After.
"""

from django.conf import settings
from rest_framework.permissions import SAFE_METHODS
from rest_framework.throttling import SimpleRateThrottle


class _PortalThrottle(SimpleRateThrottle):
    reads: bool
    for_users: bool

    def get_rate(self) -> str | None:
        return settings.API_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view) -> bool:
        if (request.method in SAFE_METHODS) != self.reads:
            return True
        return super().allow_request(request, view)

    def get_cache_key(self, request, view) -> str | None:
        user = request.user
        signed_in = bool(user and user.is_authenticated)
        if signed_in != self.for_users:
            return None
        ident = user.pk if signed_in else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class UserReadThrottle(_PortalThrottle):
    scope, reads, for_users = "user_read", True, True


class UserWriteThrottle(_PortalThrottle):
    scope, reads, for_users = "user_write", False, True


class AnonReadThrottle(_PortalThrottle):
    scope, reads, for_users = "anon_read", True, False


class AnonWriteThrottle(_PortalThrottle):
    scope, reads, for_users = "anon_write", False, False
