"""In-process token buckets keyed by client address.

Each API process keeps its own buckets (several instances behind a proxy each allow the configured rate);
this is
a guard against floods from one address, not an accounting system.
"""

from __future__ import annotations

import math
import threading
import time


class TokenBuckets:
    """``rate`` tokens per second, at most ``burst`` saved up, one bucket per key."""

    def __init__(self, rate: float, burst: int, max_keys: int = 100_000) -> None:
        self.rate = float(rate)
        self.burst = max(1, int(burst))
        self.max_keys = max_keys
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str, now: float | None = None) -> float:
        """Spend one token; returns 0 when allowed, else the seconds to wait before retrying."""
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, last = self._buckets.get(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                if len(self._buckets) > self.max_keys:
                    self._prune(now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (1.0 - tokens) / self.rate if self.rate > 0 else math.inf

    def _prune(self, now: float) -> None:
        full_after = self.burst / self.rate if self.rate > 0 else math.inf
        stale = [k for k, (_, last) in self._buckets.items() if now - last > full_after]
        for key in stale:
            del self._buckets[key]

    def reset(self) -> None:
        with self._lock:
            self._buckets.clear()
