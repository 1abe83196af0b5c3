"""Bid routes: create from a takeoff, re-price, send, proposal PDF, CSV/XLSX export."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Response, get, post
from litestar.params import Parameter

from pipelineos.auth.tokens import Principal
from pipelineos.blueprints import bidding, exports
from pipelineos_api.auth.guards import estimator, viewer
from pipelineos_api.bids import proposals
from pipelineos_api.bids.schemas import Bid, BidCreate, BidList, BidSend, BidStatus, BidStatusChange
from pipelineos_api.blueprints.workflow import download
from pipelineos_api.platform.db import tx
from pipelineos_api.platform.schemas import to_struct, to_structs

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _user(principal: Principal) -> str | None:
    return principal.user_id if principal.kind == "user" else None


class BidsController(Controller):
    path = "/api"
    tags = ["bids"]
    guards = [viewer]

    @get("/bids", operation_id="listBids")
    async def list_bids(
        self,
        principal: Principal,
        status: BidStatus | None = None,
        blueprint_id: Annotated[str | None, Parameter(max_length=64)] = None,
        limit: Annotated[int, Parameter(ge=1, le=500)] = 50,
        offset: Annotated[int, Parameter(ge=0)] = 0,
    ) -> BidList:
        """Bids of the organization, newest first; filter by blueprint or status."""
        rows, total = await tx(
            bidding.list_bids,
            principal.organization_id,
            blueprint_id=blueprint_id,
            status=status,
            limit=limit,
            offset=offset,
        )
        return BidList(items=to_structs(rows, Bid), total=total, limit=limit, offset=offset)

    @get("/bids/{bid_id:str}", operation_id="getBid")
    async def get_bid(self, bid_id: str, principal: Principal) -> Bid:
        """One bid with its lines."""
        return to_struct(await tx(bidding.get_bid, principal.organization_id, bid_id), Bid)

    @post("/blueprints/{blueprint_id:str}/bids", operation_id="createBid", guards=[estimator])
    async def create_bid(self, blueprint_id: str, data: BidCreate, principal: Principal, request_id: str) -> Bid:
        """Price the blueprint's reviewed takeoff into a new draft bid."""
        row = await tx(
            bidding.create_bid,
            organization_id=principal.organization_id,
            blueprint_id=blueprint_id,
            user_id=_user(principal),
            name=data.name,
            customer_name=data.customer_name,
            customer_email=data.customer_email,
            catalog_id=data.catalog_id,
            request_id=request_id,
        )
        return to_struct(row, Bid)

    @post("/bids/{bid_id:str}/reprice", operation_id="repriceBid", guards=[estimator], status_code=200)
    async def reprice(self, bid_id: str, principal: Principal, request_id: str) -> Bid:
        """Re-price a draft bid from the current reviewed takeoff and catalog (manual overrides kept)."""
        row = await tx(
            bidding.reprice,
            organization_id=principal.organization_id,
            bid_id=bid_id,
            user_id=_user(principal),
            request_id=request_id,
        )
        return to_struct(row, Bid)

    @post("/bids/{bid_id:str}/send", operation_id="sendBid", guards=[estimator], status_code=202)
    async def send(self, bid_id: str, data: BidSend, principal: Principal, request_id: str) -> Bid:
        """Render the proposal PDF and queue it by email to the customer; the bid becomes 'sent'."""
        row = await tx(
            proposals.send,
            organization_id=principal.organization_id,
            bid_id=bid_id,
            user_id=_user(principal),
            recipient=data.recipient_email,
            request_id=request_id,
        )
        return to_struct(row, Bid)

    @post("/bids/{bid_id:str}/status", operation_id="setBidStatus", guards=[estimator], status_code=200)
    async def set_status(self, bid_id: str, data: BidStatusChange, principal: Principal, request_id: str) -> Bid:
        """Record the customer's answer: sent → accepted / declined (feeds the win rate)."""
        row = await tx(
            proposals.set_status,
            organization_id=principal.organization_id,
            bid_id=bid_id,
            status=data.status,
            user_id=_user(principal),
            request_id=request_id,
        )
        return to_struct(row, Bid)

    @get("/bids/{bid_id:str}/proposal.pdf", operation_id="downloadProposal", media_type="application/pdf")
    async def proposal_pdf(self, bid_id: str, principal: Principal) -> Response[bytes]:
        """The bid's latest proposal PDF (rendered on demand if none exists yet)."""
        data = await tx(proposals.pdf_bytes, organization_id=principal.organization_id, bid_id=bid_id)
        return download(data, "application/pdf", f"proposal-{bid_id}.pdf")

    @get("/bids/{bid_id:str}/export.csv", operation_id="exportBidCsv", media_type="text/csv")
    async def export_csv(self, bid_id: str, principal: Principal) -> Response[bytes]:
        """The bid lines as CSV."""
        bid = await tx(bidding.get_bid, principal.organization_id, bid_id)
        return download(exports.to_csv(exports.bid_tables(bid)["Lines"]), "text/csv", f"bid-{bid_id}.csv")

    @get("/bids/{bid_id:str}/export.xlsx", operation_id="exportBidXlsx", media_type=XLSX)
    async def export_xlsx(self, bid_id: str, principal: Principal) -> Response[bytes]:
        """The bid lines and totals as an Excel workbook."""
        bid = await tx(bidding.get_bid, principal.organization_id, bid_id)
        return download(exports.to_xlsx(exports.bid_tables(bid)), XLSX, f"bid-{bid_id}.xlsx")
