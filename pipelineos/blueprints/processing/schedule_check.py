"""Reconcile counted fixtures with the quantities a drawing set's fixture schedule states.

Sets come two ways: one schedule for the whole set (on a schedule sheet, or repeated unchanged on every plan),
or a schedule on each plan listing that sheet's fixtures. Schedules that differ between sheets are read per
sheet; one schedule (however often repeated) is read for the set — and, since identical floors repeat identical
schedules, it also passes when every sheet that carries it matches it on its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from pipelineos.takeoff.models import Detection, PageTakeoff, ScheduleRow


@dataclass(frozen=True)
class Reconciliation:
    passed: bool
    scope: str  # "set", "sheet" or "none" (no schedule on any sheet)
    schedule_rows: int
    mismatches: list[str] = field(default_factory=list)


def _signature(rows: Sequence[ScheduleRow]) -> tuple[tuple[str, str | None, int | None], ...]:
    return tuple(sorted((row.tag, row.fixture_class, row.quantity) for row in rows))


def reconcile_counts(schedule: Sequence[ScheduleRow], fixtures: Sequence[Detection]) -> list[str]:
    """The engine's reconciliation of one schedule with fixtures.

    Imported on use: the engine's schedule parser loads PyMuPDF, which the Dagster code location (every run
    process and the code server) should not pay for at import.
    """
    from pipelineos.takeoff.schedule import reconcile

    return reconcile(list(schedule), list(fixtures))


def _name(page: PageTakeoff) -> str:
    return page.sheet_number or f"page {page.index + 1}"


def _per_sheet(pages: Sequence[PageTakeoff]) -> list[str]:
    return [f"{_name(page)}: {note}" for page in pages for note in reconcile_counts(page.schedule, page.fixtures)]


def reconcile(takeoffs: Sequence[PageTakeoff]) -> Reconciliation:
    """Compare the schedule's quantities (per tag and per class) with the fixtures counted on the set."""
    scheduled = [page for page in takeoffs if page.schedule]
    if not scheduled:
        return Reconciliation(passed=True, scope="none", schedule_rows=0)
    if len({_signature(page.schedule) for page in scheduled}) > 1:
        mismatches = _per_sheet(scheduled)
        return Reconciliation(not mismatches, "sheet", sum(len(p.schedule) for p in scheduled), mismatches)
    everything = [fixture for page in takeoffs for fixture in page.fixtures]
    mismatches = reconcile_counts(scheduled[0].schedule, everything)
    passed = not mismatches or not _per_sheet(scheduled)
    return Reconciliation(passed, "set", len(scheduled[0].schedule), [] if passed else mismatches)
