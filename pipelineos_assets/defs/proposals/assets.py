"""Proposal PDF for a priced bid, then the proposal email (queued in the outbox and dispatched)."""

import dagster as dg

from pipelineos.blueprints.processing import bidding, delivery, steps
from pipelineos.blueprints.processing import repository as repo
from pipelineos_assets.defs.bids.assets import priced_bid
from pipelineos_assets.defs.bids.partitions import bid_partitions, split_key
from pipelineos_assets.guard import TAGS_SEND, run_id_of, run_step
from pipelineos_assets.resources import PipelineDatabase


def _bid(database: PipelineDatabase, blueprint_id: str, variant: str) -> dict:
    with database.connection() as conn:
        bid = repo.one(conn, "bid_by_variant", blueprint_id=blueprint_id, variant=variant)
    if bid is None:
        raise dg.Failure(
            description=f"blueprint {blueprint_id}: no {variant!r} bid; materialize priced_bid first"
        )
    return bid


@dg.asset(
    partitions_def=bid_partitions,
    group_name="proposals",
    kinds={"python", "pdf"},
    deps=[priced_bid],
    code_version="1",
)
def proposal_pdf(context: dg.AssetExecutionContext, database: PipelineDatabase) -> dg.MaterializeResult:
    """The branded proposal PDF of the bid, stored content-addressed (a sent bid keeps its proposal)."""
    blueprint_id, variant = split_key(context)
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
    partitions_def=bid_partitions,
    group_name="proposals",
    kinds={"python", "email"},
    deps=[proposal_pdf],
    code_version="1",
)
def sent_proposal(context: dg.AssetExecutionContext, database: PipelineDatabase) -> dg.MaterializeResult:
    """The proposal emailed to the customer (once per proposal and recipient); completes the blueprint."""
    blueprint_id, variant = split_key(context)
    bid = _bid(database, blueprint_id, variant)
    with database.connection() as conn:
        proposal = repo.one(conn, "latest_proposal_of", bid_id=bid["id"])
    if proposal is None:
        raise dg.Failure(description=f"blueprint {blueprint_id}: bid {bid['id']} has no proposal yet")
    send = context.run.tags.get(TAGS_SEND, "true") != "false"
    outcome = {"message_id": None, "status": "not sent (review re-price)"}
    if send:
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
