"""Takeoff throughput and memory on generated 36×24 in sheets; prints one JSON object.

    .venv/bin/python bench/bench_takeoff.py [--sheets 100] [--workers 2] [--out /tmp/bench-sheets] [--scanned]

With ``--scanned`` every sheet is also scanned at 150 DPI (noise, 0.5° skew, PNG) and detection runs on the
scans (OCR of the information strip included); rendering alone is still timed on the vector originals.

* ``render_only_sheets_per_s``: PyMuPDF rendering alone at 150 DPI (grayscale), one process;
* ``detect_sheets_per_s_1proc`` / ``detect_seconds_per_sheet``: full detection, one process (first 10 sheets);
  ``detect_cpu_seconds_per_sheet`` is the processor time of the same runs (what a sheet costs, whatever else
  loads the machine);
* ``detect_sheets_per_s_pool``: full detection over the whole set with ``--workers`` processes;
* ``peak_rss_mb_*``: peak resident memory of the parent and of the busiest worker, after 10 sheets and after
  all of them (flat memory means the two are close).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pymupdf

from pipelineos.samples.generator import SheetOptions, generate_sheet
from pipelineos.samples.scan import ScanOptions, scan_sheet
from pipelineos.takeoff.engine import analyze_document


def _sheets(out: Path, count: int) -> list[Path]:
    paths = []
    for i in range(count):
        path = out / f"B-{i + 1:03d}.pdf"
        if not path.exists():
            generate_sheet(path, sheet=f"P-{101 + i}", seed=1000 + i, options=SheetOptions(dense=i % 5 == 4))
        paths.append(path)
    return paths


def _scans(paths: list[Path]) -> list[Path]:
    scans = []
    for i, path in enumerate(paths):
        scan = path.with_name(f"{path.stem}-scan.png")
        if not scan.exists():
            options = ScanOptions(dpi=150, skew_deg=0.5, noise=5.0, fmt="png")
            scan = scan_sheet(path, path.with_name(f"{path.stem}-scan"), options, seed=i)
        scans.append(scan)
    return scans


def _render(path: Path) -> None:
    doc = pymupdf.open(path)
    doc[0].get_pixmap(dpi=150, colorspace=pymupdf.csGRAY, alpha=False)
    doc.close()


def _detect(path: str) -> tuple[int, int]:
    doc = analyze_document(Path(path))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    return sum(len(p.fixtures) for p in doc.pages), rss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sheets", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=Path("/tmp/pipelineos-bench-sheets"))
    parser.add_argument("--scanned", action="store_true", help="detect on 150 DPI scans of the sheets")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    originals = _sheets(args.out, args.sheets)
    paths = _scans(originals) if args.scanned else originals
    generated = time.perf_counter() - started
    sample = paths[: min(10, len(paths))]

    t0 = time.perf_counter()
    for path in originals[: len(sample)]:
        _render(path)
    render_s = (time.perf_counter() - t0) / len(sample)

    t0, cpu0 = time.perf_counter(), time.process_time()
    for path in sample:
        _detect(str(path))
    detect_s = (time.perf_counter() - t0) / len(sample)
    detect_cpu_s = (time.process_time() - cpu0) / len(sample)
    rss_after_sample = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024

    t0 = time.perf_counter()
    fixtures, worker_rss = 0, []
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        for found, rss in pool.map(_detect, [str(p) for p in paths], chunksize=1):
            fixtures += found
            worker_rss.append(rss)
    pool_s = time.perf_counter() - t0
    report = {
        "sheets": len(paths),
        "input": "scan (PNG, 150 DPI)" if args.scanned else "vector PDF",
        "sheet_size_in": [36, 24],
        "dpi": 150,
        "generate_seconds": round(generated, 1),
        "render_only_sheets_per_s": round(1 / render_s, 2),
        "detect_seconds_per_sheet": round(detect_s, 3),
        "detect_cpu_seconds_per_sheet": round(detect_cpu_s, 3),
        "detect_sheets_per_s_1proc": round(1 / detect_s, 3),
        "detect_sheets_per_s_pool": round(len(paths) / pool_s, 3),
        "workers": args.workers,
        "fixtures_found": fixtures,
        "peak_rss_mb_parent_after_10": rss_after_sample,
        "peak_rss_mb_parent_end": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        "peak_rss_mb_worker_after_10": max(worker_rss[: min(10, len(worker_rss))]),
        "peak_rss_mb_worker_end": max(worker_rss),
    }
    json.dump(report, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
