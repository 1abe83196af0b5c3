"""Demo activity for analysis: processed blueprints, detections, review decisions, bids and leads.

Deterministic for a seed and idempotent: rows from an earlier call (project ``Demo activity``, leads with
source ``demo``) are deleted first. Bulk rows go in with COPY, so 1,000 blueprints and 10,000 detections take
about a second. The sheet image draws a symbol at every detection, so symbol search has something to find.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import random
import uuid
from dataclasses import dataclass

import psycopg
from PIL import Image, ImageDraw

from pipelineos.storage import Storage
from pipelineos.takeoff.models import DETECTOR_VERSION, FIXTURE_CLASSES

DEMO_PROJECT = "Demo activity"
DEMO_LEAD_SOURCE = "demo"
SHEET_PX = (1700, 1100)
SHEET_PT = (1224.0, 792.0)
ANCHOR = dt.datetime(2026, 11, 1, 12, 0, tzinfo=dt.UTC)
_MIX = (
    ("water_closet",) * 5
    + ("lavatory",) * 5
    + ("urinal",) * 2
    + ("floor_drain",) * 3
    + ("kitchen_sink", "service_sink", "shower", "drinking_fountain", "water_heater", "hose_bibb")
)


@dataclass(frozen=True)
class DemoSummary:
    blueprint_ids: list[str]
    detections: int
    decisions: int
    bids: int
    leads: int
    image_sha256: str | None


def _layout(rng: random.Random, n: int) -> list[tuple[str, tuple[float, float, float, float], float]]:
    """``n`` non-overlapping symbol boxes on a grid with a class and a confidence each."""
    cols = max(1, int((n * 1.6) ** 0.5))
    cells = [(c, r) for r in range((n + cols - 1) // cols) for c in range(cols)][:n]
    rows_n = (n + cols - 1) // cols
    out = []
    for c, r in cells:
        cw, ch = 0.9 / cols, 0.8 / max(rows_n, 1)
        x0, y0 = 0.05 + c * cw + cw * 0.2, 0.08 + r * ch + ch * 0.2
        size = min(cw, ch) * 0.5
        out.append(
            (
                rng.choice(_MIX),
                (round(x0, 4), round(y0, 4), round(x0 + size * 0.65, 4), round(y0 + size, 4)),
                round(rng.uniform(0.35, 0.99), 3),
            )
        )
    return out


def sheet_png(layout: list[tuple[str, tuple[float, float, float, float], float]]) -> bytes:
    """A plan-like sheet: a border, a title block and one outlined symbol (with its class initial) per box."""
    w, h = SHEET_PX
    image = Image.new("L", (w, h), 255)
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 10, w - 10, h - 10), outline=0, width=3)
    draw.rectangle((w - 330, h - 120, w - 10, h - 10), outline=0, width=2)
    draw.text((w - 320, h - 100), "P-101  PLUMBING FLOOR PLAN", fill=0)
    for cls, (x0, y0, x1, y1), _ in layout:
        box = (x0 * w, y0 * h, x1 * w, y1 * h)
        shape = FIXTURE_CLASSES.index(cls) % 3
        if shape == 0:
            draw.ellipse(box, outline=0, width=2)
        elif shape == 1:
            draw.rectangle(box, outline=0, width=2)
        else:
            draw.polygon([(box[0], box[3]), ((box[0] + box[2]) / 2, box[1]), (box[2], box[3])], outline=0, width=2)
        draw.text((box[0] + 4, box[1] + 4), cls[:2].upper(), fill=0)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def clear_demo_activity(
    conn: psycopg.Connection, organization_id: str, project: str = DEMO_PROJECT, leads: bool = True
) -> None:
    """Delete what an earlier :func:`insert_demo_activity` created in this organization."""
    conn.execute("delete from blueprints where organization_id = %s and project_name = %s", (organization_id, project))
    if leads:
        conn.execute(
            "delete from leads where organization_id = %s and source = %s",
            (organization_id, DEMO_LEAD_SOURCE),
        )


def insert_demo_activity(
    conn: psycopg.Connection,
    organization_id: str,
    storage: Storage | None = None,
    *,
    blueprints: int = 12,
    detections_per_blueprint: int = 40,
    reviewed_blueprints: int = 4,
    leads: int = 40,
    seed: int = 0,
    anchor: dt.datetime = ANCHOR,
    project: str = DEMO_PROJECT,
    missed_every: int = 0,
) -> DemoSummary:
    """Insert demo activity (see module doc); ``storage`` receives the sheet image when given.

    Calls with different ``project`` names add up (leads are replaced only by a call that makes leads).
    ``missed_every=n`` leaves every n-th symbol on the sheet undetected, for "find more like this" to find.
    """
    rng = random.Random(seed)
    clear_demo_activity(conn, organization_id, project, leads=leads > 0)
    catalog = conn.execute(
        "select id, version from price_catalogs where organization_id = %s "
        "order by is_active desc, version desc limit 1",
        (organization_id,),
    ).fetchone()
    if catalog is None:
        raise LookupError("the organization has no price catalog; run `pipelineos db migrate` and seed it first")
    catalog_id, catalog_version = (catalog["id"], catalog["version"]) if isinstance(catalog, dict) else catalog
    layout = _layout(rng, detections_per_blueprint)
    image_sha = storage.put_bytes(sheet_png(layout)).sha256 if storage else hashlib.sha256(b"missing").hexdigest()
    bp_ids = [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(blueprints)]
    created = [anchor - dt.timedelta(days=rng.uniform(0, 365)) for _ in bp_ids]
    n_det = n_dec = n_bids = 0
    with conn.cursor() as cur:
        with cur.copy(
            "copy blueprints (id, organization_id, project_name, original_name, content_type, size_bytes,"
            " sha256, status, page_count, customer_name, created_at, updated_at, completed_at) "
            "from stdin"
        ) as copy:
            for i, (bid, at) in enumerate(zip(bp_ids, created, strict=True)):
                copy.write_row(
                    (
                        bid,
                        organization_id,
                        project,
                        f"plan-set-{i + 1:04d}.pdf",
                        "application/pdf",
                        250_000 + i,
                        hashlib.sha256(bid.encode()).hexdigest(),
                        "completed",
                        1,
                        f"Customer {i % 37 + 1}",
                        at,
                        at,
                        at + dt.timedelta(minutes=3),
                    )
                )
        with cur.copy(
            "copy blueprint_pages (organization_id, blueprint_id, page_index, width_pt, height_pt, "
            "render_dpi, image_sha256, is_vector, sheet_number, sheet_title) from stdin"
        ) as copy:
            for bid in bp_ids:
                copy.write_row((organization_id, bid, 0, *SHEET_PT, 100, image_sha, True, "P-101", "Plumbing plan"))
        det_rows = []
        with cur.copy(
            "copy fixture_detections (id, organization_id, blueprint_id, page_index, fixture_class, "
            "x0, y0, x1, y1, confidence, method, detector_version) from stdin"
        ) as copy:
            for bid in bp_ids:
                for k, (cls, box, conf) in enumerate(layout):
                    if missed_every and k % missed_every == missed_every - 1:
                        continue  # drawn on the sheet but not detected: a miss for review to find
                    det_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{bid}|{k}"))
                    copy.write_row((det_id, organization_id, bid, 0, cls, *box, conf, "vector_tag", DETECTOR_VERSION))
                    det_rows.append((bid, det_id, cls, conf))
                    n_det += 1
        reviewed = set(bp_ids[:reviewed_blueprints])
        with cur.copy(
            "copy review_decisions (organization_id, blueprint_id, detection_id, action, fixture_class, "
            "page_index, x0, y0, x1, y1, reason, created_at) from stdin"
        ) as copy:
            for bid, det_id, cls, conf in det_rows:
                if bid not in reviewed:
                    continue
                roll = rng.random() + (0.25 if conf < 0.6 else 0.0)
                action = "accept" if roll < 0.8 else "reject" if roll < 1.0 else "relabel"
                new_cls = rng.choice([c for c in FIXTURE_CLASSES if c != cls]) if action == "relabel" else None
                copy.write_row(
                    (
                        organization_id,
                        bid,
                        det_id,
                        action,
                        new_cls,
                        None,
                        None,
                        None,
                        None,
                        None,
                        "demo review",
                        anchor,
                    )
                )
                n_dec += 1
            for bid in sorted(reviewed):
                copy.write_row(
                    (
                        organization_id,
                        bid,
                        None,
                        "add",
                        "floor_drain",
                        0,
                        0.9,
                        0.9,
                        0.93,
                        0.94,
                        "demo missed fixture",
                        anchor,
                    )
                )
                n_dec += 1
        with cur.copy(
            "copy bids (organization_id, blueprint_id, catalog_id, catalog_version, customer_name, status,"
            " material_cost, labor_hours, labor_cost, overhead, markup, contingency, tax, total, "
            "created_at, sent_at, accepted_at, declined_at, priced_at) from stdin"
        ) as copy:
            for i, (bid, at) in enumerate(zip(bp_ids, created, strict=True)):
                status = rng.choices(["accepted", "declined", "sent", "draft", "expired"], [30, 35, 15, 10, 10])[0]
                material = round(rng.uniform(3000, 40000), 2)
                hours = round(material / 180, 2)
                labor = round(hours * 95, 2)
                direct = material + labor
                overhead, markup = round(direct * 0.10, 2), round(direct * 1.10 * 0.15, 2)
                contingency = round((direct + overhead + markup) * 0.03, 2)
                tax = round(material * 0.0825, 2)
                total = round(direct + overhead + markup + contingency + tax, 2)
                sent = at + dt.timedelta(hours=rng.uniform(2, 96)) if status != "draft" else None
                decided = sent + dt.timedelta(days=rng.uniform(1, 20)) if sent else None
                copy.write_row(
                    (
                        organization_id,
                        bid,
                        catalog_id,
                        catalog_version,
                        f"Customer {i % 37 + 1}",
                        status,
                        material,
                        hours,
                        labor,
                        overhead,
                        markup,
                        contingency,
                        tax,
                        total,
                        at,
                        sent,
                        decided if status == "accepted" else None,
                        decided if status == "declined" else None,
                        at,
                    )
                )
                n_bids += 1
        with cur.copy(
            "copy leads (organization_id, name, email, message, source, status, created_at, "
            "first_response_at, status_changed_at, updated_at) from stdin"
        ) as copy:
            for i in range(leads):
                at = anchor - dt.timedelta(days=rng.uniform(0, 365))
                status = rng.choices(["new", "contacted", "bid_sent", "won", "lost"], [15, 25, 25, 20, 15])[0]
                answered = (
                    at + dt.timedelta(seconds=rng.uniform(5, 7200)) if status != "new" or rng.random() < 0.5 else None
                )
                copy.write_row(
                    (
                        organization_id,
                        f"Lead {i + 1}",
                        f"lead{i + 1}@example.com",
                        "Need a quote for a 2-bath remodel.",
                        DEMO_LEAD_SOURCE,
                        status,
                        at,
                        answered,
                        at,
                        at,
                    )
                )
    return DemoSummary(bp_ids, n_det, n_dec, n_bids, leads, image_sha if storage else None)
