"""Price-catalog routes: list, read, edit items, (de)activate, import and export."""

from __future__ import annotations

from typing import Annotated, Literal

from litestar import Controller, Response, get, patch, post
from litestar.enums import RequestEncodingType
from litestar.params import Body

from pipelineos.auth.tokens import Principal
from pipelineos.pricing import catalog_admin
from pipelineos_api.auth.guards import admin, viewer
from pipelineos_api.bids.catalog_schemas import (
    Catalog,
    CatalogActive,
    CatalogDetail,
    CatalogImport,
    CatalogItem,
    ItemUpdate,
)
from pipelineos_api.blueprints.workflow import download
from pipelineos_api.platform.db import tx
from pipelineos_api.platform.schemas import to_struct, to_structs

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class CatalogController(Controller):
    path = "/api/catalogs"
    tags = ["catalog"]
    guards = [viewer]

    @get("/", operation_id="listCatalogs")
    async def list_catalogs(self, principal: Principal) -> list[Catalog]:
        """Every price-catalog version of the organization."""
        return to_structs(await tx(catalog_admin.list_catalogs, principal.organization_id), Catalog)

    @get("/{catalog_id:str}", operation_id="getCatalog")
    async def get_catalog(self, catalog_id: str, principal: Principal) -> CatalogDetail:
        """One catalog version with its items."""
        return to_struct(await tx(catalog_admin.get_catalog, principal.organization_id, catalog_id), CatalogDetail)

    @patch("/{catalog_id:str}/items/{sku:str}", operation_id="updateCatalogItem", guards=[admin])
    async def update_item(
        self, catalog_id: str, sku: str, data: ItemUpdate, principal: Principal, request_id: str
    ) -> CatalogItem:
        """Edit an item of a catalog version that no bid has used (otherwise import a new version)."""
        changes = {f: getattr(data, f) for f in data.__struct_fields__}
        row = await tx(
            catalog_admin.update_item,
            principal.organization_id,
            catalog_id,
            sku,
            changes,
            user_id=principal.user_id,
            request_id=request_id,
        )
        return to_struct(row, CatalogItem)

    @post("/{catalog_id:str}/active", operation_id="setCatalogActive", guards=[admin], status_code=200)
    async def set_active(
        self, catalog_id: str, data: CatalogActive, principal: Principal, request_id: str
    ) -> CatalogDetail:
        """Use (or stop using) this catalog version for new bids."""
        row = await tx(
            catalog_admin.set_active,
            principal.organization_id,
            catalog_id,
            data.is_active,
            user_id=principal.user_id,
            request_id=request_id,
        )
        return to_struct(row, CatalogDetail)

    @post("/import", operation_id="importCatalog", guards=[admin], request_max_body_size=5 * 1024 * 1024)
    async def import_catalog(
        self,
        data: Annotated[CatalogImport, Body(media_type=RequestEncodingType.MULTI_PART)],
        principal: Principal,
        request_id: str,
    ) -> CatalogDetail:
        """Import a new catalog version: an XLSX ``workbook``, or ``items`` + ``assemblies`` CSV files."""
        files = {
            k: await f.read() if f is not None else None
            for k, f in (
                ("xlsx", data.workbook),
                ("items_csv", data.items),
                ("assemblies_csv", data.assemblies),
            )
        }
        row = await tx(
            catalog_admin.import_file,
            principal.organization_id,
            name=data.name,
            user_id=principal.user_id,
            request_id=request_id,
            **files,
        )
        return to_struct(row, CatalogDetail)

    @get("/{catalog_id:str}/export.xlsx", operation_id="exportCatalogXlsx", media_type=XLSX)
    async def export_xlsx(self, catalog_id: str, principal: Principal) -> Response[bytes]:
        """The catalog as a workbook that import reads back."""
        data = await tx(catalog_admin.export_xlsx, principal.organization_id, catalog_id)
        return download(data, XLSX, f"catalog-{catalog_id}.xlsx")

    @get("/{catalog_id:str}/csv/{part:str}", operation_id="exportCatalogCsv", media_type="text/csv")
    async def export_csv(
        self, catalog_id: str, part: Literal["items", "assemblies"], principal: Principal
    ) -> Response[bytes]:
        """The catalog's items or assemblies as CSV that import reads back."""
        data = await tx(catalog_admin.export_csv, principal.organization_id, catalog_id, part)
        return download(data, "text/csv", f"catalog-{catalog_id}-{part}.csv")
