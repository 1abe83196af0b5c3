"""Scale-, rotation- and mirror-invariant symbol matching by symmetric chamfer distance.

Every candidate and exemplar is normalized to a square canvas (aspect kept), so scale drops out; exemplars are
expanded into their 8 dihedral variants (90° rotations × mirror). Scores for all candidate/template pairs come
from two matrix products, which keeps a dense sheet well under a second.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from pipelineos.takeoff.raster import CANVAS, Candidates, thin

TAU = 3.0
NEAR = 1.5
NEGATIVE = "_negative"
NEGATIVE_SLACK = -0.04


@dataclass
class TemplateSet:
    """Normalized exemplar masks with their class, source and precomputed distance maps."""

    classes: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    masks: list[np.ndarray] = field(default_factory=list)

    def add(self, fixture_class: str, mask: np.ndarray, source: str, thinned: bool = False) -> None:
        """Add a normalized mask (thinned here unless it already is) and its other 7 dihedral variants."""
        if not thinned:
            mask = thin(mask[None])[0]
        seen = {m.tobytes() for m, c in zip(self.masks, self.classes, strict=True) if c == fixture_class}
        for flip in (False, True):
            base = mask[:, ::-1] if flip else mask
            for k in range(4):
                variant = np.ascontiguousarray(np.rot90(base, k))
                key = variant.tobytes()
                if key in seen:
                    continue
                seen.add(key)
                self.classes.append(fixture_class)
                self.sources.append(source)
                self.masks.append(variant)

    def extend(self, other: TemplateSet, skip: set[str] | None = None) -> None:
        """Copy another set's templates, leaving out the classes in ``skip``."""
        for cls, src, mask in zip(other.classes, other.sources, other.masks, strict=True):
            if not skip or cls not in skip:
                self.classes.append(cls)
                self.sources.append(src)
                self.masks.append(mask)

    def __len__(self) -> int:
        return len(self.masks)


def distance_maps(masks: np.ndarray) -> np.ndarray:
    """Distance (px, clipped at TAU) from every canvas pixel to the nearest ink of each mask."""
    out = np.empty(masks.shape, np.float32)
    for i, mask in enumerate(masks):
        if mask.any():
            out[i] = cv2.distanceTransform((1 - mask).astype(np.uint8), cv2.DIST_L2, 3)
        else:
            out[i] = TAU
    return np.minimum(out, TAU)


def similarity(candidates: np.ndarray, templates: np.ndarray) -> np.ndarray:
    """Similarity in 0..1 for every (candidate, template) pair.

    The mean of a symmetric chamfer score (tolerant: distances clipped at TAU) and a strict coverage score (the
    smaller of the shares of each drawing's ink lying within NEAR px of the other's), so that inner details
    close to an outline, which the chamfer alone forgives, still count.
    """
    c = candidates.reshape(len(candidates), -1).astype(np.float32)
    t = templates.reshape(len(templates), -1).astype(np.float32)
    dc = distance_maps(candidates).reshape(len(candidates), -1)
    dt = distance_maps(templates).reshape(len(templates), -1)
    c_count = np.maximum(c.sum(axis=1), 1)[:, None]
    t_count = np.maximum(t.sum(axis=1), 1)[None, :]
    chamfer = 1.0 - np.maximum((c @ dt.T) / c_count, (dc @ t.T) / t_count) / TAU
    precision = (c @ (dt <= NEAR).T.astype(np.float32)) / c_count
    recall = ((dc <= NEAR).astype(np.float32) @ t.T) / t_count
    return 0.5 * chamfer + 0.5 * np.minimum(precision, recall)


@dataclass(frozen=True)
class Match:
    """Best template for one candidate; ``score`` is the similarity above its source's threshold."""

    index: int
    fixture_class: str
    score: float
    margin: float
    source: str


def match(
    candidates: Candidates, templates: TemplateSet, thresholds: dict[str, float], margin: float = 0.04
) -> list[Match]:
    """Best fixture class per candidate, scores taken relative to each template source's threshold.

    A candidate is reported when its best fixture template clears its source's threshold, beats every other
    fixture class by ``margin`` and beats every non-fixture symbol (door, bed, range …) by
    ``-NEGATIVE_SLACK``.
    """
    if len(candidates) == 0 or len(templates) == 0:
        return []
    offsets = np.array([thresholds[src] for src in templates.sources], dtype=np.float32)
    scores = similarity(candidates.masks, np.stack(templates.masks)) - offsets[None, :]
    classes = np.array(templates.classes)
    names = sorted({c for c in templates.classes if not c.startswith(NEGATIVE)})
    if not names:
        return []
    per_class = np.stack([np.where(classes == n, scores, -9.0).max(axis=1) for n in names], axis=1)
    is_negative = np.char.startswith(classes.astype(str), NEGATIVE)
    negative = np.where(is_negative[None, :], scores, -9.0).max(axis=1)
    order = np.argsort(-per_class, axis=1)
    out: list[Match] = []
    for i in range(len(candidates)):
        best = order[i, 0]
        top = per_class[i, best]
        second = per_class[i, order[i, 1]] if len(names) > 1 else -9.0
        if top < 0 or top - second < margin or negative[i] > top + NEGATIVE_SLACK:
            continue
        name = names[best]
        j = int(np.argmax(np.where(classes == name, scores[i], -9.0)))
        out.append(Match(i, name, float(top), float(top - max(second, negative[i])), templates.sources[j]))
    return out


def thicken(mask: np.ndarray) -> np.ndarray:
    """Mask with one pixel of dilation (evens out line weights of exemplars drawn thin)."""
    return cv2.dilate(mask, np.ones((2, 2), np.uint8))


def best_scores(candidates: Candidates, templates: TemplateSet) -> np.ndarray:
    """(candidate × class) best similarity, classes in sorted order: for diagnostics and calibration."""
    scores = similarity(candidates.masks, np.stack(templates.masks))
    classes = np.array(templates.classes)
    return np.stack([np.where(classes == n, scores, -1.0).max(axis=1) for n in sorted(set(classes))], axis=1)


def crop_to_ink(mask: np.ndarray) -> np.ndarray | None:
    """The tight crop around the ink of a binary image, or None when there is none."""
    ys, xs = np.nonzero(mask)
    if len(xs) == 0:
        return None
    return mask[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]


def as_canvas(mask: np.ndarray) -> np.ndarray:
    """Normalized canvas of a binary crop (import shim for exemplar loaders)."""
    from pipelineos.takeoff.raster import normalize_mask

    return normalize_mask(mask, CANVAS)
