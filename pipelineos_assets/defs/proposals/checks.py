"""Proposal check: the stored PDF opens, has pages and text."""

import dagster as dg

from pipelineos.blueprints.processing import delivery
from pipelineos.blueprints.processing import repository as repo
from pipelineos.blueprints.processing.errors import ProcessingError
from pipelineos_assets.defs.bids.partitions import bid_partitions, split_key
from pipelineos_assets.defs.proposals.assets import proposal_pdf
from pipelineos_assets.resources import PipelineDatabase


@dg.asset_check(
    asset=proposal_pdf,
    partitions_def=bid_partitions,
    blocking=True,
    description="The proposal PDF opens and has pages with text.",
)
def proposal_pdf_opens(
    context: dg.AssetCheckExecutionContext, database: PipelineDatabase
) -> dg.AssetCheckResult:
    """Open the latest proposal PDF of the bid and count its pages."""
    blueprint_id, variant = split_key(context)
    with database.connection() as conn:
        bid = repo.one(conn, "bid_by_variant", blueprint_id=blueprint_id, variant=variant)
        proposal = repo.one(conn, "latest_proposal_of", bid_id=bid["id"]) if bid else None
    if proposal is None:
        return dg.AssetCheckResult(passed=False, metadata={"error": "no proposal for this bid"})
    try:
        pages = delivery.check_pdf(proposal["pdf_sha256"])
    except ProcessingError as exc:
        return dg.AssetCheckResult(passed=False, metadata={"error": exc.cause})
    passed = pages == proposal["page_count"]
    return dg.AssetCheckResult(
        passed=passed, metadata={"pages": pages, "recorded_pages": proposal["page_count"]}
    )
