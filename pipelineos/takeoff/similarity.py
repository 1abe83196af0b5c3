"""How alike a candidate and a template are: symmetric chamfer distance and ink coverage on normalized canvases.

Candidates and templates are normalized canvases (see :mod:`pipelineos.takeoff.templates`), so scale drops
out; templates carry their 8 dihedral variants. Scores for all candidate/template pairs of a size band come
from a few matrix products, which keeps a dense sheet well under a second.

Large symbols of the top band are shrunk into the canvas, and gaps of a few percent of their size (a tub's rim
inside its outline, a sink's bowls inside its rim) close up; look-alikes then differ only there. Where such a
candidate's decision is close, it is compared again on a canvas twice as fine (:func:`rescore_fine`).
"""

from __future__ import annotations

import cv2
import numpy as np

from pipelineos.takeoff.raster import CANVAS, FINE_CANVAS, Candidates
from pipelineos.takeoff.templates import BANDS, NEGATIVE, TemplateSet, band_index

TAU = 3.0
NEAR = 1.5
MAX_FORGIVEN = 0.3
"""At most this share of a template's ink may be excused for lying where walls were erased."""
CONTESTED_FLOOR = 0.55
"""A candidate is worth a second, finer look only when some fixture scores at least this on the canvas ..."""
CONTESTED_LEAD = 0.12
"""... and leads every other class and non-fixture symbol by less than this."""
INSET = 3
"""Canvas pixels inside a template's box beyond which its ink is its inner lines (see :func:`inner_recall`)."""
MIN_INNER_PX = 4
"""A template with fewer inner pixels than this is an outline: :func:`inner_recall` has nothing to say of it."""


def distance_maps(masks: np.ndarray, tau: float = TAU) -> np.ndarray:
    """Distance (px, clipped at ``tau``) from every canvas pixel to the nearest ink of each mask."""
    out = np.empty(masks.shape, np.float32)
    for i, mask in enumerate(masks):
        if mask.any():
            out[i] = cv2.distanceTransform((1 - mask).astype(np.uint8), cv2.DIST_L2, 3)
        else:
            out[i] = tau
    return np.minimum(out, tau)


def similarity(
    candidates: np.ndarray, templates: np.ndarray, erased: np.ndarray | None = None, zoom: float = 1.0
) -> np.ndarray:
    """Similarity in 0..1 for every (candidate, template) pair.

    The mean of a symmetric chamfer score (tolerant: distances clipped at TAU) and a strict coverage score (the
    smaller of the shares of each drawing's ink lying within NEAR px of the other's), so that inner details
    close to an outline, which the chamfer alone forgives, still count. Template ink falling where ``erased``
    marks removed wall ink is excused (up to MAX_FORGIVEN of it). On a canvas ``zoom`` times the matching
    canvas, the tolerances grow with it.
    """
    tau, near = TAU * zoom, NEAR * zoom
    n = len(candidates)
    c = candidates.reshape(n, -1).astype(np.float32)
    t = templates.reshape(len(templates), -1).astype(np.float32)
    dc = distance_maps(candidates, tau).reshape(n, -1)
    dt = distance_maps(templates, tau).reshape(len(templates), -1)
    c_count = np.maximum(c.sum(axis=1), 1)[:, None]
    t_count = np.maximum(t.sum(axis=1), 1)[None, :]
    near_c = (dc <= near).astype(np.float32)
    covered = near_c @ t.T
    if erased is not None and erased.any():
        excused = (erased.reshape(n, -1) > 0).astype(np.float32) * (1 - near_c)
        covered += np.minimum(excused @ t.T, MAX_FORGIVEN * t_count)
        dc = np.where(excused > 0, 0.0, dc).astype(np.float32)
    chamfer = 1.0 - np.maximum((c @ dt.T) / c_count, (dc @ t.T) / t_count) / tau
    precision = (c @ (dt <= near).T.astype(np.float32)) / c_count
    recall = covered / t_count
    return 0.5 * chamfer + 0.5 * np.minimum(precision, recall)


def score_matrix(candidates: Candidates, templates: TemplateSet) -> np.ndarray:
    """(candidate × template) similarity, -9 where the template is not drawn at the candidate's size band."""
    scores = np.full((len(candidates), len(templates)), -9.0, np.float32)
    if not len(candidates) or not len(templates):
        return scores
    bands = band_index(candidates.band_px)
    usable = np.array(templates.bands, dtype=np.int64)
    stack = np.stack(templates.masks)
    for band in np.unique(bands):
        rows = np.flatnonzero(bands == band)
        cols = np.flatnonzero((usable >> int(band)) & 1)
        if not len(cols):
            continue
        erased = candidates.erased[rows] if candidates.erased is not None else None
        scores[np.ix_(rows, cols)] = similarity(candidates.masks[rows], stack[cols], erased)
    return scores


def _top_band(templates: TemplateSet) -> np.ndarray:
    usable = np.array(templates.bands, dtype=np.int64)
    return np.flatnonzero((usable >> (len(BANDS) - 1)) & 1)


def contested(scores: np.ndarray, templates: TemplateSet, candidates: Candidates) -> np.ndarray:
    """Candidates of the top band whose best fixture class wins by little or loses.

    Only these are compared again on the fine canvas: a fixture matched clearly on the canvas needs no second
    look. On scans too, once wall remnants, specks and lost back edges are dealt with (see
    :mod:`pipelineos.takeoff.flush`, :func:`pipelineos.takeoff.leaders.cut_tail`): a dishwasher drawn as a
    plain square is no fridge, whose door line the canvas blurs into its edge.
    """
    if not len(candidates) or not len(templates):
        return np.zeros(0, dtype=np.int64)
    rows = np.flatnonzero(band_index(candidates.band_px) == len(BANDS) - 1)
    cols = _top_band(templates)
    if not len(rows) or not len(cols):
        return np.zeros(0, dtype=np.int64)
    classes = np.array(templates.classes)[cols].astype(str)
    sub = scores[np.ix_(rows, cols)]
    names = sorted({c for c in classes if not c.startswith(NEGATIVE)})
    if not names:
        return np.zeros(0, dtype=np.int64)
    per_class = np.stack([np.where(classes == n, sub, -9.0).max(axis=1) for n in names], axis=1)
    negative = np.where(np.char.startswith(classes, NEGATIVE), sub, -9.0).max(axis=1)
    ranked = np.sort(per_class, axis=1)
    top = ranked[:, -1]
    rival = np.maximum(ranked[:, -2] if len(names) > 1 else -9.0, negative)
    return rows[(top >= CONTESTED_FLOOR) & (top - rival < CONTESTED_LEAD)]


def rescore_fine(
    scores: np.ndarray, candidates: Candidates, templates: TemplateSet, rows: np.ndarray, masks: np.ndarray
) -> None:
    """Replace the top band's scores of ``rows`` by their comparison on the fine canvas (in place); ``masks``
    are the rows' crops on that canvas (:func:`pipelineos.takeoff.templates.fine_masks`).

    Every top-band template is compared again, so the classes of one row still compete on one footing.
    """
    cols = _top_band(templates)
    if not len(rows) or not len(cols):
        return
    erased = None
    if candidates.erased is not None:
        zoom = FINE_CANVAS // CANVAS
        erased = candidates.erased[rows].repeat(zoom, axis=1).repeat(zoom, axis=2)
    scores[np.ix_(rows, cols)] = similarity(masks, templates.fine_stack(cols), erased, FINE_CANVAS / CANVAS)


def inner_recall(candidate: np.ndarray, template: np.ndarray, zoom: float = 1.0) -> float:
    """Share of the template's inner lines (its ink more than INSET px inside its box) the candidate draws.

    Two thinned masks on one canvas (``zoom`` times the matching canvas). A box scores high against any symbol
    drawn in a box by its outline alone (a chair's square against a dishwasher's); the lines inside are what tell
    them apart, and a fixture of the drawing's own kind draws them. 1.0 for a template with no inner lines.
    """
    ys, xs = np.nonzero(template)
    if not len(xs):
        return 1.0
    inset = round(INSET * zoom)
    inner = np.zeros(template.shape, bool)
    inner[ys.min() + inset : ys.max() - inset + 1, xs.min() + inset : xs.max() - inset + 1] = True
    inner &= template > 0
    if inner.sum() < MIN_INNER_PX * zoom:
        return 1.0
    near = distance_maps(candidate[None], TAU * zoom)[0] <= NEAR * zoom
    return float(near[inner].mean())
