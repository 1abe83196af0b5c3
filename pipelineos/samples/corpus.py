"""The takeoff benchmark corpus: hard on purpose, built deterministically from the generator.

Groups:
* ``vector`` – vector sheets in every style and office convention (solid or double-line walls, fixtures flush
  with the wall, tags on leader lines), at 1/8"–1/2" per foot, some dense (100+ fixtures), some with only part
  of the fixtures tagged or none at all (then only symbol search can find them);
* ``scan`` – sheets rasterized as scans (150–300 DPI, noise, blur, 1-bit, ±2° skew, JPEG), with one user
  exemplar crop per class cut from the scan itself;
* ``zero_shot`` – scans with no exemplar and no readable text, in the styles the built-in library knows;
* ``held_out`` – the same, in styles the library has never seen (``HELD_OUT_STYLES``).
"""

from __future__ import annotations

import hashlib
import json
import random
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image

from pipelineos.samples.generator import SheetOptions, generate_sheet
from pipelineos.samples.plan import Conventions
from pipelineos.samples.scan import ScanOptions, random_scan, scan_sheet
from pipelineos.samples.symbols import HELD_OUT_STYLES, LIBRARY_STYLES, STYLES

SIZES = {"tiny": (2, 1, 1, 1), "small": (5, 5, 3, 2), "full": (30, 15, 12, 10)}
"""Sheets per group (vector, scan, zero_shot, held_out) for each corpus size."""
MANIFEST = "corpus.json"
"""Written beside a built corpus: what was built, from which generator, so the next run can reuse it."""


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


CONVENTIONS: tuple[Conventions, ...] = (
    Conventions(),
    Conventions(walls="double"),
    Conventions(flush=True, leaders=True),
    Conventions(walls="double", flush=True, leaders=True),
)
SCALES = (0.125, 0.1875, 0.25, 0.375, 0.5)


@dataclass(frozen=True)
class _Job:
    """Everything needed to draw (and scan) one corpus sheet, so sheets can be built in parallel."""

    out_dir: Path
    group: str
    index: int
    style: str
    seed: int
    options: SheetOptions
    scan: ScanOptions | None = None


def _build(job: _Job) -> CorpusItem:
    """Draw one sheet (and scan it, and cut its exemplars, as its group needs)."""
    if job.scan is None:
        pdf = generate_sheet(
            job.out_dir / job.group / f"V-{job.index + 1:03d}.pdf",
            sheet=f"P-{101 + job.index}",
            seed=job.seed,
            options=job.options,
        )
        return CorpusItem(pdf, truth_path(pdf), job.group, job.style)
    base = generate_sheet(
        job.out_dir / job.group / "src" / f"S-{job.index + 1:03d}.pdf",
        sheet=f"P-{201 + job.index}",
        seed=job.seed,
        options=job.options,
    )
    scan = scan_sheet(base, job.out_dir / job.group / f"{job.group}-{job.index + 1:03d}", job.scan, seed=job.index)
    exemplars = crop_exemplars(scan, job.out_dir / job.group / "exemplars") if job.group == "scan" else {}
    return CorpusItem(scan, truth_path(scan), job.group, job.style, exemplars)


def _jobs(out_dir: Path, size: str, seed: int) -> list[_Job]:
    n_vector, n_scan, n_zero, n_held = SIZES[size]
    rng = random.Random(seed)
    jobs = []
    for i in range(n_vector):
        style = STYLES[i % len(STYLES)]
        dense = i % 4 == 3
        opts = SheetOptions(
            style=style,
            scale=None if dense else SCALES[i % len(SCALES)],
            dense=dense,
            tag_ratio=[1.0, 0.6, 0.0][i % 3],
            conventions=CONVENTIONS[(i // 2) % len(CONVENTIONS)],
        )
        jobs.append(_Job(out_dir, "vector", i, style, seed + i, opts))
    scanned = (
        ("scan", n_scan, STYLES, seed * 31),
        ("zero_shot", n_zero, LIBRARY_STYLES, seed * 53),
        ("held_out", n_held, HELD_OUT_STYLES, seed * 53 + 500),
    )
    for group, count, styles, base_seed in scanned:
        for i in range(count):
            style = styles[i % len(styles)]
            opts = SheetOptions(
                style=style,
                scale=SCALES[(i + 1) % len(SCALES)],
                dense=i % 4 == 3,
                conventions=CONVENTIONS[(i + 1) % len(CONVENTIONS)],
            )
            jobs.append(_Job(out_dir, group, i, style, base_seed + i, opts, random_scan(rng)))
    return jobs


def _fingerprint(size: str, seed: int) -> str:
    """What a corpus depends on: its size, its seed and the generator's source code."""
    digest = hashlib.sha256(f"{size}:{seed}".encode())
    for source in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(source.read_bytes())
    return digest.hexdigest()


def _reusable(out_dir: Path, fingerprint: str) -> list[CorpusItem] | None:
    """The corpus already built under ``out_dir`` by the same generator, size and seed, with every file there."""
    try:
        manifest = json.loads((out_dir / MANIFEST).read_text())
    except (OSError, ValueError):
        return None
    if manifest.get("fingerprint") != fingerprint:
        return None
    items = [
        CorpusItem(
            Path(i["path"]),
            Path(i["truth"]),
            i["group"],
            i["style"],
            {cls: [Path(p) for p in paths] for cls, paths in i["exemplars"].items()},
        )
        for i in manifest["items"]
    ]
    files = [p for i in items for p in (i.path, i.truth, *(e for es in i.exemplars.values() for e in es))]
    return items if all(p.exists() for p in files) else None


def build_corpus(
    out_dir: Path, *, size: str = "small", seed: int = 7, workers: int = 1, reuse: bool = True
) -> list[CorpusItem]:
    """Generate the benchmark corpus under ``out_dir`` (deterministic for a seed), on ``workers`` processes.

    With ``reuse``, a corpus that the same generator code already built there for the same size and seed is
    taken as it is (see MANIFEST).
    """
    fingerprint = _fingerprint(size, seed)
    if reuse and (built := _reusable(out_dir, fingerprint)) is not None:
        return built
    jobs = _jobs(out_dir, size, seed)
    if workers <= 1:
        items = [_build(job) for job in jobs]
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            items = list(pool.map(_build, jobs))
    manifest = {
        "fingerprint": fingerprint,
        "size": size,
        "seed": seed,
        "items": [
            {
                "path": str(i.path),
                "truth": str(i.truth),
                "group": i.group,
                "style": i.style,
                "exemplars": {cls: [str(p) for p in paths] for cls, paths in i.exemplars.items()},
            }
            for i in items
        ],
    }
    (out_dir / MANIFEST).write_text(json.dumps(manifest, indent=1))
    return items
