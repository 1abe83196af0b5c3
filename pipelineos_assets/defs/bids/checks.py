"""Bid checks: the total equals its lines plus overhead, markup, contingency, tax and rounding."""

from decimal import Decimal

import dagster as dg

from pipelineos.blueprints.processing import bidding, repository
from pipelineos_assets.defs.bids.assets import alternate_bid, priced_bid
from pipelineos_assets.defs.bids.partitions import KeyOf, base_key, bid_partitions, split_key
from pipelineos_assets.defs.blueprints.partitions import blueprint_partitions
from pipelineos_assets.resources import PipelineDatabase


def total_reconciles(totals: dict) -> tuple[bool, dict[str, str]]:
    """Lines sum to material + labor; total = lines + overhead + markup + contingency + tax + rounding."""
    lines = Decimal(totals["lines_total"])
    parts = ("overhead", "markup", "contingency", "tax", "rounding")
    expected = lines + sum(Decimal(totals[k]) for k in parts)
    direct = Decimal(totals["material_cost"]) + Decimal(totals["labor_cost"])
    passed = lines == direct and expected == Decimal(totals["total"]) and totals["line_count"] > 0
    return passed, {
        "total": str(totals["total"]),
        "sum_of_lines": str(lines),
        "expected_total": str(expected),
        "direct": str(direct),
        "lines": str(totals["line_count"]),
    }


def build_total_check(
    asset: dg.AssetsDefinition, partitions_def: dg.PartitionsDefinition, key_of: KeyOf
) -> dg.AssetChecksDefinition:
    """The bid-total check of one priced-bid asset."""

    @dg.asset_check(
        asset=asset,
        name="bid_total_matches_lines",
        partitions_def=partitions_def,
        description="Bid total equals the sum of its lines plus overhead, markup, contingency, tax, rounding.",
    )
    def _check(context: dg.AssetCheckExecutionContext, database: PipelineDatabase) -> dg.AssetCheckResult:
        blueprint_id, variant = key_of(context)
        with database.connection() as conn:
            bid = repository.one(conn, "bid_by_variant", blueprint_id=blueprint_id, variant=variant)
        if bid is None:
            return dg.AssetCheckResult(passed=False, metadata={"error": f"no {variant} bid for {blueprint_id}"})
        passed, metadata = total_reconciles(bidding.bid_totals(bid["id"]))
        return dg.AssetCheckResult(passed=passed, metadata=metadata)

    return _check


bid_total_checks = [
    build_total_check(priced_bid, blueprint_partitions, base_key),
    build_total_check(alternate_bid, bid_partitions, split_key),
]
