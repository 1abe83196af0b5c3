"""Bid page logic: the reviewed takeoff as the pricing engine's input, live totals, proposal previews."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import polars as pl
import psycopg

from pipelineos.pricing import engine
from pipelineos.pricing.alternates import price_options
from pipelineos.pricing.inputs import bid_rates
from pipelineos.pricing.service import load_assemblies

TOTAL_PARTS = ("material", "labor_cost", "overhead", "markup", "contingency", "tax", "rounding", "total")
TOTAL_LABELS = {
    "material": "Material",
    "labor_cost": "Labor",
    "overhead": "Overhead",
    "markup": "Markup",
    "contingency": "Contingency",
    "tax": "Tax",
    "rounding": "Rounding",
    "total": "Total",
}


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
    settings = {"tax_on_total": tax_on_total, "round_total_to": round_total_to}
    rates = engine.rates_frame([bid_rates({**catalog, "markup_pct": markup_pct}, settings)])
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


def proposal_pages_png(pdf: bytes, dpi: int = 90, limit: int = 3) -> list[bytes]:
    """The first ``limit`` pages of a proposal PDF as PNG images, for the preview."""
    import pymupdf

    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        return [doc[i].get_pixmap(dpi=dpi).tobytes("png") for i in range(min(limit, doc.page_count))]
