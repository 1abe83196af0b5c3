"""Proposal check: the stored PDF opens, has pages and text."""

import dagster as dg

from pipelineos.blueprints.processing import delivery
from pipelineos.blueprints.processing import repository as repo
from pipelineos.blueprints.processing.errors import ProcessingError
from pipelineos_assets.defs.bids.partitions import KeyOf, base_key, bid_partitions, split_key
from pipelineos_assets.defs.blueprints.partitions import blueprint_partitions
from pipelineos_assets.defs.proposals.assets import alternate_proposal_pdf, proposal_pdf
from pipelineos_assets.resources import PipelineDatabase


def build_pdf_check(
    asset: dg.AssetsDefinition, partitions_def: dg.PartitionsDefinition, key_of: KeyOf
) -> dg.AssetChecksDefinition:
    """The opens-and-has-pages check of one proposal-PDF asset (blocking: no email for a broken PDF)."""

    @dg.asset_check(
        asset=asset,
        name="proposal_pdf_opens",
        partitions_def=partitions_def,
        blocking=True,
        description="The proposal PDF opens and has pages with text.",
    )
    def _check(context: dg.AssetCheckExecutionContext, database: PipelineDatabase) -> dg.AssetCheckResult:
        blueprint_id, variant = key_of(context)
        with database.connection() as conn:
            bid = repo.one(conn, "bid_by_variant", blueprint_id=blueprint_id, variant=variant)
            proposal = repo.one(conn, "latest_proposal_of", bid_id=bid["id"]) if bid else None
        if proposal is None:
            return dg.AssetCheckResult(passed=False, metadata={"error": "no proposal for this bid"})
        try:
            pages = delivery.check_pdf(proposal["pdf_sha256"])
        except ProcessingError as exc:
            return dg.AssetCheckResult(passed=False, metadata={"error": exc.cause})
        return dg.AssetCheckResult(
            passed=pages == proposal["page_count"],
            metadata={"pages": pages, "recorded_pages": proposal["page_count"]},
        )

    return _check


proposal_checks = [
    build_pdf_check(proposal_pdf, blueprint_partitions, base_key),
    build_pdf_check(alternate_proposal_pdf, bid_partitions, split_key),
]
