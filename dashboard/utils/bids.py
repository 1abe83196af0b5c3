"""Bid page logic: the reviewed takeoff as the pricing engine's input, live totals, proposal previews."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import polars as pl
import psycopg

from pipelineos.pricing import engine
from pipelineos.pricing.alternates import price_options
from pipelineos.pricing.service import load_assemblies

TOTAL_PARTS = ("material", "labor_cost", "overhead", "markup", "contingency", "tax", "rounding", "total")


def reviewed_takeoff(frame: pl.DataFrame, sheet_names: Mapping[int, str]) -> pl.DataFrame:
    """Counted rows of a review frame as the engine's takeoff (added fixtures have source ``manual``)."""
    counted = frame.filter(pl.col("counted"))
    return pl.DataFrame(
        [
            {
                "detection_id": None if r["origin"].startswith("added") else r["id"],
                "page_index": r["page_index"],
                "sheet_number": sheet_names.get(r["page_index"]),
                "fixture_class": r["label"],
                "source": "manual" if r["origin"].startswith("added") else "detected",
            }
            for r in counted.iter_rows(named=True)
        ],
        schema=engine.TAKEOFF_SCHEMA,
    )


def live_price(
    conn: psycopg.Connection,
    catalog: Mapping[str, Any],
    takeoff: pl.DataFrame,
    *,
    markup_pct: float,
    tax_on_total: bool,
    round_total_to: str,
    options: list[dict[str, Any]] | None = None,
) -> tuple[pl.DataFrame, dict[str, Decimal], list[dict[str, Any]]]:
    """Price ``takeoff`` with ``catalog`` and the page's what-if settings: (lines, totals, priced options)."""
    rates = engine.rates_frame(
        [
            {
                "bid_key": "bid",
                "catalog_key": "catalog",
                "labor_rate": catalog["labor_rate"],
                "overhead_pct": catalog["overhead_pct"],
                "markup_pct": markup_pct,
                "contingency_pct": catalog["contingency_pct"],
                "tax_pct": catalog["tax_pct"],
                "tax_on_total": tax_on_total,
                "round_total_to": round_total_to,
            }
        ]
    )
    assemblies = load_assemblies(conn, str(catalog["id"]))
    lines, totals = engine.price_batch(takeoff.with_columns(bid_key=pl.lit("bid")), assemblies, rates)
    row = totals.row(0, named=True)
    names = {
        "material": "material_cents",
        "labor_cost": "labor_cost_cents",
        "overhead": "overhead_cents",
        "markup": "markup_cents",
        "contingency": "contingency_cents",
        "tax": "tax_cents",
        "rounding": "rounding_cents",
        "total": "total_cents",
    }
    money = {k: engine.from_cents(row[v]) for k, v in names.items()}
    table = lines.select(
        "line_no",
        "fixture_class",
        "description",
        (pl.col("q_milli") / 1000).alias("quantity"),
        (pl.col("material_cents") / 100).alias("material"),
        (pl.col("labor_cost_cents") / 100).alias("labor"),
        (pl.col("total_cents") / 100).alias("line total"),
        "flag",
    )
    return table, money, price_options(options or [], assemblies, rates)


def first_page_png(pdf: bytes, dpi: int = 80) -> bytes:
    """The first page of a proposal PDF as PNG, for the preview."""
    import pymupdf

    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        return doc[0].get_pixmap(dpi=dpi).tobytes("png")
