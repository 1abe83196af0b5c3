"""Box arithmetic: tile pixels to normalized page boxes, overlap measures, and merging duplicates."""

from __future__ import annotations

from dataclasses import replace

from pipelineos.takeoff.models import BBox, Detection

from .tiling import Tile


def tile_box_to_page(
    box: tuple[float, float, float, float],
    tile: Tile,
    sent_size: tuple[int, int],
    page_size: tuple[int, int],
) -> BBox:
    """Map a box in the sent tile's pixels to a page box normalized to 0..1 (clamped)."""
    sx, sy = tile.width / sent_size[0], tile.height / sent_size[1]
    page_w, page_h = page_size
    x0 = (tile.x0 + box[0] * sx) / page_w
    y0 = (tile.y0 + box[1] * sy) / page_h
    x1 = (tile.x0 + box[2] * sx) / page_w
    y1 = (tile.y0 + box[3] * sy) / page_h
    return (_clamp(x0), _clamp(y0), _clamp(x1), _clamp(y1))


def _clamp(value: float) -> float:
    return min(1.0, max(0.0, value))


def _area(box: BBox) -> float:
    return max(0.0, box[2] - box[0]) * max(0.0, box[3] - box[1])


def _intersection(a: BBox, b: BBox) -> float:
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))


def iou(a: BBox, b: BBox) -> float:
    """Intersection over union of two boxes (0 when they do not touch)."""
    inter = _intersection(a, b)
    union = _area(a) + _area(b) - inter
    return inter / union if union > 0 else 0.0


def containment(a: BBox, b: BBox) -> float:
    """Share of the smaller box that lies inside the other: catches a fixture cut in half by a tile edge."""
    smaller = min(_area(a), _area(b))
    return _intersection(a, b) / smaller if smaller > 0 else 0.0


def _union_box(a: BBox, b: BBox) -> BBox:
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


def merge_duplicates(
    detections: list[Detection], iou_threshold: float = 0.5, containment_threshold: float = 0.85
) -> list[Detection]:
    """Merge same-class detections of one fixture seen in several overlapping tiles.

    Greedy, most confident first. Two boxes are one fixture when their IoU reaches ``iou_threshold`` (the
    survivor keeps its box), or when the smaller lies almost wholly inside the larger (a copy truncated at a
    tile edge; the survivor takes the union box). The survivor keeps the highest confidence.
    """
    kept: list[Detection] = []
    for det in sorted(detections, key=lambda d: -d.confidence):
        for i, other in enumerate(kept):
            if other.fixture_class != det.fixture_class:
                continue
            if iou(other.bbox, det.bbox) >= iou_threshold:
                break
            if containment(other.bbox, det.bbox) >= containment_threshold:
                kept[i] = replace(other, bbox=_union_box(other.bbox, det.bbox))
                break
        else:
            kept.append(det)
    return sorted(kept, key=lambda d: (d.bbox[1], d.bbox[0], d.fixture_class))
