"""The default "Standard 2026" price catalog every new organization starts with.

Prices are plausible 2026 US contractor costs: supplier list price and the contractor's discount multiplier
(plumbing wholesalers quote list × multiplier; fixtures and brass typically 0.68–0.80, pipe and fittings
0.85–0.90). Each fixture class in :data:`~pipelineos.takeoff.models.FIXTURE_CLASSES` gets a ``standard``
assembly — rough-in, finish, fixture and trim items plus the journeyman hours to rough, set and trim it — and
a few classes get other variants (a flush-tank water closet, a countertop lavatory, a tankless water heater).
Labor is $95.00/h (burdened journeyman rate); overhead 10 %, markup 15 %, contingency 3 %, sales tax 8.25 % on
materials.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import psycopg

from pipelineos.pricing import repository
from pipelineos.pricing.catalog_io import import_catalog
from pipelineos.pricing.catalog_rules import ASSEMBLY_COLUMNS, ITEM_COLUMNS, Row

DEFAULT_CATALOG_NAME = "Standard 2026"
DEFAULT_CATALOG_VERSION = 1
DEFAULT_EFFECTIVE_FROM = dt.date(2026, 1, 1)
DEFAULT_PRICE_DATE = dt.date(2026, 1, 15)
DEFAULT_RATES = {
    "labor_rate": Decimal("95.00"),
    "overhead_pct": Decimal("10"),
    "markup_pct": Decimal("15"),
    "tax_pct": Decimal("8.25"),
    "contingency_pct": Decimal("3"),
}

# sku, description, unit, list material cost, supplier, discount multiplier
DEFAULT_ITEMS: tuple[tuple[str, str, str, str, str, str], ...] = (
    ("PVC-DWV-3", '3" PVC DWV pipe and fittings, per fixture rough', "lot", "48.00", "Ferguson", "0.85"),
    ("PVC-DWV-2", '2" PVC DWV pipe and fittings, per fixture rough', "lot", "31.50", "Ferguson", "0.85"),
    ("PVC-DWV-15", '1-1/2" PVC DWV pipe and fittings, per fixture rough', "lot", "22.40", "Ferguson", "0.85"),
    ("PEX-A-12", '1/2" PEX-A tubing and expansion fittings, hot + cold', "lot", "38.75", "Winsupply", "0.90"),
    ("PEX-A-34", '3/4" PEX-A tubing and expansion fittings', "lot", "52.10", "Winsupply", "0.90"),
    ("CI-DRAIN-2", '2" cast iron floor drain body with trap primer tap', "ea", "96.00", "Ferguson", "0.80"),
    ("TRAP-P-15", '1-1/2" PVC P-trap with trap adapter', "ea", "9.80", "Ferguson", "0.85"),
    ("TRAP-P-2", '2" PVC P-trap', "ea", "14.20", "Ferguson", "0.85"),
    ("CARRIER-WC", "Floor-mounted water closet carrier", "ea", "285.00", "Zurn", "0.72"),
    ("CARRIER-LAV", "Concealed arm lavatory carrier", "ea", "168.00", "Zurn", "0.72"),
    ("FLANGE-WC", "PVC closet flange with stainless ring", "ea", "14.60", "Oatey", "0.88"),
    ("STOP-ANGLE", '1/2" x 3/8" quarter-turn angle stop', "ea", "11.40", "BrassCraft", "0.80"),
    ("SUPPLY-FLEX", "Braided stainless supply line", "ea", "8.90", "BrassCraft", "0.80"),
    ("WAX-BOLTS", "Wax ring, closet bolts and caps", "ea", "7.25", "Oatey", "0.88"),
    ("VALVE-BALL-34", '3/4" full-port ball valve', "ea", "24.50", "Apollo", "0.78"),
    ("WH-EXP-TANK", "Thermal expansion tank, 2 gal", "ea", "58.00", "Amtrol", "0.82"),
    ("WH-VENT-KIT", "Water heater vent connector and gas cock", "lot", "86.00", "Ferguson", "0.85"),
    ("WH-TL-VENT", '3" concentric PVC vent kit for tankless heater', "ea", "168.00", "Navien", "0.80"),
    ("WASHER-BOX", "Recessed washer outlet box with valves", "ea", "64.00", "Oatey", "0.88"),
    ("DW-CONN-KIT", "Dishwasher connector, elbow and air gap", "ea", "36.50", "Ferguson", "0.85"),
    ("SHOWER-VALVE", "Pressure-balance shower valve body", "ea", "142.00", "Moen", "0.70"),
    ("TUB-WASTE", "Tub waste and overflow, brass", "ea", "78.00", "Moen", "0.70"),
    ("SHOWER-DRAIN", "Shower drain with clamping ring", "ea", "42.00", "Oatey", "0.88"),
    ("FIX-WC", "Water closet bowl, flushometer, 1.28 gpf, ADA height", "ea", "365.00", "American Standard", "0.68"),
    (
        "FIX-WC-TANK",
        "Water closet, two-piece tank type, 1.28 gpf, ADA height",
        "ea",
        "312.00",
        "American Standard",
        "0.68",
    ),
    ("FIX-UR", "Urinal, wall-hung, 0.125 gpf", "ea", "410.00", "American Standard", "0.68"),
    ("FIX-LAV", "Lavatory, wall-hung vitreous china, 20 x 18", "ea", "188.00", "American Standard", "0.68"),
    ("FIX-LAV-CTR", "Lavatory, drop-in vitreous china, 20 x 17", "ea", "142.00", "American Standard", "0.68"),
    ("FIX-KS", "Kitchen sink, stainless double bowl, 33 x 22", "ea", "296.00", "Elkay", "0.70"),
    ("FIX-SS", "Service sink, floor-mounted mop basin 24 x 24", "ea", "345.00", "Fiat", "0.72"),
    ("FIX-TUB", "Bathtub, enameled steel 60 x 30", "ea", "420.00", "Kohler", "0.70"),
    ("FIX-SHWR", "Shower base, 48 x 36 acrylic", "ea", "385.00", "Kohler", "0.70"),
    ("FIX-DF", "Drinking fountain, bi-level ADA with bottle filler", "ea", "2780.00", "Elkay", "0.75"),
    ("FIX-WH50", "Water heater, 50 gal gas, 40,000 BTU", "ea", "1650.00", "Bradford White", "0.80"),
    ("FIX-WH-TL", "Water heater, tankless condensing gas, 199,000 BTU", "ea", "2450.00", "Navien", "0.78"),
    ("FIX-HB", "Hose bibb, frost-free 12 in with vacuum breaker", "ea", "46.00", "Woodford", "0.82"),
    ("FLUSH-VALVE-WC", "Flushometer, manual, 1.28 gpf", "ea", "238.00", "Sloan", "0.74"),
    ("FLUSH-VALVE-UR", "Flushometer, manual, 0.125 gpf", "ea", "226.00", "Sloan", "0.74"),
    ("SEAT-WC", "Open-front commercial toilet seat", "ea", "32.00", "Bemis", "0.80"),
    ("FAUCET-LAV", "Lavatory faucet, 0.5 gpm, single lever", "ea", "142.00", "Moen", "0.70"),
    ("FAUCET-KS", "Kitchen faucet, pull-down, 1.5 gpm", "ea", "212.00", "Moen", "0.70"),
    ("FAUCET-SS", "Service sink faucet, vacuum breaker and hose", "ea", "168.00", "Chicago Faucets", "0.75"),
    ("TRIM-SHOWER", "Shower trim kit: head, arm, handle", "ea", "126.00", "Moen", "0.70"),
    ("TRIM-TUB", "Tub/shower trim kit with spout", "ea", "148.00", "Moen", "0.70"),
    ("STRAINER-FD", "Floor drain strainer, nickel bronze 6 in", "ea", "38.00", "Zurn", "0.72"),
    ("GRID-STRAINER", "Lavatory grid drain", "ea", "18.50", "Ferguson", "0.85"),
    ("BASKET-STR", "Kitchen basket strainer pair", "ea", "34.00", "Ferguson", "0.85"),
)

Part = tuple[str, str, str]
"""(sku, phase, quantity)"""
Assembly = tuple[str, str, tuple[Part, ...]]
"""(assembly name, labor hours, parts)"""


def _asm(name: str, hours: str, parts: str) -> Assembly:
    """An assembly from ``"SKU phase qty, SKU phase qty, …"`` (phase: rough_in, finish, fixture, trim)."""
    triples = tuple(tuple(part.split()) for part in parts.split(","))
    return name, hours, triples  # type: ignore[return-value]


_LAV_ROUGH = "PVC-DWV-15 rough_in 1, PEX-A-12 rough_in 1"
_SUPPLIES = "STOP-ANGLE finish 2, SUPPLY-FLEX finish 2"

# fixture class -> standard assembly
DEFAULT_ASSEMBLIES: dict[str, Assembly] = {
    "water_closet": _asm(
        "Water closet, floor-mount flushometer",
        "4.50",
        "PVC-DWV-3 rough_in 1, PEX-A-34 rough_in 1, FLANGE-WC rough_in 1, WAX-BOLTS finish 1, FIX-WC fixture 1, "
        "FLUSH-VALVE-WC trim 1, SEAT-WC trim 1",
    ),
    "urinal": _asm(
        "Urinal, wall-hung flushometer",
        "4.00",
        "PVC-DWV-2 rough_in 1, PEX-A-34 rough_in 1, FIX-UR fixture 1, FLUSH-VALVE-UR trim 1",
    ),
    "lavatory": _asm(
        "Lavatory, wall-hung on carrier",
        "3.50",
        f"{_LAV_ROUGH}, CARRIER-LAV rough_in 1, {_SUPPLIES}, TRAP-P-15 finish 1, FIX-LAV fixture 1, "
        "FAUCET-LAV trim 1, GRID-STRAINER trim 1",
    ),
    "kitchen_sink": _asm(
        "Kitchen sink, double bowl",
        "3.00",
        f"PVC-DWV-2 rough_in 1, PEX-A-12 rough_in 1, {_SUPPLIES}, TRAP-P-15 finish 1, FIX-KS fixture 1, "
        "FAUCET-KS trim 1, BASKET-STR trim 1",
    ),
    "service_sink": _asm(
        "Service sink, floor mop basin",
        "3.50",
        "PVC-DWV-3 rough_in 1, PEX-A-12 rough_in 1, FIX-SS fixture 1, FAUCET-SS trim 1",
    ),
    "bathtub": _asm(
        "Bathtub with shower",
        "5.50",
        f"{_LAV_ROUGH}, SHOWER-VALVE rough_in 1, TUB-WASTE finish 1, TRAP-P-15 finish 1, FIX-TUB fixture 1, "
        "TRIM-TUB trim 1",
    ),
    "shower": _asm(
        "Shower stall",
        "5.00",
        "PVC-DWV-2 rough_in 1, PEX-A-12 rough_in 1, SHOWER-VALVE rough_in 1, SHOWER-DRAIN finish 1, "
        "TRAP-P-2 finish 1, FIX-SHWR fixture 1, TRIM-SHOWER trim 1",
    ),
    "floor_drain": _asm(
        "Floor drain, 2 in",
        "2.50",
        "PVC-DWV-2 rough_in 1, CI-DRAIN-2 rough_in 1, TRAP-P-2 finish 1, STRAINER-FD trim 1",
    ),
    "drinking_fountain": _asm(
        "Drinking fountain, bi-level",
        "4.00",
        f"{_LAV_ROUGH}, STOP-ANGLE finish 1, TRAP-P-15 finish 1, FIX-DF fixture 1",
    ),
    "water_heater": _asm(
        "Water heater, 50 gal gas",
        "6.00",
        "PEX-A-34 rough_in 2, VALVE-BALL-34 finish 2, WH-EXP-TANK finish 1, WH-VENT-KIT finish 1, FIX-WH50 fixture 1",
    ),
    "hose_bibb": _asm("Hose bibb, frost-free", "1.25", "PEX-A-12 rough_in 1, FIX-HB fixture 1"),
    "clothes_washer": _asm(
        "Clothes washer outlet",
        "2.00",
        "PVC-DWV-2 rough_in 1, PEX-A-12 rough_in 1, WASHER-BOX finish 1, TRAP-P-2 finish 1",
    ),
    "dishwasher": _asm("Dishwasher connection", "1.50", "PEX-A-12 rough_in 1, DW-CONN-KIT finish 1"),
}

# (fixture class, variant) -> assembly, for the types an estimator commonly switches
DEFAULT_VARIANTS: dict[tuple[str, str], Assembly] = {
    ("water_closet", "flush_tank"): _asm(
        "Water closet, two-piece flush tank",
        "3.00",
        "PVC-DWV-3 rough_in 1, PEX-A-12 rough_in 1, FLANGE-WC rough_in 1, WAX-BOLTS finish 1, STOP-ANGLE finish 1, "
        "SUPPLY-FLEX finish 1, FIX-WC-TANK fixture 1, SEAT-WC trim 1",
    ),
    ("lavatory", "countertop"): _asm(
        "Lavatory, countertop drop-in",
        "2.50",
        f"{_LAV_ROUGH}, {_SUPPLIES}, TRAP-P-15 finish 1, FIX-LAV-CTR fixture 1, FAUCET-LAV trim 1, "
        "GRID-STRAINER trim 1",
    ),
    ("water_heater", "tankless_gas"): _asm(
        "Water heater, tankless condensing gas",
        "8.00",
        "PEX-A-34 rough_in 2, VALVE-BALL-34 finish 4, WH-TL-VENT finish 1, FIX-WH-TL fixture 1",
    ),
}


def all_assemblies() -> dict[tuple[str, str], Assembly]:
    """Every default assembly keyed by (fixture class, variant)."""
    return {**{(cls, "standard"): asm for cls, asm in DEFAULT_ASSEMBLIES.items()}, **DEFAULT_VARIANTS}


def default_rows() -> tuple[list[Row], list[Row]]:
    """The default catalog as import rows ``(row number, {column: value})``: items, then assembly parts."""
    items = [
        (n, dict(zip(ITEM_COLUMNS, (*item, DEFAULT_PRICE_DATE), strict=True)))
        for n, item in enumerate(DEFAULT_ITEMS, start=2)
    ]
    parts = [
        (fixture_class, variant, name, hours, sku, phase, qty)
        for (fixture_class, variant), (name, hours, triples) in all_assemblies().items()
        for sku, phase, qty in triples
    ]
    assemblies = [(n, dict(zip(ASSEMBLY_COLUMNS, part, strict=True))) for n, part in enumerate(parts, start=2)]
    return items, assemblies


def seed_default_catalog(conn: psycopg.Connection, organization_id: str) -> str:
    """Create the organization's "Standard 2026" v1 catalog with items and assemblies; return its id.

    The rows go through the same validation and writes as a file import. Idempotent: when the catalog already
    exists its id is returned and nothing is changed, so an edited or superseded catalog is never reset by
    re-seeding. Runs in the caller's transaction.
    """
    found = repository.one(
        conn,
        "catalog_version",
        organization_id=organization_id,
        name=DEFAULT_CATALOG_NAME,
        version=DEFAULT_CATALOG_VERSION,
    )
    if found is not None:
        return str(found["id"])
    items, assemblies = default_rows()
    settings = {"name": DEFAULT_CATALOG_NAME, "effective_from": DEFAULT_EFFECTIVE_FROM, "currency": "USD"}
    result = import_catalog(
        conn, organization_id, items=items, assemblies=assemblies, settings={**settings, **DEFAULT_RATES}
    )
    return str(result["catalog"]["id"])
