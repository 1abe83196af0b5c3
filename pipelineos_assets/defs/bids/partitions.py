"""Bid partitions. The base bid of a blueprint is priced in the blueprint's own run (blueprint partition);
every further bid (another customer, catalog version or alternate) is a partition of ``bid_partitions``:
blueprint × variant, with lineage mapped back to the blueprint's takeoff."""

from __future__ import annotations

from collections.abc import Callable

import dagster as dg

from pipelineos.blueprints.processing.bidding import BASE
from pipelineos_assets.defs.blueprints.partitions import blueprint_partitions

bid_variant_partitions = dg.DynamicPartitionsDefinition(name="bid_variants")
bid_partitions = dg.MultiPartitionsDefinition({"blueprint": blueprint_partitions, "bid": bid_variant_partitions})
TAKEOFF_OF_BID = dg.MultiToSingleDimensionPartitionMapping(partition_dimension_name="blueprint")

Context = dg.AssetExecutionContext | dg.AssetCheckExecutionContext
KeyOf = Callable[[Context], tuple[str, str]]


def bid_key(blueprint_id: str, variant: str) -> dg.MultiPartitionKey:
    """The partition key of one further bid."""
    return dg.MultiPartitionKey({"blueprint": blueprint_id, "bid": variant})


def base_key(context: Context) -> tuple[str, str]:
    """``(blueprint_id, "base")`` of a blueprint partition."""
    return str(context.partition_key), BASE


def split_key(context: Context) -> tuple[str, str]:
    """``(blueprint_id, variant)`` of a bid partition."""
    key = context.partition_key
    if isinstance(key, dg.MultiPartitionKey):
        dims = key.keys_by_dimension
    else:
        dims = dict(zip(("bid", "blueprint"), str(key).split("|"), strict=True))
    return dims["blueprint"], dims["bid"]
