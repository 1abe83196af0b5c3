"""Bid totals from priced lines: overhead, markup, contingency, tax and rounding, per ``bid_key``.

direct = Σ material + Σ labor; overhead = direct × overhead %; markup = (direct + overhead) × markup %;
contingency = (direct + overhead + markup) × contingency %; tax = material × tax % (or the whole pre-tax
amount × tax % when ``tax_on_total``); total = the sum rounded half up to ``round_to_cents``, the difference
kept as ``rounding``. Each step is rounded to the cent before the next uses it.
"""

from __future__ import annotations

import polars as pl

from pipelineos.pricing.money import div_round, round_to

PERCENT = 100_000
"""Divisor of ``amount_cents × rate_mpct`` (rates are thousandths of a percent)."""


def summarize(lines: pl.DataFrame, rates: pl.DataFrame) -> pl.DataFrame:
    """Bid totals per ``bid_key`` (every bid in ``rates``, even one without lines)."""
    sums = lines.group_by("bid_key").agg(
        material_cents=pl.col("material_cents").sum(),
        labor_hours_centi=pl.col("labor_hours_centi").sum(),
        labor_cost_cents=pl.col("labor_cost_cents").sum(),
        flagged_lines=pl.col("flag").is_not_null().sum().cast(pl.Int64),
    )
    summed = ["material_cents", "labor_hours_centi", "labor_cost_cents", "flagged_lines"]
    direct, overhead, markup = pl.col("direct_cents"), pl.col("overhead_cents"), pl.col("markup_cents")
    return (
        rates.join(sums, on="bid_key", how="left")
        .with_columns(pl.col(c).fill_null(0).cast(pl.Int64) for c in summed)
        .with_columns(direct_cents=pl.col("material_cents") + pl.col("labor_cost_cents"))
        .with_columns(overhead_cents=div_round(direct * pl.col("overhead_mpct"), PERCENT))
        .with_columns(markup_cents=div_round((direct + overhead) * pl.col("markup_mpct"), PERCENT))
        .with_columns(contingency_cents=div_round((direct + overhead + markup) * pl.col("contingency_mpct"), PERCENT))
        .with_columns(pre_tax_cents=direct + overhead + markup + pl.col("contingency_cents"))
        .with_columns(
            tax_cents=div_round(
                pl.when(pl.col("tax_on_total")).then(pl.col("pre_tax_cents")).otherwise(pl.col("material_cents"))
                * pl.col("tax_mpct"),
                PERCENT,
            )
        )
        .with_columns(subtotal_cents=pl.col("pre_tax_cents") + pl.col("tax_cents"))
        .with_columns(total_cents=round_to(pl.col("subtotal_cents"), pl.col("round_to_cents")))
        .with_columns(rounding_cents=pl.col("total_cents") - pl.col("subtotal_cents"))
    )
