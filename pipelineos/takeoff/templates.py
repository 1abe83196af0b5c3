"""Exemplar templates at several pixel sizes, so a symbol is compared with a drawing of itself at its own size.

A symbol 20 px long on the page does not look like the same symbol drawn 120 px long: at small sizes close
lines merge and small circles become dots. Every exemplar is therefore kept at each of the size ``BANDS`` (its
longer side resampled to that many pixels), and a candidate is compared only with the templates of its own
band. Each band's template is normalized to the matching canvas, thinned, and expanded into the 8 dihedral
variants (90° rotations × mirror), so scale, rotation and mirroring all drop out of the comparison.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from pipelineos.takeoff.raster import CANVAS, FINE_CANVAS, crop_to_ink, normalize_mask
from pipelineos.takeoff.thinning import thin

BANDS: tuple[int, ...] = (18, 24, 32, 44, 64)
"""Longer side in pixels of the sizes templates are drawn at; candidates use the nearest band."""
ALL_BANDS = (1 << len(BANDS)) - 1
DETAIL_RATIO = 1.3
"""A drawing keeps its detail at bands up to this many times its own size; beyond, it is only enlarged (a scanned
legend symbol smaller than the plan's fixtures has lost the inner lines they still show)."""
TOP_BAND_PX = 96
"""The size a drawing is held to for showing the detail of the top band's candidates. That band holds every
candidate from about 54 px up, most of them larger than its own 64 px (a water closet at 1/4" to the foot is
85 px): a scanned legend's symbol 58 px long has lost the inner bowl and the tank those still show."""
DETAIL_SIZES = (*BANDS[:-1], TOP_BAND_PX)
NEGATIVE = "_negative"
"""Class-name prefix of non-fixture symbols (doors, beds, ranges …) kept to reject look-alikes."""


def fine_masks(crops: list[np.ndarray]) -> np.ndarray:
    """Crops drawn on the fine canvas and thinned: how the top band's large symbols are compared.

    A symbol several times the matching canvas loses, shrunk into it, the gaps of a few percent of its size
    (a tub's rim inside its outline, a sofa's arms), which are what tells such look-alikes apart.
    """
    return thin(np.stack([normalize_mask(crop, FINE_CANVAS) for crop in crops]))


def band_index(long_px: np.ndarray | float) -> np.ndarray:
    """Index of the nearest band (in log scale) for candidate sizes given as their longer side in pixels."""
    logs = np.log(np.asarray(BANDS, dtype=np.float64))
    sizes = np.log(np.maximum(np.atleast_1d(np.asarray(long_px, dtype=np.float64)), 1.0))
    return np.argmin(np.abs(sizes[:, None] - logs[None, :]), axis=1)


def redraw(skeleton: np.ndarray, long_px: int) -> np.ndarray:
    """A one-pixel skeleton redrawn as a page symbol ``long_px`` pixels long would appear in the canvas.

    On a page rendered or scanned at 150 DPI, lines are about two pixels wide whatever the symbol's size: a
    small symbol is drawn at its own size with two-pixel lines (details closer than that merge, as on the
    page); a symbol larger than the canvas is shrunk into it, so its lines end up one pixel wide.
    """
    h, w = skeleton.shape
    target = min(long_px, CANVAS - 4)
    scale = target / max(h, w)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    small = (cv2.resize(skeleton.astype(np.float32), size, interpolation=cv2.INTER_AREA) > 0).astype(np.uint8)
    if 2.0 * target / long_px >= 1.5:
        return np.asarray(cv2.dilate(small, np.ones((2, 2), np.uint8)), dtype=np.uint8)
    return small


@dataclass
class TemplateSet:
    """Normalized exemplar masks with their class, source and the size bands each one stands for."""

    classes: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    masks: list[np.ndarray] = field(default_factory=list)
    bands: list[int] = field(default_factory=list)
    """Bit ``i`` set: the template is compared with candidates of band ``i``."""
    detail: dict[str, int] = field(default_factory=dict)
    """Per class, the bands (bit mask) at which one of its drawings is shown in full detail."""
    drawings: list[tuple[np.ndarray, int] | None] = field(default_factory=list)
    """Per template of the top band, the drawing it was made from and its dihedral variant (0..7)."""
    fine: list[np.ndarray | None] = field(default_factory=list)
    """Per template, its variant on the fine canvas once computed (see :meth:`fine_stack`)."""
    _seen: set[tuple[str, int, bytes]] = field(default_factory=set, repr=False)

    def add(
        self,
        fixture_class: str,
        mask: np.ndarray,
        source: str,
        *,
        thinned: bool = False,
        bands: int = ALL_BANDS,
        drawing: np.ndarray | None = None,
    ) -> None:
        """Add a normalized mask (thinned here unless it already is) and its other 7 dihedral variants.

        ``drawing`` is the ink the mask was made from, kept for the fine canvas (templates of the top band).
        """
        if not thinned:
            mask = thin(mask[None])[0]
            self.detail[fixture_class] = self.detail.get(fixture_class, 0) | bands
        for flip in (False, True):
            base = mask[:, ::-1] if flip else mask
            for k in range(4):
                variant = np.ascontiguousarray(np.rot90(base, k))
                key = (fixture_class, bands, variant.tobytes())
                if key not in self._seen:
                    self._seen.add(key)
                    source_ink = None if drawing is None else (drawing, 4 * flip + k)
                    self._append(fixture_class, source, variant, bands, source_ink, None)

    def _append(
        self,
        fixture_class: str,
        source: str,
        mask: np.ndarray,
        bands: int,
        drawing: tuple[np.ndarray, int] | None,
        fine: np.ndarray | None,
    ) -> None:
        self.classes.append(fixture_class)
        self.sources.append(source)
        self.masks.append(mask)
        self.bands.append(bands)
        self.drawings.append(drawing)
        self.fine.append(fine)

    def fine_stack(self, columns: np.ndarray) -> np.ndarray:
        """The fine-canvas masks of the templates ``columns`` (all of the top band), computed once, in a batch."""
        missing = [int(j) for j in columns if self.fine[j] is None]
        crops: dict[int, np.ndarray] = {}
        for j in missing:
            drawing = self.drawings[j]
            if drawing is None:
                raise ValueError(f"template {j} has no drawing for the fine canvas")
            crops.setdefault(id(drawing[0]), drawing[0])
        drawn = dict(zip(crops, fine_masks(list(crops.values())), strict=True)) if crops else {}
        for j in missing:
            crop, variant = self.drawings[j]  # type: ignore[misc]
            base = drawn[id(crop)]
            base = base[:, ::-1] if variant >= 4 else base
            self.fine[j] = np.ascontiguousarray(np.rot90(base, variant % 4))
        return np.stack([self.fine[int(j)] for j in columns])  # type: ignore[misc]

    def add_drawing(self, fixture_class: str, ink: np.ndarray, source: str) -> bool:
        """Add a binary drawing of a symbol at every band; False when it holds no ink.

        Bands at or above the drawing's own size share its native mask: enlarging adds no detail.
        """
        crop = crop_to_ink(ink)
        if crop is None:
            return False
        native = max(crop.shape)
        skeleton = thin(crop[None])[0]
        drawn: dict[bytes, tuple[np.ndarray, int]] = {}
        detailed = sum(1 << i for i, size in enumerate(DETAIL_SIZES) if size <= DETAIL_RATIO * native)
        for i, size in enumerate(BANDS):
            band_ink = crop if size >= 0.9 * native else crop_to_ink(redraw(skeleton, size))
            if band_ink is not None:
                canvas = normalize_mask(band_ink)
                key = canvas.tobytes()
                drawn[key] = (canvas, drawn.get(key, (canvas, 0))[1] | (1 << i))
        if not drawn:
            return False
        self.detail[fixture_class] = self.detail.get(fixture_class, 0) | detailed
        thinned = thin(np.stack([canvas for canvas, _ in drawn.values()]))
        for mask, (_, bands) in zip(thinned, drawn.values(), strict=True):
            top = crop if bands >> (len(BANDS) - 1) & 1 else None
            self.add(fixture_class, mask, source, thinned=True, bands=bands, drawing=top)
        return True

    def extend(self, other: TemplateSet, skip: set[str] | None = None) -> None:
        """Copy another set's templates, leaving out the classes in ``skip``."""
        for cls, bands in other.detail.items():
            if not skip or cls not in skip:
                self.detail[cls] = self.detail.get(cls, 0) | bands
        rows = zip(other.classes, other.sources, other.masks, other.bands, other.drawings, other.fine, strict=True)
        for cls, src, mask, bands, drawing, fine in rows:
            if not skip or cls not in skip:
                self._seen.add((cls, bands, mask.tobytes()))
                self._append(cls, src, mask, bands, drawing, fine)

    @property
    def fixture_classes(self) -> set[str]:
        """The fixture classes the set has templates for (negatives left out)."""
        return {c for c in self.classes if not c.startswith(NEGATIVE)}

    def __len__(self) -> int:
        return len(self.masks)


def combined(*sets: TemplateSet) -> TemplateSet:
    """One template set holding all of ``sets`` in order (each template keeps its source)."""
    out = TemplateSet()
    for templates in sets:
        out.extend(templates)
    return out
