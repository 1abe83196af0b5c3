"""Anthropic list prices, in one place, and the cost of a request.

Prices are US dollars per million tokens (input, output), standard tier, without prompt caching or batch
discounts. Review this table when a model is added: a model missing here is reported with ``cost_usd=None``
rather than a guessed number.
"""

from __future__ import annotations

import logging
import re

logger = logging.getLogger(__name__)

PRICES_USD_PER_MTOK: dict[str, tuple[float, float]] = {
    "claude-opus-4-5": (5.00, 25.00),
    "claude-opus-4-1": (15.00, 75.00),
    "claude-opus-4-0": (15.00, 75.00),
    "claude-opus-4": (15.00, 75.00),
    "claude-sonnet-4-5": (3.00, 15.00),
    "claude-sonnet-4-0": (3.00, 15.00),
    "claude-sonnet-4": (3.00, 15.00),
    "claude-haiku-4-5": (1.00, 5.00),
    "claude-3-5-haiku": (0.80, 4.00),
}

_warned: set[str] = set()


def price_for(model: str) -> tuple[float, float] | None:
    """Price of ``model``: an alias, or an alias plus snapshot date (``claude-sonnet-4-5-20250929``)."""
    alias = re.sub(r"-\d{8}$", "", model)
    return PRICES_USD_PER_MTOK.get(alias)


def cost_usd(model: str, input_tokens: int, output_tokens: int) -> float | None:
    """Dollar cost of the token counts, or ``None`` (logged once per model) when the price is unknown."""
    price = price_for(model)
    if price is None:
        if model not in _warned:
            _warned.add(model)
            logger.warning("no price for model %r in pipelineos.ai.pricing; cost is reported as unknown", model)
        return None
    return (input_tokens * price[0] + output_tokens * price[1]) / 1_000_000
