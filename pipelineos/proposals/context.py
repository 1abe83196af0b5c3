"""Everything the proposal template shows, built from the stored bid as plain data.

Customer-facing by default: the price summary shows the work (materials, labor, overhead and profit) as one
amount, then tax and the total; ``show_cost_breakdown`` in the bid's settings or the organization's brand shows
materials, labor hours, overhead, markup and contingency separately (for cost-plus or GC-requested breakdowns).
Fixture units use the bid's (or brand's) code edition and occupancy, IPC 2021 public use by default.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import polars as pl
import psycopg

from pipelineos.db.queries import queries_beside
from pipelineos.errors import NotFoundError
from pipelineos.notify.messages import money
from pipelineos.pricing.engine import NOT_PRICED
from pipelineos.pricing.fixture_units import FixtureUnitSummary, fixture_units, format_units
from pipelineos.pricing.repository import query_rows

Q = queries_beside(__file__)
Row = dict[str, Any]
MANUAL = "Manual quantities"
"""The fixture-unit "floor" of lines whose quantity the estimator set by hand (not placed on a sheet)."""
VALID_DAYS = 30
DEFAULT_EXCLUSIONS = (
    "Permits and inspection fees unless listed above.",
    "Excavation, concrete cutting and patching, and backfill beyond the plumbing trench.",
    "Gas piping, fire sprinkler, and HVAC condensate piping.",
    "Electrical connections to water heaters, pumps and appliances.",
    "Owner-furnished fixtures and equipment, and work not shown on the plumbing sheets.",
)
DEFAULT_TERMS = (
    f"Prices are held for {VALID_DAYS} days from the proposal date.",
    "Payment: 30 % on acceptance, 40 % at rough-in inspection, 30 % on completion; net 15 days.",
    "Changes to the scope are priced as change orders before the work is done.",
    "Fixture counts are taken from the plan sheets listed; quantities on revised drawings are re-priced.",
)
DEFAULT_SCOPE = (
    "Furnish and install the plumbing fixtures scheduled below, complete with rough-in (waste, vent, hot and "
    "cold water), finish connections and trim.",
    "Test the drainage and water systems and obtain the plumbing inspections.",
)


def _qty(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _pct(value: Any) -> str:
    return f"{Decimal(str(value)).normalize():f} %"


def _view_line(line: Mapping[str, Any]) -> Row:
    source = line["source"] or {}
    per_sheet = {s["sheet"]: s["count"] for s in source.get("sheets", [])}
    override = source.get("override") or {}
    adjusted = override.get("quantity") is not None
    return {
        "description": line["description"],
        "fixture_class": line["fixture_class"],
        "quantity": _qty(line["quantity"]),
        "per_sheet": per_sheet,
        "flag": line["flag"] if NOT_PRICED in (line["flag"] or "") else None,
        "note": f"Quantity adjusted: {override.get('reason') or 'estimator adjustment'}" if adjusted else None,
        "total": money(line["total"]),
    }


def _flush_valves(settings: Mapping[str, Any]) -> bool | None:
    if settings.get("flush_valves") is not None:
        return bool(settings["flush_valves"])
    return False if (settings.get("variants") or {}).get("water_closet") == "flush_tank" else None


def _fixture_units(lines: Sequence[Row], settings: Mapping[str, Any], brand: Mapping[str, Any]) -> Row:
    """The DFU/WSFU summary of the bid's fixtures (per sheet, or "Manual quantities" for overridden lines)."""
    placed: list[Row] = []
    for line in lines:
        if not line["fixture_class"]:
            continue
        per_sheet = line["per_sheet"] if line["note"] is None else {MANUAL: int(Decimal(line["quantity"]))}
        placed += [
            {"fixture_class": line["fixture_class"], "sheet_number": sheet, "page_index": 0}
            for sheet, n in per_sheet.items()
            for _ in range(int(n))
        ]
    frame = pl.DataFrame(placed, schema={"fixture_class": pl.String, "sheet_number": pl.String, "page_index": pl.Int64})
    fu = fixture_units(
        frame,
        edition=settings.get("code_edition") or brand.get("code_edition") or "IPC 2021",
        occupancy=settings.get("occupancy") or brand.get("occupancy") or "public",
        flush_valves=_flush_valves(settings),
    )
    order = {sheet: i for i, sheet in enumerate(dict.fromkeys(p["sheet_number"] for p in placed))}
    fu.floors.sort(key=lambda f: (f["floor"] == MANUAL, order.get(str(f["floor"]), len(order))))
    return fixture_units_view(fu)


def fixture_units_view(fu: FixtureUnitSummary) -> Row:
    """A fixture-unit summary as the template shows it: labels, and every unit count formatted for people."""
    rows = [
        {
            "label": str(r["fixture_class"]).replace("_", " ").capitalize(),
            "count": r["count"],
            **{k: format_units(r[k]) for k in ("dfu_each", "dfu", "wsfu_each", "wsfu")},  # type: ignore[arg-type]
        }
        for r in fu.rows
    ]
    floors = [
        {"floor": f["floor"], "dfu": format_units(f["dfu"]), "wsfu": format_units(f["wsfu"])}  # type: ignore[arg-type]
        for f in fu.floors
    ]
    return {
        **fu.__dict__,
        "rows": rows,
        "floors": floors,
        "total_dfu": format_units(fu.total_dfu),
        "total_wsfu": format_units(fu.total_wsfu),
    }


def _price_rows(bid: Mapping[str, Any], summary: Mapping[str, Any], breakdown: bool) -> list[tuple[str, str]]:
    rates = summary.get("rates", {})
    tax_base = "total" if summary.get("tax_base") == "total" else "materials"
    tax_label = f"Sales tax ({_pct(rates['tax_pct'])} on {tax_base})" if "tax_pct" in rates else "Sales tax"
    if breakdown:
        rows = [
            ("Materials", money(bid["material_cost"])),
            (f"Labor ({_qty(bid['labor_hours'])} h)", money(bid["labor_cost"])),
        ]
        rows += [
            (f"{label} ({_pct(rates[key])})" if key in rates else label, money(bid[column]))
            for label, key, column in (
                ("Overhead", "overhead_pct", "overhead"),
                ("Markup", "markup_pct", "markup"),
                ("Contingency", "contingency_pct", "contingency"),
            )
        ]
    else:
        work = sum((bid[k] for k in ("material_cost", "labor_cost", "overhead", "markup", "contingency")), Decimal(0))
        rows = [("Plumbing work as scheduled: materials, labor, overhead and profit", money(work))]
    rows.append((tax_label, money(bid["tax"])))
    if Decimal(summary.get("rounding", "0")) != 0:
        rows.append(("Rounding", money(summary["rounding"])))
    return rows


def _proposal_text(settings: Mapping[str, Any], brand: Mapping[str, Any]) -> Row:
    return {
        "scope": settings.get("scope") or list(DEFAULT_SCOPE),
        "exclusions": settings.get("exclusions") or brand.get("exclusions") or list(DEFAULT_EXCLUSIONS),
        "terms": settings.get("terms") or brand.get("terms") or list(DEFAULT_TERMS),
        "show_cost_breakdown": bool(settings.get("show_cost_breakdown", brand.get("show_cost_breakdown", False))),
    }


def proposal_text(conn: psycopg.Connection, bid_id: str) -> Row:
    """The scope, exclusions, terms and cost-breakdown choice the bid's proposal shows: the bid's own (see
    :func:`pipelineos.pricing.service.set_proposal_text`), else the organization's brand, else the defaults."""
    found = query_rows(Q, conn, "bid_with_context", bid_id=bid_id)
    if not found:
        raise NotFoundError(f"Bid {bid_id} not found.")
    return {"bid_id": str(found[0]["id"]), **_proposal_text(found[0]["settings"] or {}, found[0]["org_brand"] or {})}


def build_context(
    conn: psycopg.Connection,
    bid_id: str,
    thumbnails: list[Row] | None = None,
    *,
    logo_png: bytes | None = None,
) -> Row:
    """Everything the proposal template shows, from the stored bid (plain data)."""
    found = query_rows(Q, conn, "bid_with_context", bid_id=bid_id)
    if not found:
        raise NotFoundError(f"Bid {bid_id} not found.")
    bid = found[0]
    settings, brand = bid["settings"] or {}, bid["org_brand"] or {}
    summary = settings.get("summary", {})
    lines = [_view_line(line) for line in query_rows(Q, conn, "bid_lines", bid_id=bid_id)]
    sheets: list[str] = []
    sheet_totals: dict[str, int] = {}
    for line in lines:
        for sheet, n in line["per_sheet"].items():
            if sheet not in sheets:
                sheets.append(sheet)
            sheet_totals[sheet] = sheet_totals.get(sheet, 0) + n
    issued = (bid["priced_at"] or bid["created_at"]).date()
    text = _proposal_text(settings, brand)
    breakdown = text["show_cost_breakdown"]
    return {
        "org": {
            "name": bid["org_name"],
            "email": bid["org_email"],
            "phone": bid["org_phone"],
            "address": bid["org_address"],
            "brand": brand,
            "logo_png": logo_png,
        },
        "number": f"{issued:%Y%m%d}-{str(bid['id'])[:6].upper()}",
        "customer": {
            "name": bid["customer_name"] or bid["bp_customer_name"],
            "email": bid["customer_email"] or bid["bp_customer_email"],
        },
        "project": bid["project_name"],
        "bid": {
            "id": str(bid["id"]),
            "name": bid["name"],
            "catalog": f"{bid['catalog_name']} v{bid['catalog_version']}",
        },
        "dates": {"issued": issued.isoformat(), "valid_until": (issued + dt.timedelta(days=VALID_DAYS)).isoformat()},
        "scope": text["scope"],
        "lines": lines,
        "sheets": sheets,
        "sheet_totals": sheet_totals,
        "total_fixtures": _qty(sum((Decimal(line["quantity"]) for line in lines), Decimal(0))),
        "price_rows": _price_rows(bid, summary, breakdown),
        "total": money(bid["total"]),
        "options": [{**o, "amount": money(o["amount"])} for o in settings.get("priced_options", [])],
        "exclusions": text["exclusions"],
        "terms": text["terms"],
        "fixture_units": _fixture_units(lines, settings, brand),
        "thumbnails": thumbnails or [],
    }
