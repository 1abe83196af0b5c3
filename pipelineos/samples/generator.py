"""Synthetic plumbing plan sets: 36×24 in vector PDFs with ground truth, deterministic per seed.

``generate_plan_set(dir, sheets=2, seed=0)`` is the demo set (P-101, P-102). Every sheet comes with
``<name>.truth.json``: the installed fixtures (normalized boxes), the schedule and the reference symbols
(legend and detail) that a takeoff must not count.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

import pymupdf

from pipelineos.samples.plan import Conventions, PlanDrawer
from pipelineos.samples.sheet import (
    COLUMN_X,
    LABELS,
    MARGIN,
    PAGE_H,
    PAGE_W,
    TitleBlock,
    draw_detail,
    draw_frame,
    draw_legend,
    draw_schedule,
    draw_title_block,
)
from pipelineos.samples.symbols import STYLES

SEED_STYLES = STYLES[:3]
"""Styles a sheet is drawn in when none is given (kept to the first three, so a seed keeps its sheet)."""
SCALES: dict[float, str] = {
    0.125: '1/8" = 1\'-0"',
    0.1875: '3/16" = 1\'-0"',
    0.25: '1/4" = 1\'-0"',
    0.375: '3/8" = 1\'-0"',
    0.5: '1/2" = 1\'-0"',
}
TYPE_PREFIXES: dict[str, tuple[str, ...]] = {
    "water_closet": ("WC",),
    "urinal": ("UR",),
    "lavatory": ("LAV", "L"),
    "kitchen_sink": ("SK", "S"),
    "service_sink": ("MS",),
    "bathtub": ("TUB",),
    "shower": ("SH",),
    "floor_drain": ("FD",),
    "drinking_fountain": ("DF", "EWC"),
    "water_heater": ("WH",),
    "hose_bibb": ("HB",),
    "clothes_washer": ("CW",),
    "dishwasher": ("DW",),
}
PRODUCTS: dict[str, tuple[str, str]] = {
    "water_closet": ("AMERICAN STANDARD", "AFWALL 3351.101"),
    "urinal": ("SLOAN", "WEUS-1000.1201"),
    "lavatory": ("KOHLER", "K-2196-4"),
    "kitchen_sink": ("ELKAY", "LRAD3322"),
    "service_sink": ("FIAT", "MSB-2424"),
    "bathtub": ("KOHLER", "K-837"),
    "shower": ("ASWT", "MS-3636"),
    "floor_drain": ("ZURN", "ZN415-5B"),
    "drinking_fountain": ("ELKAY", "LZSTL8WSLK"),
    "water_heater": ("A.O. SMITH", "EE12-50H55DV"),
    "hose_bibb": ("WOODFORD", "MODEL 24"),
    "clothes_washer": ("GUY GRAY", "WB200"),
    "dishwasher": ("BY OWNER", "-"),
}
PROJECTS = (
    "RIVERSIDE COMMONS MEDICAL OFFICE",
    "HARBOR POINT MIXED USE",
    "MAPLE GROVE ELEMENTARY ADDITION",
    "CEDAR STREET APARTMENTS",
    "NORTHGATE FITNESS CENTER",
)
ARCHITECTS = (
    (
        "Jane Q. Morales, AIA",
        "MORALES + PARTNERS ARCHITECTS",
        "(555) 201-4417",
        "jmorales@moralespartners.example",
    ),
    ("Robert K. Lindqvist, AIA", "LINDQVIST DESIGN STUDIO", "(555) 338-9021", "rob@lindqvist-studio.example"),
    ("Priya N. Raman, RA", "RAMAN ARCHITECTURE GROUP", "(555) 764-1180", "praman@ramanarch.example"),
)


@dataclass(frozen=True)
class SheetOptions:
    """Knobs of one generated sheet; ``None`` fields are drawn from the seed (conventions: the defaults)."""

    style: str | None = None
    scale: float | None = None
    dense: bool = False
    tag_ratio: float | None = None
    tag_scheme: str | None = None
    conventions: Conventions | None = None


class Tagger:
    """Assigns fixture types (WC-1, WC-2, P-3 …) and decides which fixtures carry a written tag."""

    def __init__(self, rng: random.Random, scheme: str, ratio: float) -> None:
        self.rng, self.scheme, self.ratio = rng, scheme, ratio
        self.prefix = {cls: rng.choice(p) for cls, p in TYPE_PREFIXES.items()}
        self.types: dict[str, list[str]] = {}
        self.used: Counter[str] = Counter()
        self.last: str | None = None

    def tag_for(self, cls: str) -> str:
        """The type tag of a new fixture of this class (and remember it for the schedule)."""
        if cls not in self.types:
            variants = 2 if cls in ("water_closet", "lavatory") and self.rng.random() < 0.5 else 1
            if self.scheme == "p":
                start = sum(len(v) for v in self.types.values()) + 1
                self.types[cls] = [f"P-{start + i}" for i in range(variants)]
            else:
                self.types[cls] = [f"{self.prefix[cls]}-{i + 1}" for i in range(variants)]
        tag = self.rng.choice(self.types[cls])
        self.used[tag] += 1
        return tag


def _title_block(rng: random.Random, sheet: str, level: int, scale: float) -> TitleBlock:
    architect, firm, phone, email = rng.choice(ARCHITECTS)
    return TitleBlock(
        sheet=sheet,
        title=f"PLUMBING FLOOR PLAN - LEVEL {level}",
        project=rng.choice(PROJECTS),
        architect=architect,
        firm=firm,
        phone=phone,
        email=email,
        address=f"{rng.randint(100, 9999)} MARKET STREET, SPRINGFIELD, OR 97477",
        scale_text=SCALES[scale],
    )


def _norm(box: tuple) -> list[float]:
    x0, y0, x1, y1 = box
    return [round(x0 / PAGE_W, 6), round(y0 / PAGE_H, 6), round(x1 / PAGE_W, 6), round(y1 / PAGE_H, 6)]


def generate_sheet(
    out_path: Path,
    *,
    sheet: str = "P-101",
    level: int = 1,
    seed: int = 0,
    options: SheetOptions | None = None,
) -> Path:
    """Write one plumbing floor plan PDF and its ``.truth.json``; returns the PDF path."""
    opts = options or SheetOptions()
    rng = random.Random(f"{seed}:{sheet}")
    style = opts.style or rng.choice(SEED_STYLES)
    scales = [0.125, 0.1875] if opts.dense else list(SCALES)
    scale = opts.scale or rng.choice(scales)
    scheme = opts.tag_scheme or rng.choice(["type", "type", "p"])
    ratio = 1.0 if opts.tag_ratio is None else opts.tag_ratio
    tagger = Tagger(rng, scheme, ratio)
    doc = pymupdf.open()
    page = doc.new_page(width=PAGE_W, height=PAGE_H)
    draw_frame(page)
    drawer = PlanDrawer(page, rng, style, scale * 6.0, tagger, opts.conventions)
    result = drawer.draw((MARGIN + 36, MARGIN + 36, COLUMN_X - 36, PAGE_H - MARGIN - 36), opts.dense)
    classes = sorted({f.fixture_class for f in result.fixtures}, key=list(LABELS).index)
    rows = []
    for cls in classes:
        for tag in tagger.types[cls]:
            maker, model = PRODUCTS[cls]
            rows.append((tag, LABELS[cls], maker, model, tagger.used[tag]))
    bottom = draw_schedule(page, MARGIN + 12, rows)
    bottom, legend_refs = draw_legend(page, bottom + 16, classes, style, drawer.line_width)
    references = [{"class": cls, "bbox": _norm(box), "where": "legend"} for cls, box in legend_refs]
    if bottom + 190 < PAGE_H - MARGIN - 260:
        detail_class = rng.choice(classes)
        _, box = draw_detail(page, bottom + 16, detail_class, style, drawer.line_width)
        references.append({"class": detail_class, "bbox": _norm(box), "where": "detail"})
    block = _title_block(rng, sheet, level, scale)
    draw_title_block(page, block)
    doc.set_metadata({"title": f"{sheet} {block.title}", "creator": "PipelineOS sample generator"})
    out_path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(out_path, deflate=True, garbage=3)
    doc.close()
    truth = {
        "sheet": sheet,
        "title": block.title,
        "discipline": "plumbing",
        "kind": "plan",
        "page_size_pt": [PAGE_W, PAGE_H],
        "style": style,
        "scale_in_per_ft": scale,
        "tag_scheme": scheme,
        "conventions": asdict(opts.conventions or Conventions()),
        "project": block.project,
        "architect": block.architect,
        "firm": block.firm,
        "fixtures": [
            {
                "class": f.fixture_class,
                "bbox": _norm(f.bbox),
                "tag": f.tag,
                "tagged": f.tagged,
                "rotation": f.rotation,
                "mirror": f.mirror,
            }
            for f in result.fixtures
        ],
        "schedule": [{"tag": t, "fixture": d, "manufacturer": m, "model": mo, "qty": q} for t, d, m, mo, q in rows],
        "references": references,
        "distractors": [_norm(b) for b in result.distractors],
    }
    out_path.with_suffix(".truth.json").write_text(json.dumps(truth, indent=1))
    return out_path


def generate_plan_set(
    out_dir: Path,
    *,
    sheets: int = 2,
    seed: int = 0,
    style: str | None = None,
    dense: bool = False,
    scale: float | None = None,
    tag_ratio: float | None = None,
    prefix: str = "P",
) -> list[Path]:
    """Write ``sheets`` plan PDFs (P-101, P-102 …) with truth JSON into ``out_dir``; returns the PDFs."""
    out_dir.mkdir(parents=True, exist_ok=True)
    options = SheetOptions(style=style, scale=scale, dense=dense, tag_ratio=tag_ratio)
    paths = []
    for i in range(sheets):
        number = f"{prefix}-{101 + i}"
        paths.append(generate_sheet(out_dir / f"{number}.pdf", sheet=number, level=i + 1, seed=seed, options=options))
    return paths
