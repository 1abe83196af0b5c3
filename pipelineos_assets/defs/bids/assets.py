"""Priced bid: the reviewed takeoff × the price catalog, one partition per (blueprint, variant)."""

import dagster as dg
import polars as pl

from pipelineos.blueprints.processing import bidding
from pipelineos_assets.defs.bids.partitions import TAKEOFF_OF_BID, bid_partitions, split_key
from pipelineos_assets.guard import run_id_of, run_step


@dg.asset(
    partitions_def=bid_partitions,
    group_name="bids",
    kinds={"python", "polars", "postgres"},
    code_version="1",
    ins={"reviewed_takeoff": dg.AssetIn(partition_mapping=TAKEOFF_OF_BID)},
)
def priced_bid(context: dg.AssetExecutionContext, reviewed_takeoff: pl.DataFrame) -> dg.MaterializeResult:
    """The bid priced from the reviewed takeoff (re-priced in place while draft; kept once sent)."""
    blueprint_id, variant = split_key(context)
    bid = run_step(
        context, blueprint_id, bidding.price, blueprint_id, variant, reviewed_takeoff, run_id_of(context)
    )
    lines = bid.get("lines") or []
    return dg.MaterializeResult(
        metadata={
            "bid_id": str(bid["id"]),
            "total": float(bid["total"]),
            "lines": len(lines),
            "status": bid["status"],
            "kept": bool(bid.get("kept")),
            "catalog_version": bid.get("catalog_version"),
            "takeoff_fixtures": reviewed_takeoff.height,
            "flagged": dg.MetadataValue.json([ln["fixture_class"] for ln in lines if ln.get("flag")]),
        },
        data_version=dg.DataVersion(str(bid.get("data_version") or bid["id"])),
    )
