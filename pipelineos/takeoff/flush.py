"""Fixtures drawn flush against a wall: their back edge goes with the wall when walls are erased, and is put back.

A water heater or a lavatory drawn against a wall shares its back edge with the wall's face; erasing the wall
(and, on scans, the ragged pixels beside it) leaves a box open on that side, shorter than the symbol it is
compared with. Where erased wall ink runs along nearly a whole side of a candidate within a few pixels of it,
and the candidate's own ink beside it reaches both ends of that side (a box cut open there), the face of that
wall nearest the candidate is its back edge: that line is added to the candidate's ink.

That is a guess: a round urinal standing a hair off the wall, with a chord near its back, looks open towards
the wall too, and with the wall's face added it matches no urinal. So the page keeps both readings of such a
candidate (see ``both_readings`` in :func:`pipelineos.takeoff.raster.extract_candidates`) and the matcher
keeps the better one.
"""

from __future__ import annotations

import numpy as np

FLUSH_SHARE = 0.8
"""Share of a side's length along which erased wall ink must run for the side to be flush with the wall."""
OPEN_SPAN = 0.7
"""The candidate's own ink next to that side must span this share of it: the two sides of a box cut open
there reach its corners, where a round symbol only touching the wall (a urinal's bowl) does not."""
EDGE_SHARE = 0.9
"""Neither of the crop's two outermost rows on that side may hold ink along this share of it: such a row is the
symbol's own edge, and the symbol only stands near the wall (an inner line there is shorter than the side).
Where both readings are kept this is left to the matcher too (see :func:`restore_back_edges`)."""


def restore_back_edges(
    crop: np.ndarray,
    origin: tuple[int, int],
    erased: np.ndarray,
    reach: int,
    open_span: float = OPEN_SPAN,
    also_bare: bool = False,
) -> tuple[np.ndarray, tuple[int, int]]:
    """``crop`` (at ``origin`` = (x, y) on the page) with the wall faces it is flush against added as its edges.

    ``erased`` is the page's erased wall ink; a face counts within ``reach`` pixels of the crop, on a side the
    crop's ink spans ``open_span`` of. Returns the new crop and its origin (the crop grows by the distance to
    the face).

    With ``also_bare`` (the crop as it was is kept as well), a side whose outermost rows already hold a line is
    given the face too: a box drawn inside a box (a water heater) at 150 DPI has its inner edge a pixel or two
    from the outer one, and once the outer edge went with the wall the inner one is all that is left there,
    looking like the symbol's own edge (see EDGE_SHARE).
    """
    x0, y0 = origin
    h, w = crop.shape
    edges: list[tuple[str, np.ndarray]] = []
    for side in ("top", "bottom", "left", "right"):
        depth = _face_depth(erased, x0, y0, w, h, side, reach)
        if depth is not None and _open_towards(crop, side, reach, open_span, also_bare):
            edges.append((side, depth))
    if not edges:
        return crop, origin
    pad = {side: int(depth.max()) for side, depth in edges}
    top, bottom, left, right = (pad.get(s, 0) for s in ("top", "bottom", "left", "right"))
    grown = np.zeros((h + top + bottom, w + left + right), crop.dtype)
    grown[top : top + h, left : left + w] = crop
    for side, depth in edges:
        along = np.arange(len(depth))
        if side == "top":
            grown[top - depth, left + along] = 1
        elif side == "bottom":
            grown[top + h - 1 + depth, left + along] = 1
        elif side == "left":
            grown[top + along, left - depth] = 1
        else:
            grown[top + along, left + w - 1 + depth] = 1
    return grown, (x0 - left, y0 - top)


def _open_towards(crop: np.ndarray, side: str, reach: int, open_span: float, also_bare: bool = False) -> bool:
    """Whether the crop's ink within ``reach`` pixels of ``side`` spans ``open_span`` of that side's length (and,
    unless ``also_bare``, no line along that side's outermost rows closes it)."""
    outward = {"top": crop, "bottom": crop[::-1], "left": crop.T, "right": crop[:, ::-1].T}[side]
    along = np.flatnonzero(outward[:reach].any(axis=0))
    if not len(along) or (not also_bare and outward[:2].mean(axis=1).max() >= EDGE_SHARE):
        return False
    return bool((along[-1] - along[0] + 1) >= open_span * outward.shape[1])


def _face_depth(erased: np.ndarray, x0: int, y0: int, w: int, h: int, side: str, reach: int) -> np.ndarray | None:
    """Per pixel along ``side``, how far out (1..reach) the nearest erased ink lies; None unless it runs along
    at least FLUSH_SHARE of the side (gaps are bridged by the median depth)."""
    H, W = erased.shape
    if side in ("top", "bottom"):
        rows = range(y0 - 1, y0 - 1 - reach, -1) if side == "top" else range(y0 + h, y0 + h + reach)
        strips = [erased[r, x0 : x0 + w] if 0 <= r < H else np.zeros(w, erased.dtype) for r in rows]
    else:
        cols = range(x0 - 1, x0 - 1 - reach, -1) if side == "left" else range(x0 + w, x0 + w + reach)
        strips = [erased[y0 : y0 + h, c] if 0 <= c < W else np.zeros(h, erased.dtype) for c in cols]
    band = np.stack([s > 0 for s in strips])
    if band.shape[1] == 0:
        return None
    hit = band.any(axis=0)
    if hit.mean() < FLUSH_SHARE:
        return None
    depth = np.argmax(band, axis=0) + 1
    depth[~hit] = int(np.median(depth[hit]))
    return depth.astype(np.int64)
