"""Analytics checks: each day's stored snapshot is sane (rates are shares, counts and money are not negative,
parts add up to their totals)."""

import dagster as dg

from pipelineos.blueprints.processing import analytics, analytics_checks
from pipelineos_assets.defs.analytics.partitions import daily_partitions
from pipelineos_assets.resources import PipelineDatabase


def build_sanity_check(metric_set: str) -> dg.AssetChecksDefinition:
    """The sanity check of one metric set's daily snapshot."""

    @dg.asset_check(
        asset=f"analytics_{metric_set}",
        name="snapshot_is_sane",
        partitions_def=daily_partitions,
        description="Win rate, precision and recall within 0..1; counts, revenue and minutes not negative; "
        "won + lost + open = bids; answered leads ≤ leads.",
    )
    def _check(context: dg.AssetCheckExecutionContext, database: PipelineDatabase) -> dg.AssetCheckResult:
        with database.connection() as conn:
            frame = analytics_checks.stored_slice(conn, metric_set, str(context.partition_key))
        broken = analytics_checks.violations(metric_set, frame)
        return dg.AssetCheckResult(
            passed=not broken,
            metadata={
                "rows": frame.height,
                "violations": dg.MetadataValue.json(broken[: analytics_checks.MAX_LISTED]),
                "violation_count": len(broken),
            },
        )

    return _check


analytics_checks_defs = [build_sanity_check(name) for name in analytics.METRIC_SETS]
