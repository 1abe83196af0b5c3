"""Price-catalog routes: list, read, edit items, (de)activate, import and export."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from litestar import Controller, Response, delete, get, patch, post
from litestar.enums import RequestEncodingType
from litestar.params import Body

from pipelineos.auth.tokens import Principal
from pipelineos.pricing import catalog_admin
from pipelineos_api.auth.deps import Actor
from pipelineos_api.auth.guards import admin, viewer
from pipelineos_api.bids.catalog_schemas import (
    Catalog,
    CatalogActive,
    CatalogDetail,
    CatalogImport,
    CatalogItem,
    ItemCreate,
    ItemUpdate,
)
from pipelineos_api.platform.db import tx
from pipelineos_api.platform.downloads import CSV, XLSX, attachment
from pipelineos_api.platform.params import PathId, Sku
from pipelineos_api.platform.schemas import to_struct, to_structs


class CatalogController(Controller):
    path = "/api/catalogs"
    tags = ["catalog"]
    guards = [viewer]

    @get("/", operation_id="listCatalogs")
    async def list_catalogs(self, principal: Principal) -> list[Catalog]:
        """Every price-catalog version of the organization."""
        return to_structs(await tx(catalog_admin.list_catalogs, principal.organization_id), Catalog)

    @get("/{catalog_id:str}", operation_id="getCatalog")
    async def get_catalog(self, catalog_id: PathId, principal: Principal) -> CatalogDetail:
        """One catalog version with its items."""
        return to_struct(await tx(catalog_admin.get_catalog, principal.organization_id, catalog_id), CatalogDetail)

    @patch("/{catalog_id:str}/items/{sku:str}", operation_id="updateCatalogItem", guards=[admin])
    async def update_item(self, catalog_id: PathId, sku: Sku, data: ItemUpdate, actor: Actor) -> CatalogItem:
        """Edit an item of a catalog version that no bid has used (otherwise import a new version)."""
        changes = msgspec.structs.asdict(data)
        row = await tx(catalog_admin.update_item, actor.organization_id, catalog_id, sku, changes, **actor.audit)
        return to_struct(row, CatalogItem)

    @post("/{catalog_id:str}/items", operation_id="createCatalogItem", guards=[admin])
    async def create_item(self, catalog_id: PathId, data: ItemCreate, actor: Actor) -> CatalogItem:
        """Add an item to a catalog version that no bid has used (otherwise import a new version)."""
        item = msgspec.structs.asdict(data)
        return to_struct(
            await tx(catalog_admin.add_item, actor.organization_id, catalog_id, item, **actor.audit), CatalogItem
        )

    @delete("/{catalog_id:str}/items/{sku:str}", operation_id="deleteCatalogItem", guards=[admin], status_code=204)
    async def delete_item(self, catalog_id: PathId, sku: Sku, actor: Actor) -> None:
        """Remove an item no assembly uses from a catalog version that no bid has used."""
        await tx(catalog_admin.delete_item, actor.organization_id, catalog_id, sku, **actor.audit)

    @post("/{catalog_id:str}/active", operation_id="setCatalogActive", guards=[admin], status_code=200)
    async def set_active(self, catalog_id: PathId, data: CatalogActive, actor: Actor) -> CatalogDetail:
        """Use (or stop using) this catalog version for new bids."""
        row = await tx(catalog_admin.set_active, actor.organization_id, catalog_id, data.is_active, **actor.audit)
        return to_struct(row, CatalogDetail)

    @post("/import", operation_id="importCatalog", guards=[admin], request_max_body_size=5 * 1024 * 1024)
    async def import_catalog(
        self, data: Annotated[CatalogImport, Body(media_type=RequestEncodingType.MULTI_PART)], actor: Actor
    ) -> CatalogDetail:
        """Import a new catalog version: an XLSX ``workbook``, or ``items`` + ``assemblies`` CSV files."""
        files = await data.contents()
        row = await tx(catalog_admin.import_file, actor.organization_id, name=data.name, **actor.audit, **files)
        return to_struct(row, CatalogDetail)

    @get("/{catalog_id:str}/export.xlsx", operation_id="exportCatalogXlsx", media_type=XLSX)
    async def export_xlsx(self, catalog_id: PathId, principal: Principal) -> Response[bytes]:
        """The catalog as a workbook that import reads back."""
        data = await tx(catalog_admin.export_xlsx, principal.organization_id, catalog_id)
        return attachment(data, f"catalog-{catalog_id}.xlsx")

    @get("/{catalog_id:str}/csv/{part:str}", operation_id="exportCatalogCsv", media_type=CSV)
    async def export_csv(
        self, catalog_id: PathId, part: Literal["items", "assemblies"], principal: Principal
    ) -> Response[bytes]:
        """The catalog's items or assemblies as CSV that import reads back."""
        data = await tx(catalog_admin.export_csv, principal.organization_id, catalog_id, part)
        return attachment(data, f"catalog-{catalog_id}-{part}.csv")
