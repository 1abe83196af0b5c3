"""Create and re-price bids: load the catalog, run the engine, write ``bids`` + ``bid_lines`` atomically.

Re-pricing deletes the bid's lines and inserts the new ones in one transaction; manual overrides live in
``bid_line_overrides`` and are applied on every pricing, so they survive. Only draft bids can be re-priced.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import polars as pl
import psycopg

from pipelineos.pricing import engine, repository
from pipelineos.pricing.alternates import price_options
from pipelineos.pricing.models import BidStateError, PricingInputError

Row = dict[str, Any]


def _validated_takeoff(takeoff: pl.DataFrame) -> pl.DataFrame:
    missing = [c for c in engine.TAKEOFF_SCHEMA if c not in takeoff.columns]
    if missing:
        raise PricingInputError(
            f"The takeoff frame lacks column(s) {', '.join(missing)}; expected {', '.join(engine.TAKEOFF_SCHEMA)}."
        )
    columns = []
    for name, dtype in engine.TAKEOFF_SCHEMA.items():
        series = takeoff[name]
        if series.dtype == pl.Object:
            series = pl.Series(name, [None if v is None else str(v) for v in series], dtype=pl.String)
        try:
            columns.append(series.cast(dtype))
        except pl.exceptions.PolarsError as exc:
            raise PricingInputError(f"Takeoff column {name!r} must hold {dtype} values: {exc}") from exc
    frame = pl.DataFrame(columns)
    if frame["fixture_class"].null_count():
        raise PricingInputError("The takeoff has rows without a fixture_class; every row needs one.")
    return frame.with_columns(source=pl.col("source").fill_null("unknown"))


def load_assemblies(conn: psycopg.Connection, catalog_id: str, variant: str = "standard") -> pl.DataFrame:
    """The catalog's assemblies as the engine's frame (unit material per assembly, exact)."""
    return engine.assemblies_frame(repository.rows(conn, "assembly_rows", catalog_id=catalog_id, variant=variant))


def explain_source(line: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON kept in ``bid_lines.source``: where the quantity came from, in data and in words."""
    sheets = list(line.get("sheets") or [])
    sheet_counts = [int(n) for n in (line.get("sheet_counts") or [])]
    counted = int(line.get("counted") or 0)
    manual = int(line.get("manual_count") or 0)
    parts = [f"{counted} counted"]
    if sheets:
        parts.append("on " + ", ".join(f"{s} ({n})" for s, n in zip(sheets, sheet_counts, strict=True)))
    parts.append(f"from {counted - manual} detection(s)" + (f" and {manual} manual mark(s)" if manual else ""))
    override_q = line.get("override_q_milli")
    override: dict[str, Any] | None = None
    if override_q is not None or line.get("override_unit_cents") is not None:
        override = {
            "quantity": str(Decimal(override_q) / 1000) if override_q is not None else None,
            "unit_price": str(engine.from_cents(line["override_unit_cents"]))
            if line.get("override_unit_cents") is not None
            else None,
            "reason": line.get("override_reason") or "",
        }
        if override_q is not None:
            parts.append(f"quantity overridden to {Decimal(override_q) / 1000} ({override['reason'] or 'manual'})")
        if override["unit_price"] is not None:
            parts.append(f"unit price overridden to {override['unit_price']}")
    return {
        "counted": counted,
        "detections": counted - manual,
        "manual_marks": manual,
        "sheets": [{"sheet": s, "count": n} for s, n in zip(sheets, sheet_counts, strict=True)],
        "methods": list(line.get("methods") or []),
        "detection_ids": list(line.get("detection_ids") or []),
        "assembly": line.get("assembly_name"),
        "override": override,
        "explanation": "; ".join(parts) + ".",
    }


def _rates(catalog: Row, settings: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "bid_key": "bid",
        "catalog_key": "catalog",
        "labor_rate": catalog["labor_rate"],
        "overhead_pct": catalog["overhead_pct"],
        "markup_pct": catalog["markup_pct"],
        "contingency_pct": catalog["contingency_pct"],
        "tax_pct": catalog["tax_pct"],
        "tax_on_total": bool(settings.get("tax_on_total", False)),
        "round_total_to": str(settings.get("round_total_to", "0.01")),
    }


def price_bid(
    conn: psycopg.Connection,
    *,
    organization_id: str,
    blueprint_id: str,
    takeoff: pl.DataFrame,
    bid_id: str | None = None,
    catalog_id: str | None = None,
    name: str = "Base bid",
    customer_name: str | None = None,
    customer_email: str | None = None,
    options: Sequence[Mapping[str, Any]] | None = None,
    run_id: str | None = None,
    detector_version: str | None = None,
    code_version: str | None = None,
    created_by: str | None = None,
    round_total_to: str | Decimal | None = None,
    tax_on_total: bool | None = None,
) -> Row:
    """Create a bid from ``takeoff`` (or re-price ``bid_id``) and return it with its ``lines``.

    A new bid uses ``catalog_id`` or the organization's active catalog; a re-priced bid keeps its catalog
    unless ``catalog_id`` is given, and keeps its options and rounding unless new ones are passed.
    """
    frame = _validated_takeoff(takeoff)
    with conn.transaction():
        existing = repository.get_bid(conn, organization_id, bid_id, lock=True) if bid_id else None
        if existing is not None and existing["status"] != "draft":
            raise BidStateError(
                f"Bid {bid_id} is '{existing['status']}': only draft bids can be re-priced. "
                "Create a new bid for a changed scope."
            )
        if catalog_id is None and existing is not None:
            catalog_id = str(existing["catalog_id"])
        catalog = (
            repository.get_catalog(conn, organization_id, catalog_id)
            if catalog_id
            else repository.active_catalog(conn, organization_id)
        )
        settings: dict[str, Any] = dict(existing["settings"]) if existing else {}
        if options is not None:
            settings["options"] = [dict(o) for o in options]
        if round_total_to is not None:
            settings["round_total_to"] = str(round_total_to)
        if tax_on_total is not None:
            settings["tax_on_total"] = bool(tax_on_total)
        if existing is None:
            existing = repository.one(
                conn,
                "insert_bid",
                organization_id=organization_id,
                blueprint_id=blueprint_id,
                catalog_id=catalog["id"],
                catalog_version=catalog["version"],
                name=name,
                customer_name=customer_name,
                customer_email=customer_email,
                run_id=run_id,
                detector_version=detector_version,
                code_version=code_version,
                created_by=created_by,
            )
            assert existing is not None
        bid_key = "bid"
        assemblies = load_assemblies(conn, str(catalog["id"]))
        rates = engine.rates_frame([_rates(catalog, settings)])
        overrides = engine.overrides_frame(repository.rows(conn, "list_overrides", bid_id=existing["id"]), bid_key)
        lines, totals = engine.price_batch(frame.with_columns(bid_key=pl.lit(bid_key)), assemblies, rates, overrides)
        t = totals.row(0, named=True)
        settings["priced_options"] = price_options(settings.get("options", []), assemblies, rates)
        settings["summary"] = {
            "direct": str(engine.from_cents(t["direct_cents"])),
            "subtotal": str(engine.from_cents(t["subtotal_cents"])),
            "rounding": str(engine.from_cents(t["rounding_cents"])),
            "flagged_lines": t["flagged_lines"],
            "tax_base": "total" if t["tax_on_total"] else "material",
            "rates": {
                k: str(catalog[k]) for k in ("labor_rate", "overhead_pct", "markup_pct", "contingency_pct", "tax_pct")
            },
            "catalog": {"id": str(catalog["id"]), "name": catalog["name"], "version": catalog["version"]},
        }
        repository.rows(conn, "delete_lines", bid_id=existing["id"])
        repository.execute_many(
            conn,
            "insert_line",
            [_line_params(organization_id, existing["id"], row, run_id) for row in lines.iter_rows(named=True)],
        )
        bid = repository.one(
            conn,
            "update_bid_totals",
            bid_id=existing["id"],
            catalog_id=catalog["id"],
            catalog_version=catalog["version"],
            name=name if bid_id is None else existing["name"],
            customer_name=customer_name if customer_name is not None else existing["customer_name"],
            customer_email=customer_email if customer_email is not None else existing["customer_email"],
            material_cost=engine.from_cents(t["material_cents"]),
            labor_hours=Decimal(t["labor_hours_centi"]) / 100,
            labor_cost=engine.from_cents(t["labor_cost_cents"]),
            overhead=engine.from_cents(t["overhead_cents"]),
            markup=engine.from_cents(t["markup_cents"]),
            contingency=engine.from_cents(t["contingency_cents"]),
            tax=engine.from_cents(t["tax_cents"]),
            total=engine.from_cents(t["total_cents"]),
            settings=repository.json(settings),
            run_id=run_id,
            detector_version=detector_version,
            code_version=code_version,
        )
        assert bid is not None
        bid["lines"] = repository.rows(conn, "list_lines", bid_id=existing["id"])
    return bid


def _line_params(organization_id: str, bid_id: Any, row: Mapping[str, Any], run_id: str | None) -> dict[str, Any]:
    return {
        "organization_id": organization_id,
        "bid_id": bid_id,
        "line_no": row["line_no"],
        "fixture_class": row["fixture_class"],
        "description": row["description"],
        "quantity": Decimal(row["q_milli"]) / 1000,
        "unit_material": engine.from_cents(row["unit_material_cents"]),
        "material_cost": engine.from_cents(row["material_cents"]),
        "labor_hours": Decimal(row["labor_hours_centi"]) / 100,
        "labor_cost": engine.from_cents(row["labor_cost_cents"]),
        "total": engine.from_cents(row["total_cents"]),
        "source": repository.json(explain_source(row)),
        "flag": row["flag"],
        "run_id": run_id,
    }


def reprice_bid(conn: psycopg.Connection, bid_id: str, takeoff: pl.DataFrame, **kwargs: Any) -> Row:
    """Re-price an existing draft bid from a (possibly reviewed) takeoff; overrides are kept."""
    bid = repository.bid_by_id(conn, bid_id)
    return price_bid(
        conn,
        organization_id=str(bid["organization_id"]),
        blueprint_id=str(bid["blueprint_id"]),
        takeoff=takeoff,
        bid_id=bid_id,
        **kwargs,
    )


def set_line_override(
    conn: psycopg.Connection,
    *,
    organization_id: str,
    bid_id: str,
    fixture_class: str,
    quantity: Decimal | int | str | None = None,
    unit_price: Decimal | str | None = None,
    reason: str = "",
    user_id: str | None = None,
) -> Row:
    """Record a manual quantity and/or unit price for one fixture class of a bid (applied at next pricing)."""
    if quantity is None and unit_price is None:
        raise PricingInputError("An override needs a quantity, a unit price, or both.")
    repository.get_bid(conn, organization_id, bid_id)
    row = repository.one(
        conn,
        "upsert_override",
        organization_id=organization_id,
        bid_id=bid_id,
        fixture_class=fixture_class,
        quantity=quantity,
        unit_price=unit_price,
        reason=reason,
        user_id=user_id,
    )
    assert row is not None
    return row


def get_bid(conn: psycopg.Connection, organization_id: str, bid_id: str) -> Row:
    """A bid with its lines and overrides."""
    bid = repository.get_bid(conn, organization_id, bid_id)
    bid["lines"] = repository.rows(conn, "list_lines", bid_id=bid_id)
    bid["overrides"] = repository.rows(conn, "list_overrides", bid_id=bid_id)
    return bid


def takeoff_from_detections(conn: psycopg.Connection, blueprint_id: str) -> pl.DataFrame:
    """The takeoff frame of a blueprint's stored detections (sheet numbers from its pages)."""
    found = repository.rows(conn, "takeoff_rows", blueprint_id=blueprint_id)
    return pl.DataFrame(found, schema=engine.TAKEOFF_SCHEMA)
