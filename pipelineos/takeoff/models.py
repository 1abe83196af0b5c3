"""Data types shared by every takeoff method, the pipeline and the apps."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

DETECTOR_VERSION = "takeoff-0.1.0"

FIXTURE_CLASSES: tuple[str, ...] = (
    "water_closet",
    "urinal",
    "lavatory",
    "kitchen_sink",
    "service_sink",
    "bathtub",
    "shower",
    "floor_drain",
    "drinking_fountain",
    "water_heater",
    "hose_bibb",
    "clothes_washer",
    "dishwasher",
)

BBox = tuple[float, float, float, float]
"""Normalized box (x0, y0, x1, y1) in 0..1 of the page's width and height, origin top-left."""


@dataclass(frozen=True)
class Detection:
    """One fixture found on one page by one method (or by several, after fusion)."""

    fixture_class: str
    bbox: BBox
    confidence: float
    method: str
    page_index: int = 0
    tag: str | None = None
    methods: tuple[str, ...] = ()

    def stable_id(self, blueprint_id: str) -> str:
        """Deterministic id, so review decisions keep pointing at the same detection after a re-run."""
        rounded = ",".join(f"{v:.3f}" for v in self.bbox)
        key = f"{blueprint_id}|{self.page_index}|{self.fixture_class}|{rounded}"
        return str(uuid.uuid5(uuid.NAMESPACE_URL, key))


@dataclass(frozen=True)
class ScheduleRow:
    """One row of a drawing's plumbing fixture schedule."""

    tag: str
    fixture_class: str | None
    description: str = ""
    manufacturer: str = ""
    model: str = ""
    quantity: int | None = None


@dataclass
class PageTakeoff:
    """Everything the engine learned about one page."""

    index: int
    width_pt: float
    height_pt: float
    is_vector: bool
    sheet_number: str | None = None
    sheet_title: str | None = None
    discipline: str | None = None
    sheet_kind: str | None = None
    fixtures: list[Detection] = field(default_factory=list)
    schedule: list[ScheduleRow] = field(default_factory=list)
    regions: dict[str, list[BBox]] = field(default_factory=dict)
    mismatches: list[str] = field(default_factory=list)
    error: str | None = None
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    plot_scale: float | None = None
    """Points of paper per building inch the symbols were judged at (from the scale note or the fixtures)."""
    legend: Any = field(default=None, repr=False, compare=False)
    """The page's own legend exemplars (a :class:`~pipelineos.takeoff.templates.TemplateSet`), or None: lent to
    the set's sheets that have no legend (see :mod:`pipelineos.takeoff.set_legend`)."""


@dataclass
class DocumentTakeoff:
    """The takeoff of one file: its pages in order."""

    source: str
    pages: list[PageTakeoff] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Fixture count per class over all pages."""
        totals: dict[str, int] = {}
        for page in self.pages:
            for det in page.fixtures:
                totals[det.fixture_class] = totals.get(det.fixture_class, 0) + 1
        return dict(sorted(totals.items()))


class TakeoffInputError(ValueError):
    """A file or page cannot be analysed; the message names the file (and page) and what to do."""
