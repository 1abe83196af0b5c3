"""Price-catalog DTOs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated

import msgspec
from litestar.datastructures import UploadFile

from pipelineos_api.platform.schemas import Input, line


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
    """Only the fields sent are changed."""

    description: Annotated[str, line(500, 1, examples=["Floor-mount water closet, 1.28 gpf"])] | None = None
    unit: Annotated[str, line(20, 1, examples=["ea"])] | None = None
    material_cost: Annotated[float, msgspec.Meta(ge=0, le=10_000_000, examples=[312.5])] | None = None
    supplier: Annotated[str, line(200, examples=["Ferguson"])] | None = None
    discount_multiplier: Annotated[float, msgspec.Meta(ge=0.0001, le=10, examples=[0.85])] | None = None


class ItemCreate(Input):
    """A new item of an unused catalog version."""

    sku: Annotated[str, line(100, 1, examples=["WC-FLOOR-128"])]
    description: Annotated[str, line(500, 1, examples=["Floor-mount water closet, 1.28 gpf"])]
    material_cost: Annotated[float, msgspec.Meta(ge=0, le=10_000_000, examples=[312.5])]
    unit: Annotated[str, line(20, 1, examples=["ea"])] = "ea"
    supplier: Annotated[str, line(200, examples=["Ferguson"])] = ""
    discount_multiplier: Annotated[float, msgspec.Meta(ge=0.0001, le=10, examples=[0.85])] = 1.0


class CatalogActive(Input):
    is_active: Annotated[bool, msgspec.Meta(examples=[False])]


@dataclass
class CatalogImport:
    """Either ``workbook`` (XLSX) or both ``items`` and ``assemblies`` (CSV)."""

    workbook: UploadFile | None = None
    items: UploadFile | None = None
    assemblies: UploadFile | None = None
    name: Annotated[str, line(200, 1, examples=["Standard 2027"])] | None = None

    async def contents(self) -> dict[str, bytes | None]:
        """The uploaded files' bytes, keyed as :func:`pipelineos.pricing.catalog_admin.import_file` takes them."""
        parts = {"xlsx": self.workbook, "items_csv": self.items, "assemblies_csv": self.assemblies}
        return {key: await part.read() if part is not None else None for key, part in parts.items()}
