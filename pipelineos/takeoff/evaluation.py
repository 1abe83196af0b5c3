"""Score takeoffs against ground truth: P/R/F1 per class at IoU ≥ 0.5 and the share of exact-count sheets."""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from pipelineos.takeoff.fusion import iou
from pipelineos.takeoff.models import Detection
from pipelineos.takeoff.symbols.library import ZERO_SHOT_CLASSES

IOU_MIN = 0.5
NO_EXEMPLAR_GROUPS = ("zero_shot", "held_out")
"""Groups scored on the common fixtures only (the built-in library's classes)."""


@dataclass
class SheetScore:
    """Matches on one sheet."""

    name: str
    group: str
    style: str
    tp: Counter[str] = field(default_factory=Counter)
    fp: Counter[str] = field(default_factory=Counter)
    fn: Counter[str] = field(default_factory=Counter)
    exact: bool = False
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    """Processor time of the sheet's process: what the sheet costs, whatever else loads the machine."""
    error: str | None = None
    convention: str = ""
    """How the sheet was drawn (walls, flush fixtures, leaders), from its truth."""


def score_sheet(
    detections: list[Detection],
    truth: dict,
    classes: Iterable[str] | None = None,
    name: str = "",
    group: str = "",
    style: str = "",
) -> SheetScore:
    """Greedy one-to-one matching by confidence, same class and IoU ≥ 0.5."""
    keep = set(classes) if classes is not None else None
    dets = [d for d in detections if keep is None or d.fixture_class in keep]
    gold = [f for f in truth["fixtures"] if keep is None or f["class"] in keep]
    score = SheetScore(name, group, style)
    used: set[int] = set()
    for det in sorted(dets, key=lambda d: -d.confidence):
        best, best_iou = None, IOU_MIN
        for i, item in enumerate(gold):
            if i in used or item["class"] != det.fixture_class:
                continue
            overlap = iou(det.bbox, tuple(item["bbox"]))
            if overlap >= best_iou:
                best, best_iou = i, overlap
        if best is None:
            score.fp[det.fixture_class] += 1
        else:
            used.add(best)
            score.tp[det.fixture_class] += 1
    for i, item in enumerate(gold):
        if i not in used:
            score.fn[item["class"]] += 1
    score.exact = Counter(d.fixture_class for d in dets) == Counter(f["class"] for f in gold)
    return score


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f1, 4), "tp": tp, "fp": fp, "fn": fn}


def summarize(scores: list[SheetScore]) -> dict:
    """Micro P/R/F1 overall and per class, exact-count share and timing, for one group of sheets."""
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for s in scores:
        tp.update(s.tp)
        fp.update(s.fp)
        fn.update(s.fn)
    classes = sorted(set(tp) | set(fp) | set(fn))
    return {
        "sheets": len(scores),
        "overall": _prf(sum(tp.values()), sum(fp.values()), sum(fn.values())),
        "exact_count_share": round(sum(s.exact for s in scores) / len(scores), 4) if scores else 0.0,
        "seconds_per_sheet": round(sum(s.seconds for s in scores) / len(scores), 3) if scores else 0.0,
        "cpu_seconds_per_sheet": round(sum(s.cpu_seconds for s in scores) / len(scores), 3) if scores else 0.0,
        "errors": [s.error for s in scores if s.error],
        "per_class": {c: _prf(tp[c], fp[c], fn[c]) for c in classes},
    }


def convention_label(truth: dict) -> str:
    """``solid``, ``double+flush+leaders`` …: the drawing conventions a generated sheet was drawn with."""
    conventions = truth.get("conventions") or {}
    parts = [conventions.get("walls", "solid")]
    parts += [name for name in ("flush", "leaders") if conventions.get(name)]
    return "+".join(parts)


def _breakdown(scores: list[SheetScore], key: Callable[[SheetScore], str]) -> dict[str, dict[str, float]]:
    """Overall P/R/F1 per ``group/key`` value."""
    return {
        f"{g}/{k}": summarize([s for s in scores if s.group == g and key(s) == k])["overall"]
        for g in sorted({s.group for s in scores})
        for k in sorted({key(s) for s in scores if s.group == g})
    }


def _run_one(args: tuple[str, str, str, str, dict[str, list[str]]]) -> SheetScore:
    from pipelineos.takeoff.engine import analyze_document

    path, truth_file, group, style, exemplars = args
    truth = json.loads(Path(truth_file).read_text())
    started, cpu_started = time.perf_counter(), time.process_time()
    try:
        doc = analyze_document(Path(path), exemplars={k: [Path(p) for p in v] for k, v in exemplars.items()})
    except Exception as exc:
        failed = SheetScore(Path(path).name, group, style, error=f"{exc}")
        failed.fn.update(f["class"] for f in truth["fixtures"])
        return failed
    page = doc.pages[0]
    classes = ZERO_SHOT_CLASSES if group in NO_EXEMPLAR_GROUPS else None
    score = score_sheet(page.fixtures, truth, classes, Path(path).name, group, style)
    score.seconds = time.perf_counter() - started
    score.cpu_seconds = time.process_time() - cpu_started
    score.error = page.error
    score.convention = convention_label(truth)
    return score


def evaluate(items: list, *, workers: int = 2, progress: Callable[[int, int], None] | None = None) -> dict:
    """Run the engine over corpus items (``pipelineos.samples.corpus.CorpusItem``) and summarize by group."""
    jobs = [
        (
            str(i.path),
            str(i.truth),
            i.group,
            i.style,
            {k: [str(p) for p in v] for k, v in i.exemplars.items()},
        )
        for i in items
    ]
    scores: list[SheetScore] = []
    if workers > 1 and len(jobs) > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for score in pool.map(_run_one, jobs):
                scores.append(score)
                if progress:
                    progress(len(scores), len(jobs))
    else:
        for job in jobs:
            scores.append(_run_one(job))
            if progress:
                progress(len(scores), len(jobs))
    groups = sorted({s.group for s in scores})
    report = {
        "iou_min": IOU_MIN,
        "groups": {g: summarize([s for s in scores if s.group == g]) for g in groups},
    }
    report["by_style"] = _breakdown(scores, lambda s: s.style)
    report["by_convention"] = _breakdown(scores, lambda s: s.convention)
    report["sheets"] = [
        {
            "name": s.name,
            "group": s.group,
            "style": s.style,
            "convention": s.convention,
            "exact": s.exact,
            "fp": dict(s.fp),
            "fn": dict(s.fn),
            "seconds": round(s.seconds, 3),
            "cpu_seconds": round(s.cpu_seconds, 3),
            "error": s.error,
        }
        for s in scores
    ]
    return report


def markdown(report: dict) -> str:
    """The report as Markdown tables: a summary row per group, per-class figures, then by style and convention."""
    lines = [
        "| group | sheets | precision | recall | F1 | exact counts | s/sheet | CPU s/sheet |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for group, summary in report["groups"].items():
        o = summary["overall"]
        lines.append(
            f"| {group} | {summary['sheets']} | {o['precision']:.3f} | {o['recall']:.3f} | {o['f1']:.3f} "
            f"| {summary['exact_count_share']:.0%} | {summary['seconds_per_sheet']:.2f} "
            f"| {summary.get('cpu_seconds_per_sheet', 0.0):.2f} |"
        )
    lines += ["", "| group | class | P | R | F1 | TP | FP | FN |", "|---|---|---|---|---|---|---|---|"]
    for group, summary in report["groups"].items():
        for cls, m in summary["per_class"].items():
            lines.append(
                f"| {group} | {cls} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} "
                f"| {m['tp']} | {m['fp']} | {m['fn']} |"
            )
    for title, name in (("style", "by_style"), ("convention", "by_convention")):
        lines += ["", f"| group/{title} | P | R | F1 |", "|---|---|---|---|"]
        for key, o in report.get(name, {}).items():
            lines.append(f"| {key} | {o['precision']:.3f} | {o['recall']:.3f} | {o['f1']:.3f} |")
    return "\n".join(lines) + "\n"
