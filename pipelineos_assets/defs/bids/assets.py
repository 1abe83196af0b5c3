"""Priced bid: the reviewed takeoff × the price catalog.

``priced_bid`` is the base bid, in the blueprint's run; ``alternate_bid`` prices every further bid of a
blueprint in its own (blueprint × variant) partition. Both come from one factory.
"""

import dagster as dg
import polars as pl

from pipelineos.blueprints.processing import bidding
from pipelineos_assets.defs.bids.partitions import (
    TAKEOFF_OF_BID,
    KeyOf,
    base_key,
    bid_partitions,
    split_key,
)
from pipelineos_assets.defs.blueprints.partitions import blueprint_partitions
from pipelineos_assets.guard import run_id_of, run_step


def build_priced_bid(
    name: str,
    partitions_def: dg.PartitionsDefinition,
    key_of: KeyOf,
    mapping: dg.PartitionMapping | None = None,
    description: str = "",
) -> dg.AssetsDefinition:
    """A priced-bid asset for ``partitions_def``; ``key_of`` names the (blueprint, variant) of a partition."""

    @dg.asset(
        name=name,
        partitions_def=partitions_def,
        group_name="bids",
        kinds={"python", "polars", "postgres"},
        code_version="1",
        description=description,
        ins={"reviewed_takeoff": dg.AssetIn(partition_mapping=mapping)},
    )
    def _priced(context: dg.AssetExecutionContext, reviewed_takeoff: pl.DataFrame) -> dg.MaterializeResult:
        blueprint_id, variant = key_of(context)
        bid = run_step(
            context, blueprint_id, bidding.price, blueprint_id, variant, reviewed_takeoff, run_id_of(context)
        )
        lines = bid.get("lines") or []
        return dg.MaterializeResult(
            metadata={
                "bid_id": str(bid["id"]),
                "variant": variant,
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

    return _priced


priced_bid = build_priced_bid(
    "priced_bid",
    blueprint_partitions,
    base_key,
    description="The base bid priced from the reviewed takeoff (re-priced in place while draft; kept once sent).",
)
alternate_bid = build_priced_bid(
    "alternate_bid",
    bid_partitions,
    split_key,
    TAKEOFF_OF_BID,
    description="A further bid of a blueprint (customer, catalog version, alternate), from the same takeoff.",
)
