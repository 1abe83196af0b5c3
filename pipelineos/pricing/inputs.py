"""What the engine prices from: a checked takeoff frame, the catalog's assemblies (one variant per fixture
type), and the bid's rates and pricing settings."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl
import psycopg

from pipelineos.pricing import repository
from pipelineos.pricing.code_tables import EDITIONS, OCCUPANCIES
from pipelineos.pricing.frames import DEFAULT_VARIANT, TAKEOFF_SCHEMA, assemblies_frame
from pipelineos.pricing.models import PricingInputError

Row = dict[str, Any]
RATE_KEYS = ("labor_rate", "overhead_pct", "markup_pct", "contingency_pct", "tax_pct")


def validated_takeoff(takeoff: pl.DataFrame) -> pl.DataFrame:
    """``takeoff`` with exactly the engine's columns and types; a missing column or class is refused."""
    missing = [c for c in TAKEOFF_SCHEMA if c not in takeoff.columns]
    if missing:
        raise PricingInputError(
            f"The takeoff frame lacks column(s) {', '.join(missing)}; expected {', '.join(TAKEOFF_SCHEMA)}."
        )
    columns = []
    for name, dtype in TAKEOFF_SCHEMA.items():
        series = takeoff[name]
        if series.dtype == pl.Object:
            series = pl.Series(name, [None if v is None else str(v) for v in series], dtype=pl.String)
        try:
            columns.append(series.cast(dtype))
        except pl.exceptions.PolarsError as exc:
            raise PricingInputError(f"Takeoff column {name!r} must hold {dtype} values: {exc}") from exc
    frame = pl.DataFrame(columns)
    if frame["fixture_class"].null_count():
        raise PricingInputError("The takeoff has rows without a fixture_class; every row needs one.")
    return frame.with_columns(source=pl.col("source").fill_null("unknown"))


def pick_variants(rows: list[Row], chosen: Mapping[str, str], default: str = DEFAULT_VARIANT) -> list[Row]:
    """Keep one variant per fixture type: the chosen one, else ``default``, else the first by name.

    A chosen variant the catalog does not have is refused with the variants it does have.
    """
    available: dict[str, list[str]] = {}
    for r in rows:
        names = available.setdefault(r["fixture_class"], [])
        if r["variant"] not in names:
            names.append(r["variant"])
    picked: dict[str, str] = {}
    for cls, names in available.items():
        if cls in chosen:
            if chosen[cls] not in names:
                raise PricingInputError(
                    f"The catalog has no {chosen[cls]!r} assembly for {cls}; choose one of {', '.join(sorted(names))}."
                )
            picked[cls] = chosen[cls]
        else:
            picked[cls] = default if default in names else sorted(names)[0]
    return [r for r in rows if picked[r["fixture_class"]] == r["variant"]]


def load_assemblies(
    conn: psycopg.Connection,
    catalog_id: str,
    variant: str = DEFAULT_VARIANT,
    *,
    variants: Mapping[str, str] | None = None,
) -> pl.DataFrame:
    """The catalog's assemblies as the engine's frame, one per fixture type (``variants`` picks by type)."""
    found = repository.rows(conn, "assembly_rows", catalog_id=catalog_id)
    return assemblies_frame(pick_variants(found, variants or {}, variant))


def pricing_settings(
    existing: Mapping[str, Any] | None,
    *,
    options: Any = None,
    round_total_to: Any = None,
    tax_on_total: bool | None = None,
    variants: Mapping[str, str] | None = None,
    code_edition: str | None = None,
    occupancy: str | None = None,
) -> dict[str, Any]:
    """The bid's ``settings`` with the given changes applied (``None`` keeps what the bid had)."""
    settings: dict[str, Any] = dict(existing or {})
    if options is not None:
        settings["options"] = [dict(o) for o in options]
    if round_total_to is not None:
        settings["round_total_to"] = str(round_total_to)
    if tax_on_total is not None:
        settings["tax_on_total"] = bool(tax_on_total)
    if variants is not None:
        settings["variants"] = {str(k): str(v) for k, v in variants.items()}
    if code_edition is not None:
        if code_edition not in EDITIONS:
            raise PricingInputError(f"Unknown code edition {code_edition!r}: choose one of {', '.join(EDITIONS)}.")
        settings["code_edition"] = code_edition
    if occupancy is not None:
        if occupancy not in OCCUPANCIES:
            raise PricingInputError(f"Occupancy must be 'private' or 'public', not {occupancy!r}.")
        settings["occupancy"] = occupancy
    return settings


def bid_rates(catalog: Row, settings: Mapping[str, Any], bid_key: str = "bid") -> dict[str, Any]:
    """One bid's row for :func:`pipelineos.pricing.frames.rates_frame`: the catalog's rates, the bid's rounding."""
    return {
        "bid_key": bid_key,
        "catalog_key": "catalog",
        **{k: catalog[k] for k in RATE_KEYS},
        "tax_on_total": bool(settings.get("tax_on_total", False)),
        "round_total_to": str(settings.get("round_total_to", "0.01")),
    }
