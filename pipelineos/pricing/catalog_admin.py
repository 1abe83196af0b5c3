"""The API's view of price catalogs: list, read, edit an unused version, (de)activate, import/export.

Import and export formats belong to :mod:`pipelineos.pricing.catalog_io`; an import always creates a new
version.
A version some bid was priced with is frozen: edits are refused with a message to import a new version
instead.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import psycopg

from pipelineos.audit.service import record
from pipelineos.blueprints.repository import one, rows
from pipelineos.blueprints.service import parse_id
from pipelineos.errors import ConflictError, NotFoundError

Row = dict[str, Any]


def list_catalogs(conn: psycopg.Connection, organization_id: str) -> list[Row]:
    """Every catalog version of the organization."""
    return rows(conn, "list_catalogs", organization_id=organization_id)


def get_catalog(conn: psycopg.Connection, organization_id: str, catalog_id: str) -> Row:
    """A catalog version with its items; NotFoundError outside the organization."""
    cid = parse_id(catalog_id, "catalog")
    found = one(conn, "catalog_summary", organization_id=organization_id, catalog_id=cid)
    if found is None:
        raise NotFoundError(f"No price catalog with id {catalog_id} in your organization.")
    return {**found, "items": rows(conn, "catalog_items", organization_id=organization_id, catalog_id=cid)}


def update_item(
    conn: psycopg.Connection,
    organization_id: str,
    catalog_id: str,
    sku: str,
    changes: dict[str, Any],
    *,
    user_id: str | None = None,
    request_id: str | None = None,
) -> Row:
    """Edit one item of a catalog version no bid has used yet."""
    catalog = _editable(conn, organization_id, catalog_id)
    params = {k: changes.get(k) for k in ("description", "unit", "supplier")}
    for key in ("material_cost", "discount_multiplier"):
        params[key] = Decimal(str(changes[key])) if changes.get(key) is not None else None
    row = one(conn, "update_item", organization_id=organization_id, catalog_id=catalog["id"], sku=sku, **params)
    if row is None:
        raise NotFoundError(f"No item with SKU {sku!r} in catalog {catalog['name']} v{catalog['version']}.")
    record(
        conn,
        organization_id=organization_id,
        actor_user_id=user_id,
        action="update",
        entity="price_item",
        entity_id=f"{catalog['id']}:{sku}",
        request_id=request_id,
        details={k: str(v) for k, v in changes.items() if v is not None},
    )
    return row


def _editable(conn: psycopg.Connection, organization_id: str, catalog_id: str) -> Row:
    """The catalog version, or ConflictError when a bid was priced with it (it is frozen then)."""
    catalog = get_catalog(conn, organization_id, catalog_id)
    if (one(conn, "catalog_in_use", catalog_id=catalog["id"]) or {}).get("used"):
        raise ConflictError(
            f"Catalog {catalog['name']} v{catalog['version']} was used by bids and is frozen; "
            "import a new version instead."
        )
    return catalog


def add_item(
    conn: psycopg.Connection,
    organization_id: str,
    catalog_id: str,
    item: dict[str, Any],
    *,
    user_id: str | None = None,
    request_id: str | None = None,
) -> Row:
    """Add an item (sku, description, unit, material_cost, supplier, discount_multiplier) to an unused
    catalog version; ConflictError when the SKU exists."""
    catalog = _editable(conn, organization_id, catalog_id)
    params = {
        **item,
        "material_cost": Decimal(str(item["material_cost"])),
        "discount_multiplier": Decimal(str(item.get("discount_multiplier", 1))),
    }
    try:
        row = one(conn, "insert_item", organization_id=organization_id, catalog_id=catalog["id"], **params)
    except ConflictError as exc:
        raise ConflictError(f"SKU {item['sku']!r} is already in this catalog; edit it instead.") from exc
    assert row is not None
    _audit_item(conn, organization_id, catalog, item["sku"], "create", user_id, request_id)
    return row


def delete_item(
    conn: psycopg.Connection,
    organization_id: str,
    catalog_id: str,
    sku: str,
    *,
    user_id: str | None = None,
    request_id: str | None = None,
) -> None:
    """Remove an item from an unused catalog version, unless an assembly still uses it."""
    catalog = _editable(conn, organization_id, catalog_id)
    used_by = [
        r["name"]
        for r in rows(conn, "item_assemblies", organization_id=organization_id, catalog_id=catalog["id"], sku=sku)
    ]
    if used_by:
        raise ConflictError(f"SKU {sku!r} is part of the assemblies {', '.join(used_by)}; remove it there first.")
    if one(conn, "delete_item", organization_id=organization_id, catalog_id=catalog["id"], sku=sku) is None:
        raise NotFoundError(f"No item with SKU {sku!r} in catalog {catalog['name']} v{catalog['version']}.")
    _audit_item(conn, organization_id, catalog, sku, "delete", user_id, request_id)


def _audit_item(
    conn: psycopg.Connection,
    organization_id: str,
    catalog: Row,
    sku: str,
    action: str,
    user_id: str | None,
    request_id: str | None,
) -> None:
    record(
        conn,
        organization_id=organization_id,
        actor_user_id=user_id,
        action=action,
        entity="price_item",
        entity_id=f"{catalog['id']}:{sku}",
        request_id=request_id,
    )


def set_active(
    conn: psycopg.Connection,
    organization_id: str,
    catalog_id: str,
    active: bool,
    *,
    user_id: str | None = None,
    request_id: str | None = None,
) -> Row:
    """Turn a catalog version on or off for new bids."""
    cid = parse_id(catalog_id, "catalog")
    if one(conn, "set_catalog_active", organization_id=organization_id, catalog_id=cid, is_active=active) is None:
        raise NotFoundError(f"No price catalog with id {catalog_id} in your organization.")
    record(
        conn,
        organization_id=organization_id,
        actor_user_id=user_id,
        action="activate" if active else "deactivate",
        entity="price_catalog",
        entity_id=cid,
        request_id=request_id,
    )
    return get_catalog(conn, organization_id, cid)


def import_file(
    conn: psycopg.Connection,
    organization_id: str,
    *,
    xlsx: bytes | None = None,
    items_csv: bytes | None = None,
    assemblies_csv: bytes | None = None,
    name: str | None = None,
    user_id: str | None = None,
    request_id: str | None = None,
) -> Row:
    """Import a new catalog version from one workbook or two CSV files (validated before anything is
    written)."""
    from pipelineos.pricing import catalog_io
    from pipelineos.pricing.models import CatalogImportError

    settings = {"name": name} if name else {}
    if xlsx is not None:
        result = catalog_io.import_xlsx(conn, organization_id, xlsx, **settings)
    elif items_csv is not None and assemblies_csv is not None:
        result = catalog_io.import_csv(conn, organization_id, items_csv, assemblies_csv, **settings)
    else:
        raise CatalogImportError("Send either 'workbook' (XLSX) or both 'items' and 'assemblies' (CSV).")
    catalog_id = str(result["catalog"]["id"])
    record(
        conn,
        organization_id=organization_id,
        actor_user_id=user_id,
        action="import",
        entity="price_catalog",
        entity_id=catalog_id,
        request_id=request_id,
        details={"items": result["items"], "assemblies": result["assemblies"]},
    )
    return get_catalog(conn, organization_id, catalog_id)


def export_xlsx(conn: psycopg.Connection, organization_id: str, catalog_id: str) -> bytes:
    """The catalog version as one workbook (Catalog, Items, Assemblies sheets) that imports back unchanged."""
    from pipelineos.pricing import catalog_io

    return catalog_io.export_xlsx(conn, organization_id, get_catalog(conn, organization_id, catalog_id)["id"])


def export_csv(conn: psycopg.Connection, organization_id: str, catalog_id: str, part: str) -> bytes:
    """``part`` is 'items' or 'assemblies'."""
    from pipelineos.pricing import catalog_io

    items, assemblies = catalog_io.export_csv(
        conn, organization_id, str(get_catalog(conn, organization_id, catalog_id)["id"])
    )
    return items if part == "items" else assemblies
