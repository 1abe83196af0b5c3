"""Blueprint routes: thin shells over pipelineos.blueprints."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.params import Parameter
from litestar.response import File

from pipelineos.auth.tokens import Principal
from pipelineos.blueprints import detail, exports, reviews, service
from pipelineos_api.auth.deps import Actor
from pipelineos_api.auth.guards import estimator, viewer
from pipelineos_api.blueprints import revisions, workflow
from pipelineos_api.blueprints.schemas import (
    Blueprint,
    BlueprintDetail,
    BlueprintList,
    Page,
    Review,
    ReviewCreate,
    RevisionCompare,
    Status,
    UploadAccepted,
)
from pipelineos_api.config import ApiConfig
from pipelineos_api.platform.db import tx
from pipelineos_api.platform.downloads import CSV, XLSX, attachment
from pipelineos_api.platform.params import IdempotencyKey, Limit, Offset, PathId
from pipelineos_api.platform.schemas import to_struct, to_structs


class BlueprintsController(Controller):
    path = "/api/blueprints"
    tags = ["blueprints"]
    guards = [viewer]

    @post("/upload", operation_id="uploadBlueprint", status_code=202, guards=[estimator], request_max_body_size=None)
    async def upload(
        self, request: Request[Any, Any, Any], actor: Actor, config: ApiConfig, idempotency_key: IdempotencyKey = None
    ) -> Response[UploadAccepted]:
        """Upload a drawing (multipart field ``file``: PDF, PNG, JPEG, TIFF or DXF, by its bytes) for
        processing.

        The file is streamed to storage; the size limit is enforced while reading (413). Answers 202 with the
        pending blueprint and its status URL. A repeated ``Idempotency-Key`` returns the first upload.
        """
        return await workflow.upload(request, actor, config, idempotency_key)

    @get("/", operation_id="listBlueprints")
    async def list_blueprints(
        self,
        principal: Principal,
        status: Status | None = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> BlueprintList:
        """The organization's blueprints, newest first, optionally filtered by status."""
        rows, total = await tx(service.list_blueprints_page, principal.organization_id, status, limit, offset)
        return BlueprintList(items=to_structs(rows, Blueprint), total=total, limit=limit, offset=offset)

    @get("/{blueprint_id:str}", operation_id="getBlueprint")
    async def get_blueprint(self, blueprint_id: PathId, principal: Principal) -> BlueprintDetail:
        """Status, error, pages (with image URLs), reviewed fixtures and the latest bid with its lines."""
        row = await tx(detail.blueprint_detail, principal.organization_id, blueprint_id)
        return to_struct(workflow.with_image_urls(row), BlueprintDetail)

    @get("/{blueprint_id:str}/pages", operation_id="listBlueprintPages")
    async def pages(self, blueprint_id: PathId, principal: Principal) -> list[Page]:
        """The rendered pages of a blueprint with their image URLs."""
        row = await tx(detail.blueprint_detail, principal.organization_id, blueprint_id)
        return to_structs(workflow.with_image_urls(row)["pages"], Page)

    @get("/{blueprint_id:str}/reviews", operation_id="listReviewDecisions")
    async def list_reviews(self, blueprint_id: PathId, principal: Principal) -> list[Review]:
        """Review decisions on this blueprint's fixtures, oldest first."""
        return to_structs(await tx(reviews.list_decisions, principal.organization_id, blueprint_id), Review)

    @post("/{blueprint_id:str}/reviews", operation_id="createReviewDecision", guards=[estimator])
    async def create_review(self, blueprint_id: PathId, data: ReviewCreate, actor: Actor) -> Review:
        """Accept, reject, relabel or add a fixture, with a reason; the decision is audit-logged."""
        decision = msgspec.structs.asdict(data)
        return to_struct(
            await tx(reviews.record_decision, blueprint_id=blueprint_id, **actor.kwargs, **decision), Review
        )

    @get("/{blueprint_id:str}/revision-compare", operation_id="compareBlueprintRevision")
    async def compare_revision(self, blueprint_id: PathId, principal: Principal) -> RevisionCompare:
        """Fixture count deltas per type against the previous version of the same project (its linked
        predecessor, else the latest earlier upload with the same project name), and what changed per sheet."""
        return to_struct(await tx(revisions.compare, principal.organization_id, blueprint_id), RevisionCompare)

    @get("/{blueprint_id:str}/revision-compare/overlay.png", operation_id="getRevisionOverlay", media_type="image/png")
    async def revision_overlay(self, blueprint_id: PathId, principal: Principal) -> Response[bytes]:
        """The changed regions drawn over the current sheets (orange), added fixtures green, removed red."""
        return await tx(revisions.overlay, principal.organization_id, blueprint_id)

    @get("/{blueprint_id:str}/takeoff.csv", operation_id="exportTakeoffCsv", media_type=CSV)
    async def takeoff_csv(self, blueprint_id: PathId, principal: Principal) -> Response[bytes]:
        """The reviewed takeoff as CSV."""
        data = await tx(exports.takeoff_file, principal.organization_id, blueprint_id, "csv")
        return attachment(data, f"takeoff-{blueprint_id}.csv")

    @get("/{blueprint_id:str}/takeoff.xlsx", operation_id="exportTakeoffXlsx", media_type=XLSX)
    async def takeoff_xlsx(self, blueprint_id: PathId, principal: Principal) -> Response[bytes]:
        """The reviewed takeoff as an Excel workbook."""
        data = await tx(exports.takeoff_file, principal.organization_id, blueprint_id, "xlsx")
        return attachment(data, f"takeoff-{blueprint_id}.xlsx")


class PageImagesController(Controller):
    path = "/api/files/pages"
    tags = ["blueprints"]
    guards = [viewer]

    @get("/{sha256:str}", operation_id="getPageImage", media_type="image/png")
    async def page_image(
        self, sha256: Annotated[str, Parameter(pattern="^[0-9a-f]{64}$")], principal: Principal
    ) -> File:
        """A rendered page image (only pages of your organization's blueprints)."""
        return await tx(workflow.page_image, principal.organization_id, sha256)
