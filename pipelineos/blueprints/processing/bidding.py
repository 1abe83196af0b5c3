"""Bids of a blueprint: requests (one per variant), pricing from the reviewed takeoff, lineage stamps.

A blueprint's bids are addressed by ``variant`` (``base`` for the one the upload produces; ``alt-1``,
``catalog-2``, ``acme`` for others). Re-pricing the same variant updates the same bid, so a re-run never
adds bids; a bid that has left ``draft`` (sent, accepted …) is kept as it is.
"""

from __future__ import annotations

import re
from typing import Any

import polars as pl
import psycopg

from pipelineos.blueprints.processing import repository as repo
from pipelineos.blueprints.processing.errors import ProcessingError
from pipelineos.blueprints.processing.versions import code_version, data_version, detector_version
from pipelineos.db.pool import connection

BASE = "base"
VARIANT = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
NO_SEND_REASONS = ("review",)


def request_bid(
    conn: psycopg.Connection,
    blueprint_id: str,
    *,
    variant: str = BASE,
    catalog_id: str | None = None,
    customer_name: str | None = None,
    customer_email: str | None = None,
    send_proposal: bool = True,
    reason: str = "request",
) -> dict[str, Any]:
    """Ask the pipeline to price (or re-price) one bid of a blueprint; the bid-requests sensor runs it."""
    if not VARIANT.match(variant):
        raise ProcessingError(blueprint_id, f"bid variant {variant!r} must be 1-40 of a-z, 0-9, '-', '_'")
    blueprint = repo.blueprint(conn, blueprint_id)
    row = repo.one(
        conn,
        "insert_bid_request",
        organization_id=blueprint["organization_id"],
        blueprint_id=blueprint_id,
        variant=variant,
        catalog_id=catalog_id,
        customer_name=customer_name,
        customer_email=customer_email,
        send_proposal=send_proposal,
        reason=reason,
    )
    assert row is not None
    return row


def request_repricing(blueprint_id: str, *, reason: str = "takeoff") -> list[dict[str, Any]]:
    """After a (re)computed takeoff: request every further bid of the blueprint again.

    The base bid is priced in the same run as the takeoff, so only the other variants are requested.
    """
    with connection() as conn:
        variants = [r["variant"] for r in repo.rows(conn, "bid_variants_of", blueprint_id=blueprint_id)]
        out = []
        for variant in variants:
            if variant == BASE:
                continue
            last = repo.one(conn, "latest_bid_request", blueprint_id=blueprint_id, variant=variant) or {}
            out.append(
                request_bid(
                    conn,
                    blueprint_id,
                    variant=variant,
                    catalog_id=last.get("catalog_id"),
                    customer_name=last.get("customer_name"),
                    customer_email=last.get("customer_email"),
                    send_proposal=reason not in NO_SEND_REASONS,
                    reason=reason,
                )
            )
        return out


def price(blueprint_id: str, variant: str, takeoff: pl.DataFrame, run_id: str | None) -> dict[str, Any]:
    """Price (or re-price) the blueprint's ``variant`` bid from ``takeoff``; returns the bid with ``lines``.

    Customer and catalog come from the variant's latest request, else from the blueprint. A bid that is no
    longer a draft is returned unchanged with ``kept = True``.
    """
    from pipelineos.pricing.service import get_bid, price_bid

    with connection() as conn:
        blueprint = repo.blueprint(conn, blueprint_id)
        request = repo.one(conn, "latest_bid_request", blueprint_id=blueprint_id, variant=variant) or {}
        existing = repo.one(conn, "bid_by_variant", blueprint_id=blueprint_id, variant=variant)
        if existing is not None and existing["status"] != "draft":
            bid = get_bid(conn, blueprint["organization_id"], existing["id"])
            return {**bid, "kept": True, "variant": variant}
        takeoff_run_id = takeoff_run(conn, blueprint_id, takeoff)
        name = "Base bid" if variant == BASE else f"Bid {variant}"
        bid = price_bid(
            conn,
            organization_id=blueprint["organization_id"],
            blueprint_id=blueprint_id,
            takeoff=takeoff,
            bid_id=existing["id"] if existing else None,
            catalog_id=request.get("catalog_id"),
            name=name,
            customer_name=request.get("customer_name") or blueprint["customer_name"],
            customer_email=request.get("customer_email") or blueprint["customer_email"],
            run_id=run_id,
            detector_version=detector_version(),
            code_version=code_version(),
        )
        bid_id = str(bid["id"])
        stamp = {
            "run_id": run_id,
            "code_version": code_version(),
            "data_version": bid_data_version(blueprint["sha256"], takeoff, bid),
        }
        repo.rows(
            conn,
            "stamp_bid",
            bid_id=bid_id,
            variant=variant,
            takeoff_run_id=takeoff_run_id,
            detector_version=detector_version(),
            **stamp,
        )
        repo.rows(conn, "stamp_bid_lines", bid_id=bid_id, **stamp)
        return {**bid, "id": bid_id, "kept": False, "variant": variant, "data_version": stamp["data_version"]}


def bid_data_version(sha256: str, takeoff: pl.DataFrame, bid: dict[str, Any]) -> str:
    """The data version of a priced bid: the drawing, the takeoff it priced and the catalog version it used."""
    detections = data_version(
        sha256,
        *sorted(takeoff["detection_id"].to_list()),
        *takeoff.sort("detection_id")["fixture_class"].to_list(),
    )
    return data_version(detections, f"catalog-{bid.get('catalog_id')}-v{bid.get('catalog_version')}")


def stamp_lineage(conn: psycopg.Connection, bid: dict[str, Any], takeoff: pl.DataFrame) -> None:
    """Record on a bid priced outside a Dagster run (API, dashboard) the takeoff run, detector and versions."""
    bid_id, blueprint_id = str(bid["id"]), str(bid["blueprint_id"])
    version = bid_data_version(repo.blueprint(conn, blueprint_id)["sha256"], takeoff, bid)
    stamp = {"run_id": None, "code_version": code_version(), "data_version": version}
    repo.rows(
        conn,
        "stamp_bid_lineage",
        bid_id=bid_id,
        takeoff_run_id=takeoff_run(conn, blueprint_id, takeoff),
        detector_version=detector_version(),
        code_version=stamp["code_version"],
        data_version=version,
    )
    repo.rows(conn, "stamp_bid_lines", bid_id=bid_id, **stamp)


def takeoff_run(conn: psycopg.Connection, blueprint_id: str, takeoff: pl.DataFrame) -> str | None:
    """The run that wrote the detections ``takeoff`` holds: the takeoff a bid priced (None: only added fixtures).

    Detections are replaced a whole blueprint at a time, so the current ones all come from one run.
    """
    found = repo.rows(
        conn, "takeoff_runs_of", blueprint_id=blueprint_id, detection_ids=takeoff["detection_id"].to_list()
    )
    return found[0]["run_id"] if found else None


def bid_totals(bid_id: str) -> dict[str, Any]:
    """The bid's stored total and the sum of its lines (for the bid-total check)."""
    with connection() as conn:
        row = repo.one(conn, "bid_totals", bid_id=bid_id)
    if row is None:
        raise ProcessingError("?", f"bid {bid_id} does not exist")
    return row
