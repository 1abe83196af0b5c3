"""Daily analytics snapshots (bids and win rate, revenue, lead funnel and response times, fixture mix,
detection accuracy) in ``analytics_metrics``, one slice per metric set and day."""

import dagster as dg
import polars as pl

from pipelineos.blueprints.processing import analytics
from pipelineos_assets.defs.analytics.partitions import daily_partitions

DESCRIPTIONS = {
    "bids": "Bids, won, lost, open, won value and win rate; revenue per month of acceptance.",
    "leads": "Leads per funnel stage; minutes to first response (count, median, p90, mean).",
    "fixture_mix": "Fixtures per class in the reviewed takeoffs.",
    "detection_accuracy": "Precision and recall per fixture class, measured from review decisions.",
}


def metric_asset(metric_set: str) -> dg.AssetsDefinition:
    """The daily snapshot asset of one metric set."""

    @dg.asset(
        name=f"analytics_{metric_set}",
        partitions_def=daily_partitions,
        group_name="analytics",
        kinds={"polars", "postgres"},
        io_manager_key="postgres_io_manager",
        description=DESCRIPTIONS[metric_set],
        metadata={
            "table": "analytics_metrics",
            "partition_column": "snapshot_date",
            "fixed_columns": {"metric_set": metric_set},
        },
        deps=[dg.AssetDep("reviewed_takeoff", partition_mapping=dg.AllPartitionMapping())]
        if metric_set in ("fixture_mix", "detection_accuracy")
        else [],
    )
    def snapshot_asset(context: dg.AssetExecutionContext) -> pl.DataFrame:
        """Compute the metric set for every organization (the IO manager replaces the day's slice)."""
        frame = analytics.snapshot(metric_set).with_columns(run_id=pl.lit(context.run.run_id))
        context.add_output_metadata(
            {
                "organizations": frame["organization_id"].n_unique(),
                "preview": dg.MetadataValue.text(str(frame.head(12))),
            }
        )
        return frame

    return snapshot_asset


analytics_assets = [metric_asset(name) for name in analytics.METRIC_SETS]
