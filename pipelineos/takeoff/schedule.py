"""Plumbing fixture schedule parsing from page words, fixture-type vocabulary, and count reconciliation."""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from pipelineos.takeoff.models import Detection, ScheduleRow
from pipelineos.takeoff.pdfpage import Word

Box = tuple[float, float, float, float]
CLASS_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("WATER CLOSET", "water_closet"),
    ("TOILET", "water_closet"),
    ("COMMODE", "water_closet"),
    ("W.C.", "water_closet"),
    ("URINAL", "urinal"),
    ("LAVATORY", "lavatory"),
    ("WASH BASIN", "lavatory"),
    ("LAV.", "lavatory"),
    ("LAV", "lavatory"),
    ("KITCHEN SINK", "kitchen_sink"),
    ("BAR SINK", "kitchen_sink"),
    ("SERVICE SINK", "service_sink"),
    ("MOP", "service_sink"),
    ("JANITOR", "service_sink"),
    ("BATHTUB", "bathtub"),
    ("BATH TUB", "bathtub"),
    ("TUB", "bathtub"),
    ("SHOWER", "shower"),
    ("FLOOR DRAIN", "floor_drain"),
    ("FLOOR SINK", "floor_drain"),
    ("DRINKING FOUNTAIN", "drinking_fountain"),
    ("WATER COOLER", "drinking_fountain"),
    ("BOTTLE FILLER", "drinking_fountain"),
    ("WATER HEATER", "water_heater"),
    ("HOSE BIBB", "hose_bibb"),
    ("HOSE BIB", "hose_bibb"),
    ("WALL HYDRANT", "hose_bibb"),
    ("WASHER BOX", "clothes_washer"),
    ("CLOTHES WASHER", "clothes_washer"),
    ("WASHING MACHINE", "clothes_washer"),
    ("LAUNDRY BOX", "clothes_washer"),
    ("DISHWASHER", "dishwasher"),
)
GENERIC_KEYWORDS: tuple[tuple[str, str], ...] = (("SINK", "kitchen_sink"),)
"""Names so general they decide only when nothing more specific (or nearly spelt so) is there."""
OCR_DIGITS = str.maketrans("0158", "OISB")
"""Digits OCR reads for the letters they resemble, inside a word."""
VOCABULARY = frozenset(w for keyword, _ in CLASS_KEYWORDS for w in keyword.split() if len(w) >= 5)
DEFAULT_PREFIXES: dict[str, str] = {
    "WC": "water_closet",
    "UR": "urinal",
    "U": "urinal",
    "LAV": "lavatory",
    "L": "lavatory",
    "S": "kitchen_sink",
    "SK": "kitchen_sink",
    "KS": "kitchen_sink",
    "MS": "service_sink",
    "SS": "service_sink",
    "MB": "service_sink",
    "JS": "service_sink",
    "TUB": "bathtub",
    "BT": "bathtub",
    "SH": "shower",
    "SHR": "shower",
    "FD": "floor_drain",
    "FS": "floor_drain",
    "DF": "drinking_fountain",
    "EWC": "drinking_fountain",
    "WF": "drinking_fountain",
    "EDF": "drinking_fountain",
    "BF": "drinking_fountain",
    "WH": "water_heater",
    "EWH": "water_heater",
    "GWH": "water_heater",
    "HWH": "water_heater",
    "IWH": "water_heater",
    "HB": "hose_bibb",
    "WHY": "hose_bibb",
    "HYD": "hose_bibb",
    "CW": "clothes_washer",
    "WB": "clothes_washer",
    "DW": "dishwasher",
}
TAG_RE = re.compile(r"^([A-Z]{1,4})-?(\d{1,3}[A-Z]?)$")
HEADER_TAG = ("TAG", "MARK", "SYMBOL", "ITEM", "TYPE")
HEADER_COLUMNS = {
    "fixture": ("FIXTURE", "DESCRIPTION"),
    "manufacturer": ("MANUFACTURER", "MFR", "MFG", "MAKE"),
    "model": ("MODEL", "CATALOG"),
    "qty": ("QTY", "QUANTITY", "COUNT"),
}


@lru_cache(maxsize=8192)
def class_from_text(text: str) -> str | None:
    """The fixture class a description names (WATER CLOSET → water_closet), or None.

    A word of five letters or more one letter away from a fixture word is read as that word (OCR reads
    ``SEAVICE SINK``, ``LAVAT0RY``), before the bare ``SINK`` is taken for a kitchen sink.
    """
    upper = f" {text.upper()} "
    return _named(upper, CLASS_KEYWORDS) or _named(_spelt(upper), CLASS_KEYWORDS + GENERIC_KEYWORDS)


def _named(upper: str, keywords: tuple[tuple[str, str], ...]) -> str | None:
    """The class of the first keyword ``upper`` names; the words of a keyword may be parted by any marks, not
    only spaces (a speck between two words of a scanned legend label is read as ``FLOOR-DRAIN``)."""
    for keyword, cls in keywords:
        words = r"[^A-Z0-9]+".join(re.escape(word) for word in keyword.split(" "))
        if re.search(rf"(?<![A-Z0-9]){words}(?![A-Z0-9])", upper):
            return cls
    return None


def _spelt(upper: str) -> str:
    """``upper`` with each long word nearly spelt like one fixture word (one letter off) replaced by it."""
    words = []
    for word in upper.split():
        letters = word.translate(OCR_DIGITS) if any(c.isalpha() for c in word) else word
        near = [] if letters in VOCABULARY or len(letters) < 5 else [v for v in VOCABULARY if _one_off(letters, v)]
        words.append(near[0] if len(near) == 1 else letters)
    return f" {' '.join(words)} "


def _one_off(a: str, b: str) -> bool:
    """Whether ``a`` becomes ``b`` by changing, inserting or deleting one letter."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def normalize_tag(text: str) -> str | None:
    """Canonical tag spelling (``WC1`` → ``WC-1``) or None when the text is not tag-shaped."""
    match = TAG_RE.match(text.strip().upper().rstrip(".,;"))
    return f"{match.group(1)}-{match.group(2)}" if match else None


def _rows(words: list[Word], tolerance: float) -> list[list[Word]]:
    rows: list[list[Word]] = []
    for word in sorted(words, key=lambda w: ((w[1] + w[3]) / 2, w[0])):
        cy = (word[1] + word[3]) / 2
        if rows and abs((rows[-1][0][1] + rows[-1][0][3]) / 2 - cy) <= tolerance:
            rows[-1].append(word)
        else:
            rows.append([word])
    return [sorted(r, key=lambda w: w[0]) for r in rows]


def _header_columns(row: list[Word]) -> dict[str, float] | None:
    columns: dict[str, float] = {}
    for word in row:
        upper = word[4].upper().strip(":.")
        if upper in HEADER_TAG and "tag" not in columns:
            columns["tag"] = word[0]
        for name, keys in HEADER_COLUMNS.items():
            if upper in keys and name not in columns:
                columns[name] = word[0]
    return columns if "tag" in columns and "fixture" in columns else None


def parse_schedule(words: list[Word]) -> tuple[list[ScheduleRow], list[Box]]:
    """Rows of every plumbing fixture schedule on the page and the schedules' boxes (points)."""
    rows = _rows(words, 2.5)
    parsed: list[ScheduleRow] = []
    boxes: list[Box] = []
    for row in rows:
        columns = _header_columns(row)
        if columns is None:
            continue
        order = sorted(columns.items(), key=lambda kv: kv[1])
        left = min(columns.values()) - 4
        right = max(w[2] for w in row) + 40
        top, bottom = min(w[1] for w in row), max(w[3] for w in row)
        height = bottom - top
        last_y = bottom
        below = [w for w in words if left <= w[0] <= right and w[1] > bottom - 1]
        for inside in _rows(below, 2.5):
            if inside[0][1] - last_y > 3 * height + 6:
                break
            cells: dict[str, list[str]] = {}
            for word in inside:
                name = order[0][0]
                for col, x in order:
                    if word[0] >= x - 3:
                        name = col
                cells.setdefault(name, []).append(word[4])
            tag = normalize_tag(" ".join(cells.get("tag", [])))
            if tag is None:
                break
            fixture = " ".join(cells.get("fixture", []))
            qty_text = "".join(cells.get("qty", []))
            parsed.append(
                ScheduleRow(
                    tag=tag,
                    fixture_class=class_from_text(fixture),
                    description=fixture,
                    manufacturer=" ".join(cells.get("manufacturer", [])),
                    model=" ".join(cells.get("model", [])),
                    quantity=int(qty_text) if qty_text.isdigit() else None,
                )
            )
            last_y = max(w[3] for w in inside)
        boxes.append((left - 4, top - 20, right, last_y + 4))
    return parsed, boxes


def tag_class(tag: str, schedule: list[ScheduleRow]) -> str | None:
    """Fixture class of a tag: from the schedule when it lists the tag, else from the default prefix map."""
    for row in schedule:
        if row.tag == tag and row.fixture_class:
            return row.fixture_class
    if schedule and tag.startswith("P-"):
        return None
    return DEFAULT_PREFIXES.get(tag.split("-")[0])


def reconcile(schedule: list[ScheduleRow], fixtures: list[Detection]) -> list[str]:
    """Differences between the schedule's quantities and what was counted, one sentence each."""
    notes: list[str] = []
    tags = Counter(d.tag for d in fixtures if d.tag)
    classes = Counter(d.fixture_class for d in fixtures)
    listed = {row.tag for row in schedule}
    for tag in sorted(set(tags) - listed):
        if schedule:
            notes.append(f"{tag}: tagged {tags[tag]} time(s) on the plan but not in the fixture schedule")
    by_class: Counter[str] = Counter()
    all_tagged = {row.fixture_class for row in schedule if row.quantity is not None}
    for row in schedule:
        if row.quantity is None:
            continue
        if row.fixture_class:
            by_class[row.fixture_class] += row.quantity
        if tags[row.tag] != row.quantity and tags[row.tag] > 0:
            notes.append(f"{row.tag}: schedule lists {row.quantity}, {tags[row.tag]} tag(s) counted on the plan")
    for cls in sorted(c for c in all_tagged if c):
        if classes[cls] != by_class[cls]:
            notes.append(f"{cls}: schedule total {by_class[cls]}, takeoff counted {classes[cls]}")
    return notes
