"""Alternates (options) shown beside the base bid: priced with the same engine, never added to the total.

An option is a mapping with a ``name`` and either

* ``fixture_class`` + ``quantity`` (optionally ``unit_price``): the fixtures are priced through the catalog
  assembly and carry the full overhead, markup, contingency and tax of the base bid; a negative quantity is a
  deductive alternate; or
* ``amount``: a price quoted as-is (negative = deduct).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

import polars as pl

from pipelineos.pricing import engine
from pipelineos.pricing.models import PricingInputError


def _decimal(option: Mapping[str, Any], key: str, index: int) -> Decimal:
    try:
        return Decimal(str(option[key]))
    except (InvalidOperation, KeyError, TypeError) as exc:
        raise PricingInputError(
            f"Option {index + 1} ({option.get('name', '?')!r}): '{key}' must be a number, got {option.get(key)!r}."
        ) from exc


def price_options(
    options: Sequence[Mapping[str, Any]], assemblies: pl.DataFrame, rates: pl.DataFrame
) -> list[dict[str, Any]]:
    """Price each option against one bid's ``rates`` (a one-row frame); amounts are decimal strings."""
    priced: list[dict[str, Any]] = []
    for index, option in enumerate(options):
        name = str(option.get("name") or "").strip()
        if not name:
            raise PricingInputError(f"Option {index + 1} has no name: give every alternate a short name.")
        flag = None
        if "amount" in option:
            amount = engine.from_cents(engine.to_cents(_decimal(option, "amount", index)))
            description = str(option.get("description") or "")
        elif "fixture_class" in option:
            quantity = _decimal(option, "quantity", index)
            override = {
                "fixture_class": option["fixture_class"],
                "quantity": quantity,
                "unit_price": option.get("unit_price"),
                "reason": name,
            }
            bid_key = rates["bid_key"][0]
            lines, totals = engine.price_batch(
                pl.DataFrame(schema=engine.TAKEOFF_SCHEMA),
                assemblies,
                rates,
                engine.overrides_frame([override], bid_key=bid_key),
            )
            amount = engine.from_cents(int(totals["subtotal_cents"][0]))
            flag = lines["flag"][0] if lines.height else None
            description = str(option.get("description") or f"{quantity.normalize()} × {lines['description'][0]}")
        else:
            raise PricingInputError(
                f"Option {index + 1} ({name!r}) needs either 'amount' or 'fixture_class' and 'quantity'."
            )
        priced.append(
            {
                "name": name,
                "description": description,
                "amount": str(amount),
                "kind": "deduct" if amount < 0 else "add",
                "flag": flag,
            }
        )
    return priced
