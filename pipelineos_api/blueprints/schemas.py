"""Blueprint DTOs."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec

from pipelineos_api.platform.schemas import Input, line, text

Status = Literal["pending", "processing", "completed", "failed"]
FixtureClass = Annotated[str, line(64, 1, examples=["water_closet"])]


class Blueprint(msgspec.Struct):
    id: str
    project_name: str
    original_name: str
    content_type: str
    size_bytes: int
    sha256: str
    status: Status
    created_at: datetime
    updated_at: datetime
    error: str | None = None
    page_count: int | None = None
    customer_name: str | None = None
    customer_email: str | None = None
    uploaded_by: str | None = None
    started_at: datetime | None = None
    completed_at: datetime | None = None


class UploadAccepted(msgspec.Struct):
    blueprint: Blueprint
    status_url: str
    duplicate: bool


class BlueprintList(msgspec.Struct):
    items: list[Blueprint]
    total: int
    limit: int
    offset: int


class Page(msgspec.Struct):
    page_index: int
    width_pt: float
    height_pt: float
    render_dpi: int
    image_sha256: str
    image_url: str
    is_vector: bool
    sheet_number: str | None = None
    sheet_title: str | None = None
    discipline: str | None = None
    sheet_kind: str | None = None
    error: str | None = None
    notes: list[str] = msgspec.field(default_factory=list)
    """What the takeoff engine noted on the page (legend lent by another sheet, OCR or vision trouble, vision
    cost)."""


class Fixture(msgspec.Struct):
    detection_id: str
    page_index: int
    fixture_class: str
    source: str
    sheet_number: str | None = None
    bbox: list[float] | None = None
    confidence: float | None = None
    method: str | None = None
    tag: str | None = None


class BidLine(msgspec.Struct):
    line_no: int
    description: str
    quantity: float
    unit_material: float
    material_cost: float
    labor_hours: float
    labor_cost: float
    total: float
    fixture_class: str | None = None
    flag: str | None = None


class Bid(msgspec.Struct):
    """A priced bid. ``catalog_id``/``catalog_version`` and the lineage fields name what produced it: null
    lineage means the bid was priced outside a pipeline run (e.g. created through this API)."""

    id: str
    blueprint_id: str
    catalog_id: Annotated[str, msgspec.Meta(description="The price-catalog version (its id) the bid was priced with.")]
    catalog_version: Annotated[int, msgspec.Meta(description="That catalog's version number.")]
    name: str
    status: str
    material_cost: float
    labor_hours: float
    labor_cost: float
    overhead: float
    markup: float
    contingency: float
    tax: float
    total: float
    created_at: datetime
    updated_at: datetime
    customer_name: str | None = None
    customer_email: str | None = None
    priced_at: datetime | None = None
    sent_at: datetime | None = None
    variant: Annotated[str | None, msgspec.Meta(description="The pipeline's bid variant (base, alt-1 …).")] = None
    run_id: Annotated[str | None, msgspec.Meta(description="The Dagster run that priced the bid.")] = None
    takeoff_run_id: Annotated[
        str | None, msgspec.Meta(description="The Dagster run that computed the takeoff it priced.")
    ] = None
    detector_version: Annotated[
        str | None, msgspec.Meta(description="The fixture detector version behind the takeoff.")
    ] = None
    code_version: Annotated[str | None, msgspec.Meta(description="The PipelineOS release that priced it.")] = None
    data_version: Annotated[
        str | None, msgspec.Meta(description="Digest of its inputs: drawing, reviewed takeoff and catalog version.")
    ] = None
    lines: list[BidLine] = []


class BlueprintDetail(Blueprint, kw_only=True):
    pages: list[Page]
    fixtures: list[Fixture]
    fixture_counts: dict[str, int]
    bid: Bid | None = None


class ReviewCreate(Input):
    """``accept``/``reject`` a detection, ``relabel`` it (``fixture_class``), or ``add`` a missed fixture
    (``fixture_class``, ``page_index``, ``bbox``); every decision carries a ``reason``."""

    action: Literal["accept", "reject", "relabel", "add"]
    reason: Annotated[str, text(1000, examples=["Symbol is a floor sink, not a floor drain"])] = ""
    detection_id: Annotated[str, line(64, examples=["7d9f0c7e-2f7a-4a53-9d55-0b0f4f3c2e11"])] | None = None
    fixture_class: FixtureClass | None = None
    page_index: Annotated[int, msgspec.Meta(ge=0, le=10000)] | None = None
    bbox: (
        Annotated[
            list[Annotated[float, msgspec.Meta(ge=0, le=1)]],
            msgspec.Meta(min_length=4, max_length=4, examples=[[0.41, 0.22, 0.45, 0.26]]),
        ]
        | None
    ) = None


class Review(msgspec.Struct):
    id: str
    blueprint_id: str
    action: str
    reason: str
    created_at: datetime
    detection_id: str | None = None
    fixture_class: str | None = None
    page_index: int | None = None
    x0: float | None = None
    y0: float | None = None
    x1: float | None = None
    y1: float | None = None
    user_id: str | None = None


class CountDelta(msgspec.Struct):
    fixture_class: str
    previous: int
    current: int
    delta: int


class SheetChanges(msgspec.Struct):
    page_index: int
    added: list[str]
    removed: list[str]
    changed_regions: Annotated[
        list[list[int]], msgspec.Meta(description="Boxes [x, y, w, h] in overlay pixels whose drawing changed.")
    ]
    sheet_number: str | None = None


class RevisionCompare(msgspec.Struct):
    """This blueprint against the previous version of the same project."""

    blueprint_id: str
    previous_blueprint_id: str
    deltas: list[CountDelta]
    sheets: list[SheetChanges]
    overlay_url: str | None = None
