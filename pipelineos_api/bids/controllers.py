"""Bid routes: create from a takeoff, re-price, send, status and its history, proposal text and PDF, exports."""

from __future__ import annotations

import msgspec
from litestar import Controller, Response, get, post, put

from pipelineos.auth.tokens import Principal
from pipelineos.blueprints import bidding, exports
from pipelineos.pricing import lifecycle
from pipelineos_api.auth.deps import Actor
from pipelineos_api.auth.guards import estimator, viewer
from pipelineos_api.bids import proposals
from pipelineos_api.bids.schemas import (
    Bid,
    BidCreate,
    BidList,
    BidSend,
    BidStatus,
    BidStatusChange,
    BidStatusEvent,
    ProposalText,
    ProposalTextUpdate,
)
from pipelineos_api.platform.db import tx
from pipelineos_api.platform.downloads import CSV, PDF, XLSX, attachment
from pipelineos_api.platform.params import Limit, Offset, OptionalId, PathId
from pipelineos_api.platform.schemas import to_struct, to_structs


class BidsController(Controller):
    path = "/api"
    tags = ["bids"]
    guards = [viewer]

    @get("/bids", operation_id="listBids")
    async def list_bids(
        self,
        principal: Principal,
        status: BidStatus | None = None,
        blueprint_id: OptionalId = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> BidList:
        """Bids of the organization, newest first; filter by blueprint or status."""
        page = {"blueprint_id": blueprint_id, "status": status, "limit": limit, "offset": offset}
        rows, total = await tx(bidding.list_bids, principal.organization_id, **page)
        return BidList(items=to_structs(rows, Bid), total=total, limit=limit, offset=offset)

    @get("/bids/{bid_id:str}", operation_id="getBid")
    async def get_bid(self, bid_id: PathId, principal: Principal) -> Bid:
        """One bid with its lines."""
        return to_struct(await tx(bidding.get_bid, principal.organization_id, bid_id), Bid)

    @post("/blueprints/{blueprint_id:str}/bids", operation_id="createBid", guards=[estimator])
    async def create_bid(self, blueprint_id: PathId, data: BidCreate, actor: Actor) -> Bid:
        """Price the blueprint's reviewed takeoff into a new draft bid."""
        fields = msgspec.structs.asdict(data)
        return to_struct(await tx(bidding.create_bid, blueprint_id=blueprint_id, **actor.kwargs, **fields), Bid)

    @post("/bids/{bid_id:str}/reprice", operation_id="repriceBid", guards=[estimator], status_code=200)
    async def reprice(self, bid_id: PathId, actor: Actor) -> Bid:
        """Re-price a draft bid from the current reviewed takeoff and catalog (manual overrides kept)."""
        return to_struct(await tx(bidding.reprice, bid_id=bid_id, **actor.kwargs), Bid)

    @post("/bids/{bid_id:str}/send", operation_id="sendBid", guards=[estimator], status_code=202)
    async def send(self, bid_id: PathId, data: BidSend, actor: Actor) -> Bid:
        """Render the proposal PDF and queue it by email to the customer; the bid becomes 'sent'."""
        return to_struct(await tx(proposals.send, bid_id=bid_id, recipient=data.recipient_email, **actor.kwargs), Bid)

    @post("/bids/{bid_id:str}/status", operation_id="setBidStatus", guards=[estimator], status_code=200)
    async def set_status(self, bid_id: PathId, data: BidStatusChange, actor: Actor) -> Bid:
        """Record the customer's answer: sent → accepted / declined (feeds the win rate)."""
        return to_struct(await tx(proposals.set_status, bid_id=bid_id, status=data.status, **actor.kwargs), Bid)

    @get("/bids/{bid_id:str}/history", operation_id="getBidStatusHistory")
    async def history(self, bid_id: PathId, principal: Principal) -> list[BidStatusEvent]:
        """Every status change of the bid, oldest first: from, to, when and who (draft → sent → accepted …)."""
        rows = await tx(lifecycle.history, organization_id=principal.organization_id, bid_id=bid_id)
        return to_structs(rows, BidStatusEvent)

    @get("/bids/{bid_id:str}/proposal-text", operation_id="getProposalText")
    async def proposal_text(self, bid_id: PathId, principal: Principal) -> ProposalText:
        """The scope, exclusions, terms and price-summary style the bid's proposal shows."""
        row = await tx(proposals.proposal_text, organization_id=principal.organization_id, bid_id=bid_id)
        return to_struct(row, ProposalText)

    @put("/bids/{bid_id:str}/proposal-text", operation_id="setProposalText", guards=[estimator])
    async def set_proposal_text(self, bid_id: PathId, data: ProposalTextUpdate, actor: Actor) -> ProposalText:
        """Edit a draft bid's proposal text (409 once the bid was sent); the change is audit-logged."""
        changes = msgspec.structs.asdict(data)
        return to_struct(
            await tx(proposals.set_proposal_text, bid_id=bid_id, changes=changes, **actor.kwargs), ProposalText
        )

    @get("/bids/{bid_id:str}/proposal.pdf", operation_id="downloadProposal", media_type=PDF)
    async def proposal_pdf(self, bid_id: PathId, principal: Principal) -> Response[bytes]:
        """The bid's latest proposal PDF (rendered on demand if none exists yet)."""
        data = await tx(proposals.pdf_bytes, organization_id=principal.organization_id, bid_id=bid_id)
        return attachment(data, f"proposal-{bid_id}.pdf")

    @get("/bids/{bid_id:str}/export.csv", operation_id="exportBidCsv", media_type=CSV)
    async def export_csv(self, bid_id: PathId, principal: Principal) -> Response[bytes]:
        """The bid lines as CSV."""
        return attachment(await tx(exports.bid_file, principal.organization_id, bid_id, "csv"), f"bid-{bid_id}.csv")

    @get("/bids/{bid_id:str}/export.xlsx", operation_id="exportBidXlsx", media_type=XLSX)
    async def export_xlsx(self, bid_id: PathId, principal: Principal) -> Response[bytes]:
        """The bid lines and totals as an Excel workbook."""
        return attachment(await tx(exports.bid_file, principal.organization_id, bid_id, "xlsx"), f"bid-{bid_id}.xlsx")
