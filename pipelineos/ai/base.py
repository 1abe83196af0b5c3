"""The vision-provider interface the takeoff engine calls, its usage record and its errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from pipelineos.takeoff.models import Detection


@runtime_checkable
class VisionProvider(Protocol):
    """Something that finds plumbing fixtures on one rendered page image.

    The takeoff engine renders a page to PNG and calls :meth:`detect_page`; it never needs to know which model
    or service is behind it. ``usage`` lists what each call cost, one entry per page, in call order.
    """

    usage: list[PageUsage]

    def detect_page(self, png: bytes, width_px: int, height_px: int, page_index: int) -> list[Detection]:
        """Return the fixtures found on the page, with boxes normalized to 0..1 (origin top-left)."""
        ...


@dataclass
class PageUsage:
    """Tokens, cost and problems of analysing one page."""

    page_index: int
    tiles: int
    input_tokens: int
    output_tokens: int
    cost_usd: float | None
    """Cost in US dollars; ``None`` when the model has no entry in the price table."""
    prompt_version: str
    model: str
    errors: list[str] = field(default_factory=list)
    """Failed attempts and dropped tool-output items, in the order they happened."""
    requests: int = 0
    """HTTP requests sent, retries included."""


class VisionProviderError(RuntimeError):
    """The vision service could not analyse a page (after retries); the takeoff falls back to offline."""


class VisionConfigError(ValueError):
    """The configuration asks for a vision provider that cannot be built; the message says what to set."""
