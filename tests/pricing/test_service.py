"""price_bid writes bids and lines whose totals match hand arithmetic; overrides survive re-pricing."""

from __future__ import annotations

from decimal import Decimal

import psycopg
import pytest
from pricing_helpers import takeoff

from pipelineos.pricing.models import BidStateError, PricingInputError
from pipelineos.pricing.service import price_bid, reprice_bid, set_line_override

WC3 = takeoff(
    ("water_closet", 0, "P-101", "vector_text"),
    ("water_closet", 0, "P-101", "vector_text"),
    ("water_closet", 1, "P-102", "manual"),
)


def test_totals_match_hand_computation(
    seeded: dict[str, str], db: psycopg.Connection, blueprint_id: str, hand_catalog: str
) -> None:
    bid = price_bid(
        db,
        organization_id=seeded["organization_id"],
        blueprint_id=blueprint_id,
        takeoff=WC3,
        catalog_id=hand_catalog,
    )
    # 3 WC: material 3 × 110.01 = 330.03; hours 3 × 2.5 = 7.5; labor 7.5 × 80 = 600.00; direct 930.03
    # overhead 10 % = 93.003 → 93.00; markup 15 % of 1023.03 = 153.4545 → 153.45
    # contingency 3 % of 1176.48 = 35.2944 → 35.29; tax 8.25 % of 330.03 = 27.227475 → 27.23
    # total = 930.03 + 93.00 + 153.45 + 35.29 + 27.23 = 1239.00
    assert bid["material_cost"] == Decimal("330.03")
    assert bid["labor_hours"] == Decimal("7.50")
    assert bid["labor_cost"] == Decimal("600.00")
    assert (bid["overhead"], bid["markup"], bid["contingency"], bid["tax"]) == (
        Decimal("93.00"),
        Decimal("153.45"),
        Decimal("35.29"),
        Decimal("27.23"),
    )
    assert bid["total"] == Decimal("1239.00")
    (line,) = bid["lines"]
    assert (line["quantity"], line["unit_material"], line["total"]) == (
        Decimal("3"),
        Decimal("110.01"),
        Decimal("930.03"),
    )
    assert line["source"]["sheets"] == [{"sheet": "P-101", "count": 2}, {"sheet": "P-102", "count": 1}]
    assert line["source"]["detections"] == 2 and line["source"]["manual_marks"] == 1
    assert "P-101 (2), P-102 (1)" in line["source"]["explanation"]


def test_half_cent_rounds_up_and_total_rounding(
    seeded: dict[str, str], db: psycopg.Connection, blueprint_id: str, hand_catalog: str
) -> None:
    one_lav = takeoff(("lavatory", 0, "P-101", "vector_text"))
    bid = price_bid(
        db,
        organization_id=seeded["organization_id"],
        blueprint_id=blueprint_id,
        takeoff=one_lav,
        catalog_id=hand_catalog,
        round_total_to="1",
    )
    # material 10.01; hours 1.25; labor 1.25 × 80 = 100.00; direct 110.01
    # overhead 11.001 → 11.00; markup 15 % of 121.01 = 18.1515 → 18.15
    # contingency 3 % of 139.16 = 4.1748 → 4.17
    # tax 8.25 % of 10.01 = 0.825825 → 0.83; subtotal 110.01 + 11.00 + 18.15 + 4.17 + 0.83 = 144.16 → 144.00
    assert bid["total"] == Decimal("144.00")
    assert bid["settings"]["summary"]["subtotal"] == "144.16"
    assert bid["settings"]["summary"]["rounding"] == "-0.16"


def test_missing_assembly_is_flagged_not_silently_zero(
    seeded: dict[str, str], db: psycopg.Connection, blueprint_id: str, hand_catalog: str
) -> None:
    tk = takeoff(("water_closet", 0, "P-101", "vector_text"), ("bathtub", 0, "P-101", "vector_text"))
    bid = price_bid(
        db,
        organization_id=seeded["organization_id"],
        blueprint_id=blueprint_id,
        takeoff=tk,
        catalog_id=hand_catalog,
    )
    lines = {line["fixture_class"]: line for line in bid["lines"]}
    assert lines["water_closet"]["flag"] is None
    assert lines["bathtub"]["total"] == 0
    assert "No assembly for fixture type 'bathtub'" in lines["bathtub"]["flag"]
    assert "NOT PRICED" in lines["bathtub"]["flag"]
    assert bid["settings"]["summary"]["flagged_lines"] == 1


def test_overrides_survive_repricing(
    seeded: dict[str, str], db: psycopg.Connection, blueprint_id: str, hand_catalog: str
) -> None:
    org = seeded["organization_id"]
    bid = price_bid(db, organization_id=org, blueprint_id=blueprint_id, takeoff=WC3, catalog_id=hand_catalog)
    set_line_override(
        db,
        organization_id=org,
        bid_id=str(bid["id"]),
        fixture_class="water_closet",
        quantity=5,
        reason="2 more on roof plan",
    )
    set_line_override(
        db,
        organization_id=org,
        bid_id=str(bid["id"]),
        fixture_class="bathtub",
        quantity=1,
        unit_price="500.00",
        reason="owner-supplied tub",
    )
    again = reprice_bid(db, str(bid["id"]), WC3)
    again = reprice_bid(db, str(bid["id"]), WC3)
    lines = {line["fixture_class"]: line for line in again["lines"]}
    assert lines["water_closet"]["quantity"] == Decimal("5")
    assert lines["water_closet"]["material_cost"] == Decimal("550.05")  # 5 × 110.01
    assert lines["water_closet"]["source"]["override"]["reason"] == "2 more on roof plan"
    assert lines["water_closet"]["source"]["counted"] == 3
    assert lines["bathtub"]["material_cost"] == Decimal("500.00")
    assert "manual unit price" in lines["bathtub"]["flag"]
    count = db.execute("select count(*) as n from bid_lines where bid_id = %s", (bid["id"],)).fetchone()
    assert count["n"] == 2  # type: ignore[index]


def test_options_and_default_catalog(seeded: dict[str, str], db: psycopg.Connection, blueprint_id: str) -> None:
    bid = price_bid(
        db,
        organization_id=seeded["organization_id"],
        blueprint_id=blueprint_id,
        takeoff=WC3,
        options=[
            {"name": "Add 1 urinal", "fixture_class": "urinal", "quantity": 1},
            {"name": "Owner buys fixtures", "amount": "-250.00"},
        ],
    )
    assert bid["settings"]["summary"]["catalog"]["name"] == "Standard 2026"
    add, deduct = bid["settings"]["priced_options"]
    assert add["kind"] == "add" and Decimal(add["amount"]) > 0
    assert (deduct["kind"], deduct["amount"]) == ("deduct", "-250.00")
    assert bid["total"] > 0


def test_sent_bid_cannot_be_repriced_and_bad_takeoff_refused(
    seeded: dict[str, str], db: psycopg.Connection, blueprint_id: str
) -> None:
    bid = price_bid(db, organization_id=seeded["organization_id"], blueprint_id=blueprint_id, takeoff=WC3)
    db.execute("update bids set status = 'sent' where id = %s", (bid["id"],))
    with pytest.raises(BidStateError, match="only draft bids"):
        reprice_bid(db, str(bid["id"]), WC3)
    with pytest.raises(PricingInputError, match="fixture_class"):
        price_bid(
            db,
            organization_id=seeded["organization_id"],
            blueprint_id=blueprint_id,
            takeoff=WC3.drop("fixture_class"),
        )


def test_assembly_variant_is_priced_explained_and_kept_on_repricing(
    seeded: dict[str, str], db: psycopg.Connection, blueprint_id: str
) -> None:
    org = seeded["organization_id"]
    two_wc = takeoff(("water_closet", 0, "P-101", "vector_text"), ("water_closet", 0, "P-101", "vector_text"))
    bid = price_bid(
        db, organization_id=org, blueprint_id=blueprint_id, takeoff=two_wc, variants={"water_closet": "flush_tank"}
    )
    (line,) = bid["lines"]
    # "Water closet, two-piece flush tank" in the default catalog, list × multiplier:
    # 3" DWV 48.00×0.85 = 40.80; 1/2" PEX 38.75×0.90 = 34.875; flange 14.60×0.88 = 12.848; wax 7.25×0.88 = 6.38;
    # stop 11.40×0.80 = 9.12; supply 8.90×0.80 = 7.12; tank WC 312.00×0.68 = 212.16; seat 32.00×0.80 = 25.60
    # = 348.903 → 348.90 per fixture; 3.00 h each at 95.00/h
    assert line["description"] == "Water closet, two-piece flush tank"
    assert line["unit_material"] == Decimal("348.90")
    assert (line["material_cost"], line["labor_hours"], line["labor_cost"]) == (
        Decimal("697.80"),
        Decimal("6.00"),
        Decimal("570.00"),
    )
    assert line["source"]["variant"] == "flush_tank"
    again = reprice_bid(db, str(bid["id"]), two_wc)
    assert again["lines"][0]["unit_material"] == Decimal("348.90"), "the chosen variant survives re-pricing"
    standard = reprice_bid(db, str(bid["id"]), two_wc, variants={})
    assert standard["lines"][0]["description"] == "Water closet, floor-mount flushometer"
    with pytest.raises(PricingInputError, match=r"no 'wall_hung' assembly for water_closet; choose one of"):
        reprice_bid(db, str(bid["id"]), two_wc, variants={"water_closet": "wall_hung"})


def test_code_edition_and_occupancy_are_checked_and_kept(
    seeded: dict[str, str], db: psycopg.Connection, blueprint_id: str
) -> None:
    org = seeded["organization_id"]
    with pytest.raises(PricingInputError, match="Unknown code edition"):
        price_bid(db, organization_id=org, blueprint_id=blueprint_id, takeoff=WC3, code_edition="IPC 1990")
    db.rollback()
    bid = price_bid(
        db, organization_id=org, blueprint_id=blueprint_id, takeoff=WC3, code_edition="UPC 2021", occupancy="private"
    )
    again = reprice_bid(db, str(bid["id"]), WC3)
    assert (again["settings"]["code_edition"], again["settings"]["occupancy"]) == ("UPC 2021", "private")
