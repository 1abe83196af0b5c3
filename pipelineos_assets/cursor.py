"""Sensor cursors that survive late commits.

A row's timestamp is taken when its transaction writes it, but it becomes visible when the transaction commits,
so a row can appear *behind* a cursor that already moved past its timestamp. A :class:`WindowCursor` therefore
keeps the newest timestamp seen plus the keys seen within ``LOOKBACK`` of it; each tick queries everything
newer than ``newest - LOOKBACK`` except those keys. A late row is still found, and a row is requested once.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field

LOOKBACK = dt.timedelta(minutes=10)
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class WindowCursor:
    """The newest timestamp seen and ``{key: timestamp}`` of the rows seen within ``LOOKBACK`` of it."""

    newest: dt.datetime | None = None
    seen: dict[str, str] = field(default_factory=dict)

    @classmethod
    def parse(cls, text: str | None) -> WindowCursor:
        """The cursor stored by :meth:`dumps` (an empty cursor for None or '')."""
        if not text:
            return cls()
        data = json.loads(text)
        newest = dt.datetime.fromisoformat(data["newest"]) if data.get("newest") else None
        return cls(newest, {str(k): str(v) for k, v in (data.get("seen") or {}).items()})

    @property
    def since(self) -> dt.datetime:
        """Query rows strictly newer than this."""
        return self.newest - LOOKBACK if self.newest else EPOCH

    @property
    def seen_keys(self) -> list[str]:
        """Keys to leave out of the query: already requested."""
        return sorted(self.seen)

    def advance(self, found: Iterable[tuple[str, dt.datetime]]) -> WindowCursor:
        """The cursor after ``found`` ``(key, timestamp)`` rows were handled; keys older than the window drop."""
        seen = dict(self.seen)
        newest = self.newest
        for key, at in found:
            seen[str(key)] = at.isoformat()
            newest = at if newest is None or at > newest else newest
        if newest is None:
            return self
        floor = newest - LOOKBACK
        return WindowCursor(newest, {k: v for k, v in seen.items() if dt.datetime.fromisoformat(v) > floor})

    def dumps(self) -> str:
        return json.dumps({"newest": self.newest.isoformat() if self.newest else None, "seen": self.seen})
