"""Proposal PDF for a priced bid, then the proposal email (queued in the outbox and dispatched).

One factory builds the pair for the base bid (``proposal_pdf``, ``sent_proposal``) and for further bids
(``alternate_proposal_pdf``, ``sent_alternate_proposal``).
"""

import dagster as dg

from pipelineos.blueprints.processing import bidding, delivery, steps
from pipelineos.blueprints.processing import repository as repo
from pipelineos_assets.defs.bids.assets import alternate_bid, priced_bid
from pipelineos_assets.defs.bids.partitions import KeyOf, base_key, bid_partitions, split_key
from pipelineos_assets.defs.blueprints.partitions import blueprint_partitions
from pipelineos_assets.guard import TAGS_SEND, run_id_of, run_step
from pipelineos_assets.resources import PipelineDatabase


def _bid(database: PipelineDatabase, blueprint_id: str, variant: str) -> dict:
    with database.connection() as conn:
        bid = repo.one(conn, "bid_by_variant", blueprint_id=blueprint_id, variant=variant)
    if bid is None:
        raise dg.Failure(description=f"blueprint {blueprint_id}: no {variant!r} bid; price it first")
    return bid


def build_proposal_assets(
    bid_asset: dg.AssetsDefinition,
    pdf_name: str,
    sent_name: str,
    partitions_def: dg.PartitionsDefinition,
    key_of: KeyOf,
) -> tuple[dg.AssetsDefinition, dg.AssetsDefinition]:
    """The proposal-PDF and sent-proposal assets downstream of ``bid_asset``."""

    @dg.asset(
        name=pdf_name,
        partitions_def=partitions_def,
        group_name="proposals",
        kinds={"python", "pdf"},
        deps=[bid_asset],
        code_version="1",
        description="The branded proposal PDF of the bid, stored content-addressed (a sent bid keeps its own).",
    )
    def _pdf(context: dg.AssetExecutionContext, database: PipelineDatabase) -> dg.MaterializeResult:
        blueprint_id, variant = key_of(context)
        bid = _bid(database, blueprint_id, variant)
        bid["kept"] = bid["status"] != "draft"
        proposal = run_step(context, blueprint_id, delivery.proposal_for, bid, run_id_of(context))
        return dg.MaterializeResult(
            metadata={
                "proposal_id": proposal["id"],
                "pdf_sha256": proposal["pdf_sha256"].strip(),
                "pages": proposal["page_count"],
                "kept": bool(proposal.get("kept")),
            },
            data_version=dg.DataVersion(proposal["pdf_sha256"].strip()[:16]),
        )

    @dg.asset(
        name=sent_name,
        partitions_def=partitions_def,
        group_name="proposals",
        kinds={"python", "email"},
        deps=[_pdf],
        code_version="1",
        description="The proposal emailed to the customer (once per proposal and recipient).",
    )
    def _sent(context: dg.AssetExecutionContext, database: PipelineDatabase) -> dg.MaterializeResult:
        blueprint_id, variant = key_of(context)
        bid = _bid(database, blueprint_id, variant)
        with database.connection() as conn:
            proposal = repo.one(conn, "latest_proposal_of", bid_id=bid["id"])
        if proposal is None:
            raise dg.Failure(description=f"blueprint {blueprint_id}: bid {bid['id']} has no proposal yet")
        outcome: dict = {"message_id": None, "status": "not sent (review re-price)"}
        if context.run.tags.get(TAGS_SEND, "true") != "false":
            outcome = run_step(context, blueprint_id, delivery.send, proposal, bid["customer_email"])
        if variant == bidding.BASE:
            run_step(context, blueprint_id, steps.complete, blueprint_id)
        return dg.MaterializeResult(
            metadata={
                "recipient": bid["customer_email"] or "",
                "message_id": str(outcome.get("message_id") or ""),
                "message_status": str(outcome["status"]),
                "proposal_id": proposal["id"],
            }
        )

    return _pdf, _sent


proposal_pdf, sent_proposal = build_proposal_assets(
    priced_bid, "proposal_pdf", "sent_proposal", blueprint_partitions, base_key
)
alternate_proposal_pdf, sent_alternate_proposal = build_proposal_assets(
    alternate_bid, "alternate_proposal_pdf", "sent_alternate_proposal", bid_partitions, split_key
)
