"""Sheet index: sheet number, title, discipline and kind of each page, read from its title block.

A quick pass over the vector words stored with each page. The takeoff engine's own classification, when it
reports one, overrides these values when detections are written.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import psycopg

from pipelineos.blueprints.processing import repository as repo
from pipelineos.storage import Storage

SHEET_NUMBER = re.compile(r"^(?P<prefix>[A-Z]{1,2})-?(?P<num>\d{1,3}(?:\.\d{1,2})?)$")
DISCIPLINES = {
    "P": "plumbing",
    "PL": "plumbing",
    "M": "mechanical",
    "A": "architectural",
    "E": "electrical",
    "S": "structural",
    "C": "civil",
    "FP": "fire_protection",
    "MP": "plumbing",
    "G": "general",
}
KIND_WORDS = (
    ("schedule", "schedule"),
    ("riser", "riser"),
    ("isometric", "riser"),
    ("detail", "detail"),
    ("legend", "detail"),
)
TITLE_WORDS = ("PLAN", "SCHEDULE", "RISER", "ISOMETRIC", "DETAILS", "DETAIL", "LEGEND", "FLOOR", "LEVEL")


@dataclass(frozen=True)
class SheetInfo:
    page_index: int
    sheet_number: str | None
    sheet_title: str | None
    discipline: str | None
    sheet_kind: str | None


def classify_words(page_index: int, words: list[list[Any]], width: float, height: float) -> SheetInfo:
    """Pick the sheet number nearest the bottom-right corner (the title block) and a title line."""
    candidates = []
    for _x0, _y0, x1, y1, text in words:
        match = SHEET_NUMBER.match(str(text).strip().upper())
        if match and match.group("prefix") in DISCIPLINES:
            candidates.append(((x1 / max(width, 1)) + (y1 / max(height, 1)), str(text).strip().upper(), match))
    if not candidates:
        return SheetInfo(page_index, None, None, None, None)
    _, number, match = max(candidates, key=lambda c: c[0])
    discipline = DISCIPLINES[match.group("prefix")]
    lines: dict[float, list[tuple[float, str]]] = {}
    for x0, y0, _x1, _y1, text in words:
        lines.setdefault(round(y0 / 4), []).append((x0, str(text)))
    title = None
    for _, line in sorted(lines.items(), key=lambda item: -item[0]):
        joined = " ".join(t for _, t in sorted(line))
        if any(w in joined.upper().split() for w in TITLE_WORDS):
            title = joined[:120]
            break
    lowered = (title or "").lower()
    kind = next((k for word, k in KIND_WORDS if word in lowered), "plan")
    return SheetInfo(page_index, number, title, discipline, kind)


def index_sheets(conn: psycopg.Connection, storage: Storage, blueprint_id: str) -> list[SheetInfo]:
    """Classify every page of the blueprint from its stored words and record the result on its row."""
    infos = []
    with conn.transaction():
        repo.require(conn, blueprint_id)
        for page in repo.rows(conn, "pages_of", blueprint_id=blueprint_id):
            info = SheetInfo(page["page_index"], None, None, None, None)
            if page["text_sha256"]:
                data = json.loads(storage.read_bytes(page["text_sha256"].strip()))
                info = classify_words(page["page_index"], data["words"], data["width_pt"], data["height_pt"])
            repo.rows(
                conn,
                "update_sheet",
                blueprint_id=blueprint_id,
                page_index=info.page_index,
                sheet_number=info.sheet_number,
                sheet_title=info.sheet_title,
                discipline=info.discipline,
                sheet_kind=info.sheet_kind,
                error=None,
                notes=None,
            )
            infos.append(info)
    return infos
