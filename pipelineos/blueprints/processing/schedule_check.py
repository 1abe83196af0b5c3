"""Reconcile counted fixtures with the quantities a drawing's fixture schedule states."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from pipelineos.takeoff.models import PageTakeoff, ScheduleRow


@dataclass(frozen=True)
class Reconciliation:
    passed: bool
    schedule_rows: int
    mismatches: list[str] = field(default_factory=list)


def reconcile(takeoffs: Sequence[PageTakeoff]) -> Reconciliation:
    """Compare, per fixture class, the schedule's stated quantity with the fixtures counted on the set.

    Schedule rows are taken once per tag across the set; classes without a stated quantity are not compared.
    The engine's own per-page mismatch notes are included. No schedule at all passes (nothing to reconcile).
    """
    by_tag: dict[str, ScheduleRow] = {}
    for page in takeoffs:
        for row in page.schedule:
            if row.fixture_class and row.quantity is not None:
                by_tag.setdefault(row.tag, row)
    stated: Counter[str] = Counter()
    for row in by_tag.values():
        stated[row.fixture_class or ""] += int(row.quantity or 0)
    counted = Counter(d.fixture_class for page in takeoffs for d in page.fixtures)
    mismatches = [
        f"{cls}: schedule says {qty}, counted {counted.get(cls, 0)}"
        for cls, qty in sorted(stated.items())
        if counted.get(cls, 0) != qty
    ]
    for page in takeoffs:
        mismatches.extend(f"page {page.index + 1}: {note}" for note in page.mismatches)
    return Reconciliation(passed=not mismatches, schedule_rows=len(by_tag), mismatches=mismatches)
