"""The takeoff benchmark corpus: hard on purpose, built deterministically from the generator.

Groups:
* ``vector`` – vector sheets in every style, at 1/8"–1/2" per foot, some dense (100+ fixtures), some with only
  part of the fixtures tagged or none at all (then only symbol search can find them);
* ``scan`` – the same kind of sheets rasterized as scans (150–300 DPI, noise, blur, 1-bit, ±1° skew, JPEG),
  with
  one user exemplar crop per class cut from the scan itself;
* ``zero_shot`` – scans with no exemplar and no readable text: only the built-in library can find fixtures.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image

from pipelineos.samples.generator import SheetOptions, generate_sheet
from pipelineos.samples.scan import random_scan, scan_sheet
from pipelineos.samples.symbols import STYLES

SIZES = {"tiny": (2, 1, 1), "small": (6, 3, 3), "full": (24, 12, 12)}
"""Sheets per group (vector, scan, zero_shot) for each corpus size."""


@dataclass(frozen=True)
class CorpusItem:
    """One benchmark sheet: the drawing, its truth, its group and any user exemplars."""

    path: Path
    truth: Path
    group: str
    style: str
    exemplars: dict[str, list[Path]] = field(default_factory=dict)


def truth_path(path: Path) -> Path:
    """Where the ground truth of a generated drawing lives."""
    return path.parent / f"{path.stem}.truth.json"


def crop_exemplars(image_path: Path, out_dir: Path, pad: float = 0.15) -> dict[str, list[Path]]:
    """Cut one exemplar per class from a scanned sheet, like a user boxing a sample symbol."""
    truth = json.loads(truth_path(image_path).read_text())
    if image_path.suffix == ".pdf":
        import pymupdf

        doc = pymupdf.open(image_path)
        pix = doc[0].get_pixmap(dpi=200, colorspace=pymupdf.csGRAY)
        gray = np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.stride)[:, : pix.width].copy()
        doc.close()
    else:
        with Image.open(image_path) as image:
            gray = np.asarray(image.convert("L"))
    height, width = gray.shape
    out: dict[str, list[Path]] = {}
    out_dir.mkdir(parents=True, exist_ok=True)
    for item in truth["fixtures"]:
        cls = item["class"]
        if cls in out:
            continue
        x0, y0, x1, y1 = item["bbox"]
        px, py = (x1 - x0) * pad, (y1 - y0) * pad
        crop = gray[
            max(0, int((y0 - py) * height)) : int((y1 + py) * height) + 1,
            max(0, int((x0 - px) * width)) : int((x1 + px) * width) + 1,
        ]
        target = out_dir / f"{image_path.stem}-{cls}.png"
        Image.fromarray(crop).save(target)
        out[cls] = [target]
    return out


def build_corpus(out_dir: Path, *, size: str = "small", seed: int = 7) -> list[CorpusItem]:
    """Generate (or reuse) the benchmark corpus under ``out_dir``."""
    n_vector, n_scan, n_zero = SIZES[size]
    rng = random.Random(seed)
    items: list[CorpusItem] = []
    scales = [0.125, 0.1875, 0.25, 0.375, 0.5]
    for i in range(n_vector):
        style = STYLES[i % len(STYLES)]
        dense = i % 4 == 3
        opts = SheetOptions(
            style=style,
            scale=None if dense else scales[i % len(scales)],
            dense=dense,
            tag_ratio=[1.0, 0.6, 0.0][i % 3],
        )
        pdf = generate_sheet(
            out_dir / "vector" / f"V-{i + 1:03d}.pdf", sheet=f"P-{101 + i}", seed=seed + i, options=opts
        )
        items.append(CorpusItem(pdf, truth_path(pdf), "vector", style))
    for group, count in (("scan", n_scan), ("zero_shot", n_zero)):
        for i in range(count):
            style = STYLES[i % len(STYLES)]
            opts = SheetOptions(style=style, scale=scales[(i + 1) % len(scales)], dense=i % 4 == 3)
            base = generate_sheet(
                out_dir / group / "src" / f"S-{i + 1:03d}.pdf",
                sheet=f"P-{201 + i}",
                seed=seed * 31 + i,
                options=opts,
            )
            scan = scan_sheet(base, out_dir / group / f"{group}-{i + 1:03d}", random_scan(rng), seed=i)
            exemplars = crop_exemplars(scan, out_dir / group / "exemplars") if group == "scan" else {}
            items.append(CorpusItem(scan, truth_path(scan), group, style, exemplars))
    return items
