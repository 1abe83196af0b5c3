"""Benchmark: render a 3-page branded proposal with two marked plan thumbnails (target ≤ 1 s). Prints JSON."""

from __future__ import annotations

import io
import json
import statistics
import time
from typing import Any

import pymupdf
from PIL import Image, ImageDraw

from pipelineos.pricing.fixture_units import fixture_units
from pipelineos.proposals.context import fixture_units_view
from pipelineos.proposals.render import render_proposal_pdf

TARGET_SECONDS = 1.0


def plan_png(seed: int, width: int = 2200, height: int = 1400) -> bytes:
    """A plan-like raster: walls, rooms and fixture circles."""
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 40, width - 40, height - 40), outline=0, width=6)
    for i in range(1, 6):
        x = i * width // 6 + seed * 10
        draw.line((x, 40, x, height - 40), fill=0, width=4)
        draw.line((40, i * height // 6, width - 40, i * height // 6), fill=0, width=2)
        draw.ellipse((x - 60, 200, x - 20, 240), outline=0, width=3)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def context() -> dict[str, Any]:
    classes = [
        "water_closet",
        "urinal",
        "lavatory",
        "service_sink",
        "floor_drain",
        "drinking_fountain",
        "kitchen_sink",
        "shower",
        "water_heater",
        "hose_bibb",
    ]
    lines = [
        {
            "description": c.replace("_", " ").capitalize() + " assembly",
            "fixture_class": c,
            "quantity": str(3 + i),
            "per_sheet": {"P-101": 2 + i, "P-102": 1},
            "flag": None,
            "note": None,
            "total": "$1,000.00",
        }
        for i, c in enumerate(classes)
    ]
    counts = {c: 3 + i for i, c in enumerate(classes)}
    boxes = [{"bbox": (0.05 + 0.08 * i, 0.15, 0.09 + 0.08 * i, 0.2), "fixture_class": c} for i, c in enumerate(classes)]
    return {
        "org": {
            "name": "Demo Plumbing Co.",
            "email": "office@demo.example",
            "phone": "(555) 010-2000",
            "address": "100 Main Street, Springfield",
            "logo_png": plan_png(0, 300, 100),
            "brand": {"primary_color": "#0b5394", "accent_color": "#f1c232"},
        },
        "number": "20260115-ABC123",
        "customer": {"name": "Springfield Clinic <LLC>", "email": "owner@example.com"},
        "project": "Clinic fit-out",
        "bid": {"id": "x", "name": "Base bid", "catalog": "Standard 2026 v1"},
        "dates": {"issued": "2026-01-15", "valid_until": "2026-02-14"},
        "scope": [
            "Furnish and install the fixtures scheduled below, complete with rough-in, finish and trim.",
            "Test the drainage and water systems and obtain the plumbing inspections.",
        ],
        "lines": lines,
        "sheets": ["P-101", "P-102"],
        "sheet_totals": {"P-101": 65, "P-102": 10},
        "total_fixtures": "75",
        "price_rows": [
            ("Plumbing work as scheduled: materials, labor, overhead and profit", "$42,215.58"),
            ("Sales tax (8.25 % on materials)", "$1,732.50"),
        ],
        "total": "$43,948.08",
        "options": [
            {"name": "Alt 1", "description": "Add 2 urinals", "amount": "$2,480.00", "flag": None},
            {
                "name": "Alt 2",
                "description": "Owner-furnished fixtures",
                "amount": "-$6,200.00",
                "flag": None,
            },
        ],
        "exclusions": ["Permits and inspection fees.", "Excavation and concrete cutting.", "Gas piping."],
        "terms": ["Prices held 30 days.", "Net 15."],
        "fixture_units": fixture_units_view(fixture_units(counts, edition="IPC 2021", occupancy="public")),
        "thumbnails": [
            {"sheet": "P-101", "png": plan_png(1), "boxes": boxes},
            {"sheet": "P-102", "png": plan_png(2), "boxes": boxes[:3]},
        ],
    }


def main() -> None:
    ctx = context()
    render_proposal_pdf(ctx)  # warm-up: fonts, template compile
    runs, pdf = [], b""
    for _ in range(5):
        start = time.perf_counter()
        pdf = render_proposal_pdf(ctx)
        runs.append(time.perf_counter() - start)
    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        pages = doc.page_count
    print(
        json.dumps(
            {
                "benchmark": "render_proposal",
                "pages": pages,
                "bytes": len(pdf),
                "seconds_median": round(statistics.median(runs), 3),
                "seconds_max": round(max(runs), 3),
                "target_seconds": TARGET_SECONDS,
                "meets_target": max(runs) <= TARGET_SECONDS and pages == 3,
            }
        )
    )


if __name__ == "__main__":
    main()
