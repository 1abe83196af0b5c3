"""Bid checks: the total equals its lines plus overhead, markup, contingency, tax and rounding."""

from decimal import Decimal

import dagster as dg

from pipelineos.blueprints.processing import bidding, repository
from pipelineos_assets.defs.bids.assets import priced_bid
from pipelineos_assets.defs.bids.partitions import bid_partitions, split_key
from pipelineos_assets.resources import PipelineDatabase


def total_reconciles(totals: dict) -> tuple[bool, dict[str, str]]:
    """Lines sum to material + labor; total = lines + overhead + markup + contingency + tax + rounding."""
    lines = Decimal(totals["lines_total"])
    expected = lines + sum(
        Decimal(totals[k]) for k in ("overhead", "markup", "contingency", "tax", "rounding")
    )
    direct = Decimal(totals["material_cost"]) + Decimal(totals["labor_cost"])
    passed = lines == direct and expected == Decimal(totals["total"]) and totals["line_count"] > 0
    return passed, {
        "total": str(totals["total"]),
        "sum_of_lines": str(lines),
        "expected_total": str(expected),
        "direct": str(direct),
        "lines": str(totals["line_count"]),
    }


@dg.asset_check(
    asset=priced_bid,
    partitions_def=bid_partitions,
    description="Bid total equals the sum of its lines plus the markups.",
)
def bid_total_matches_lines(
    context: dg.AssetCheckExecutionContext, database: PipelineDatabase
) -> dg.AssetCheckResult:
    """Σ lines = material + labor, and the total adds overhead, markup, contingency, tax and rounding."""
    blueprint_id, variant = split_key(context)
    with database.connection() as conn:
        bid = repository.one(conn, "bid_by_variant", blueprint_id=blueprint_id, variant=variant)
    if bid is None:
        return dg.AssetCheckResult(passed=False, metadata={"error": f"no {variant} bid for {blueprint_id}"})
    passed, metadata = total_reconciles(bidding.bid_totals(bid["id"]))
    return dg.AssetCheckResult(passed=passed, metadata=metadata)
