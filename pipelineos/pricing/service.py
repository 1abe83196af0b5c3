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
from pipelineos.pricing.inputs import RATE_KEYS, bid_rates, load_assemblies, pricing_settings, validated_takeoff
from pipelineos.pricing.models import BidStateError, PricingInputError
from pipelineos.pricing.money import from_cents
from pipelineos.pricing.provenance import explain_source

__all__ = [
    "explain_source",
    "get_bid",
    "load_assemblies",
    "price_bid",
    "reprice_bid",
    "set_line_override",
    "set_proposal_text",
    "takeoff_from_detections",
    "unpriced_lines",
]

Row = dict[str, Any]


def _summary(totals: Mapping[str, Any], catalog: Row) -> dict[str, Any]:
    return {
        "direct": str(from_cents(totals["direct_cents"])),
        "subtotal": str(from_cents(totals["subtotal_cents"])),
        "rounding": str(from_cents(totals["rounding_cents"])),
        "flagged_lines": totals["flagged_lines"],
        "tax_base": "total" if totals["tax_on_total"] else "material",
        "rates": {k: str(catalog[k]) for k in RATE_KEYS},
        "catalog": {"id": str(catalog["id"]), "name": catalog["name"], "version": catalog["version"]},
    }


def _totals_params(totals: Mapping[str, Any]) -> dict[str, Any]:
    """The ``update_bid_totals`` amounts from one row of engine totals."""
    money = ("labor_cost", "overhead", "markup", "contingency", "tax", "total")
    return {
        "material_cost": from_cents(totals["material_cents"]),
        "labor_hours": Decimal(totals["labor_hours_centi"]) / 100,
        **{k: from_cents(totals[f"{k}_cents"]) for k in money},
    }


def _line_params(organization_id: str, bid_id: Any, row: Mapping[str, Any], run_id: str | None) -> dict[str, Any]:
    return {
        "organization_id": organization_id,
        "bid_id": bid_id,
        "line_no": row["line_no"],
        "fixture_class": row["fixture_class"],
        "description": row["description"],
        "quantity": Decimal(row["q_milli"]) / 1000,
        "unit_material": from_cents(row["unit_material_cents"]),
        "material_cost": from_cents(row["material_cents"]),
        "labor_hours": Decimal(row["labor_hours_centi"]) / 100,
        "labor_cost": from_cents(row["labor_cost_cents"]),
        "total": from_cents(row["total_cents"]),
        "source": repository.json(explain_source(row)),
        "flag": row["flag"],
        "run_id": run_id,
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
    variants: Mapping[str, str] | None = None,
    code_edition: str | None = None,
    occupancy: str | None = None,
) -> Row:
    """Create a bid from ``takeoff`` (or re-price ``bid_id``) and return it with its ``lines``.

    A new bid uses ``catalog_id`` or the organization's active catalog; a re-priced bid keeps its catalog
    unless ``catalog_id`` is given, and keeps its options, rounding, assembly ``variants`` (fixture type →
    variant, e.g. ``{"water_closet": "flush_tank"}``), code edition and occupancy unless new ones are passed.
    """
    frame = validated_takeoff(takeoff)
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
        settings = pricing_settings(
            existing["settings"] if existing else None,
            options=options,
            round_total_to=round_total_to,
            tax_on_total=tax_on_total,
            variants=variants,
            code_edition=code_edition,
            occupancy=occupancy,
        )
        assemblies = load_assemblies(conn, str(catalog["id"]), variants=settings.get("variants"))
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
        rates = engine.rates_frame([bid_rates(catalog, settings)])
        overrides = engine.overrides_frame(repository.rows(conn, "list_overrides", bid_id=existing["id"]), "bid")
        lines, totals = engine.price_batch(frame.with_columns(bid_key=pl.lit("bid")), assemblies, rates, overrides)
        t = totals.row(0, named=True)
        settings["priced_options"] = price_options(settings.get("options", []), assemblies, rates)
        settings["summary"] = _summary(t, catalog)
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
            **_totals_params(t),
            settings=repository.json(settings),
            run_id=run_id,
            detector_version=detector_version,
            code_version=code_version,
        )
        assert bid is not None
        bid["lines"] = repository.rows(conn, "list_lines", bid_id=existing["id"])
    return bid


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


def set_proposal_text(
    conn: psycopg.Connection,
    *,
    organization_id: str,
    bid_id: str,
    scope: Sequence[str] | None = None,
    exclusions: Sequence[str] | None = None,
    terms: Sequence[str] | None = None,
    show_cost_breakdown: bool | None = None,
) -> Row:
    """Set the proposal's scope, exclusions and terms (lists of paragraphs) and the price-summary style.

    ``None`` keeps what the bid has; an empty list falls back to the organization's (brand) or default text.
    Only a draft bid changes: what was sent stays as it was sent.
    """
    changes: dict[str, Any] = {
        key: [str(item).strip() for item in value if str(item).strip()]
        for key, value in (("scope", scope), ("exclusions", exclusions), ("terms", terms))
        if value is not None
    }
    if show_cost_breakdown is not None:
        changes["show_cost_breakdown"] = bool(show_cost_breakdown)
    bid = repository.get_bid(conn, organization_id, bid_id)
    updated = repository.one(
        conn, "merge_bid_settings", organization_id=organization_id, bid_id=bid_id, changes=repository.json(changes)
    )
    if updated is None:
        raise BidStateError(f"Bid {bid_id} is '{bid['status']}': the proposal text of a sent bid cannot change.")
    return updated


def get_bid(conn: psycopg.Connection, organization_id: str, bid_id: str) -> Row:
    """A bid with its lines and overrides."""
    bid = repository.get_bid(conn, organization_id, bid_id)
    bid["lines"] = repository.rows(conn, "list_lines", bid_id=bid_id)
    bid["overrides"] = repository.rows(conn, "list_overrides", bid_id=bid_id)
    return bid


def unpriced_lines(lines: Sequence[Mapping[str, Any]]) -> list[str]:
    """Fixture types of ``lines`` that have neither an assembly nor a manual unit price."""
    return [str(line["fixture_class"]) for line in lines if engine.NOT_PRICED in (line.get("flag") or "")]


def takeoff_from_detections(conn: psycopg.Connection, blueprint_id: str) -> pl.DataFrame:
    """The takeoff frame of a blueprint's stored detections (sheet numbers from its pages)."""
    found = repository.rows(conn, "takeoff_rows", blueprint_id=blueprint_id)
    return pl.DataFrame(found, schema=engine.TAKEOFF_SCHEMA)
