"""Slowing password spraying: failed sign-ins counted per client, without keeping addresses.

An account's own lockout (operations.authenticate) cannot see one client trying a few passwords
against many accounts. This counts failed sign-ins per client under a keyed hash of its address
(HMAC-SHA256 with the app's secret key), in a moving window of a few minutes, in memory (one
process) or in Redis (every web process), using `limits`, the counting core of Flask-Limiter.
Flask-Limiter itself is not used: its limiter is one module-level object whose storage each new
app replaces, and it limits requests to a route, whereas this charges only failed sign-ins.
"""

from __future__ import annotations

import hmac
import logging

from limits import RateLimitItemPerMinute
from limits.errors import StorageError
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

log = logging.getLogger(__name__)


class SignInThrottle:
    """At most max_failures failed sign-ins per client in any `minutes` minutes."""

    def __init__(self, secret: str, storage_uri: str, max_failures: int, minutes: int) -> None:
        self._secret = secret.encode()
        self._limit = RateLimitItemPerMinute(max_failures, minutes, namespace="sign-in")
        self._limiter = MovingWindowRateLimiter(
            storage_from_string(storage_uri, wrap_exceptions=True)
        )
        self.minutes = minutes

    def client_key(self, address: str) -> str:
        """What is stored for a client: a keyed hash of its address, never the address."""
        return hmac.new(self._secret, f"sign-in-client:{address}".encode(), "sha256").hexdigest()

    def allows(self, address: str) -> bool:
        """Whether the client may try to sign in now.

        If the count cannot be read (Redis down) the answer is yes: each account's own lockout,
        kept in the database, still holds, and staff can still sign in during the outage.
        """
        try:
            return self._limiter.test(self._limit, self.client_key(address))
        except StorageError:
            log.warning("sign-in throttle storage unavailable; per-account lockout only")
            return True

    def failed(self, address: str) -> None:
        """Count a failed sign-in from the client (forgotten after the window)."""
        try:
            self._limiter.hit(self._limit, self.client_key(address))
        except StorageError:
            log.warning("sign-in throttle storage unavailable; failure not counted")
