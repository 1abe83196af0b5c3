"""What every delivery transport promises: return the provider's message id, or raise :class:`DeliveryFailed`
saying whether the provider did not accept the message (safe to retry) or the outcome is unknown."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

OnTransmitting = Callable[[], None]


class DeliveryFailed(Exception):
    """A send that did not succeed; ``accepted`` is False (not accepted) or None (unknown)."""

    def __init__(self, reason: str, *, accepted: bool | None = False, permanent: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.accepted = accepted
        self.permanent = permanent


class Transport(Protocol):
    def send(self, message: dict[str, Any], on_transmitting: OnTransmitting) -> str | None: ...
