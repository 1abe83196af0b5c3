"""Fuse detections from every method on a page: merge overlaps, keep provenance, calibrate confidence."""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from pipelineos.takeoff.models import BBox, Detection

METHOD_WEIGHT: dict[str, float] = {
    "cad_block": 3.0,
    "text_tag": 2.0,
    "symbol_user": 1.5,
    "symbol_legend": 1.4,
    "symbol_tagged": 1.3,
    "symbol_page": 1.3,
    "symbol_library": 1.0,
}
MIN_CONFIDENCE = 0.5


def iou(a: BBox, b: BBox) -> float:
    """Intersection over union of two boxes."""
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def iou_matrix(boxes: np.ndarray) -> np.ndarray:
    """Pairwise IoU of an (N, 4) array of boxes."""
    x0 = np.maximum(boxes[:, None, 0], boxes[None, :, 0])
    y0 = np.maximum(boxes[:, None, 1], boxes[None, :, 1])
    x1 = np.minimum(boxes[:, None, 2], boxes[None, :, 2])
    y1 = np.minimum(boxes[:, None, 3], boxes[None, :, 3])
    inter = np.clip(x1 - x0, 0, None) * np.clip(y1 - y0, 0, None)
    area = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    union = area[:, None] + area[None, :] - inter
    return np.where(union > 0, inter / np.maximum(union, 1e-12), 0.0)


def nms(detections: list[Detection], threshold: float = 0.3) -> list[Detection]:
    """Keep the most confident of overlapping detections."""
    ordered = sorted(detections, key=lambda d: -d.confidence)
    if not ordered:
        return []
    overlaps = iou_matrix(np.array([d.bbox for d in ordered], dtype=np.float64))
    keep: list[int] = []
    for i in range(len(ordered)):
        if not keep or overlaps[i, keep].max() < threshold:
            keep.append(i)
    return [ordered[i] for i in keep]


def _weight(det: Detection) -> float:
    return METHOD_WEIGHT.get(det.method, 1.2) * det.confidence


def fuse(detections: list[Detection], threshold: float = 0.3, page_index: int = 0) -> list[Detection]:
    """One detection per physical fixture, class by weighted vote, confidence 1-∏(1-c) over methods."""
    ordered = sorted(detections, key=lambda d: -_weight(d))
    overlaps = iou_matrix(np.array([d.bbox for d in ordered], dtype=np.float64)) if ordered else None
    clusters: list[list[Detection]] = []
    heads: list[int] = []
    for i, det in enumerate(ordered):
        assert overlaps is not None
        hits = [c for c, head in enumerate(heads) if overlaps[i, head] >= threshold]
        if hits:
            clusters[hits[0]].append(det)
        else:
            clusters.append([det])
            heads.append(i)
    fused: list[Detection] = []
    for cluster in clusters:
        votes: dict[str, float] = defaultdict(float)
        for det in cluster:
            votes[det.fixture_class] += _weight(det)
        cls = max(votes, key=lambda c: votes[c])
        agreeing = [d for d in cluster if d.fixture_class == cls]
        miss = 1.0
        for det in agreeing:
            miss *= 1.0 - min(det.confidence, 0.99)
        confidence = round(min(0.999, 1.0 - miss), 3)
        if confidence < MIN_CONFIDENCE:
            continue
        lead = agreeing[0]
        box = next((d.bbox for d in agreeing if d.method.startswith(("symbol", "cad"))), lead.bbox)
        methods = tuple(sorted({d.method for d in cluster}))
        tag = next((d.tag for d in agreeing if d.tag), None)
        fused.append(
            Detection(
                cls,
                box,
                confidence,
                "+".join(methods) if len(methods) > 1 else lead.method,
                page_index,
                tag,
                methods,
            )
        )
    fused.sort(key=lambda d: (d.bbox[1], d.bbox[0]))
    return fused
