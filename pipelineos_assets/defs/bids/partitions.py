"""Bid partitions: blueprint × bid variant, so a second bid of a blueprint is its own partition.

``bid_variants`` holds variant names (``base``, ``alt-1``, ``catalog-2``), added by the bid-requests sensor;
the multi-partition key ``{bid: variant, blueprint: id}`` names one bid, and its lineage maps back to the
blueprint's takeoff partition.
"""

from __future__ import annotations

import dagster as dg

from pipelineos_assets.defs.blueprints.partitions import blueprint_partitions

bid_variant_partitions = dg.DynamicPartitionsDefinition(name="bid_variants")
bid_partitions = dg.MultiPartitionsDefinition(
    {"blueprint": blueprint_partitions, "bid": bid_variant_partitions}
)
TAKEOFF_OF_BID = dg.MultiToSingleDimensionPartitionMapping(partition_dimension_name="blueprint")


def bid_key(blueprint_id: str, variant: str) -> dg.MultiPartitionKey:
    """The partition key of one bid."""
    return dg.MultiPartitionKey({"blueprint": blueprint_id, "bid": variant})


def split_key(context: dg.AssetExecutionContext | dg.AssetCheckExecutionContext) -> tuple[str, str]:
    """``(blueprint_id, variant)`` of the partition being computed."""
    key = context.partition_key
    dims = (
        key.keys_by_dimension
        if isinstance(key, dg.MultiPartitionKey)
        else dict(zip(("bid", "blueprint"), str(key).split("|"), strict=True))
    )
    return dims["blueprint"], dims["bid"]
