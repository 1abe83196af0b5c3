"""Logged-out sessions: an access token carries its login's ``sid`` (the refresh-token family), and a token
whose family was revoked (logout, or a refresh token replayed) is refused.

The answer comes from the database, so it holds across every API instance; each process caches it for a few
seconds so the check is not a query per request. A revocation is final and cached for good; the instance that
handles the logout learns it at once, the others within ``ttl`` seconds.
"""

from __future__ import annotations

import time

from pipelineos.auth import sessions
from pipelineos_api.platform.db import tx


class SessionRevocations:
    """Per-process TTL cache of "was this login session revoked?"."""

    def __init__(self, ttl: float = 5.0, max_items: int = 50_000) -> None:
        self.ttl = ttl
        self.max_items = max_items
        self._checked: dict[str, tuple[float, bool]] = {}

    async def is_revoked(self, session_id: str) -> bool:
        """True when the session was logged out; a cached answer younger than ``ttl`` (or any revocation)
        is reused."""
        now = time.monotonic()
        hit = self._checked.get(session_id)
        if hit is not None and (hit[1] or now - hit[0] < self.ttl):
            return hit[1]
        revoked = await tx(sessions.session_revoked, session_id)
        self._remember(session_id, now, revoked)
        return revoked

    def revoke(self, session_id: str) -> None:
        """Record a logout handled by this process (so its tokens stop at once here)."""
        self._remember(session_id, time.monotonic(), True)

    def _remember(self, session_id: str, now: float, revoked: bool) -> None:
        if len(self._checked) >= self.max_items:
            self._checked = {k: v for k, v in self._checked.items() if v[1] or now - v[0] < self.ttl}
            if len(self._checked) >= self.max_items:
                self._checked.clear()
        self._checked[session_id] = (now, revoked)
