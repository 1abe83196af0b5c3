"""Price-catalog DTOs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated

import msgspec
from litestar.datastructures import UploadFile

from pipelineos_api.platform.schemas import Input


class CatalogItem(msgspec.Struct):
    sku: str
    description: str
    unit: str
    material_cost: float
    supplier: str
    discount_multiplier: float
    price_changed_at: date


class Catalog(msgspec.Struct):
    id: str
    name: str
    version: int
    effective_from: date
    is_active: bool
    currency: str
    labor_rate: float
    overhead_pct: float
    markup_pct: float
    tax_pct: float
    contingency_pct: float
    created_at: datetime
    item_count: int
    assembly_count: int


class CatalogDetail(Catalog, kw_only=True):
    items: list[CatalogItem]


class ItemUpdate(Input):
    description: Annotated[str, msgspec.Meta(min_length=1, max_length=500)] | None = None
    unit: Annotated[str, msgspec.Meta(min_length=1, max_length=20)] | None = None
    material_cost: Annotated[float, msgspec.Meta(ge=0, le=10_000_000)] | None = None
    supplier: Annotated[str, msgspec.Meta(max_length=200)] | None = None
    discount_multiplier: Annotated[float, msgspec.Meta(ge=0.0001, le=10)] | None = None


class CatalogActive(Input):
    is_active: bool


@dataclass
class CatalogImport:
    """Either ``workbook`` (XLSX) or both ``items`` and ``assemblies`` (CSV)."""

    workbook: UploadFile | None = None
    items: UploadFile | None = None
    assemblies: UploadFile | None = None
    name: str | None = None
