"""A plan set's legend lent to the sheets of the set that have none.

Many sets draw the plumbing legend once, on a legend or cover sheet (``P-001 PLUMBING LEGEND AND SCHEDULES``),
and leave it off the floor plans. Every sheet is read on its own first; the exemplars of every sheet that has a
legend then serve the sheets without one, which are read again with them, exactly as if the user had given
those symbols as exemplars (but with the legend's authority, see :mod:`pipelineos.takeoff.recognize`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from pipelineos.takeoff.models import PageTakeoff
from pipelineos.takeoff.templates import TemplateSet, combined


def shared_legend(pages: Sequence[PageTakeoff]) -> TemplateSet | None:
    """The legend exemplars of every page that has a legend, together; None when no page has one."""
    own = [page.legend for page in pages if page.legend is not None]
    return combined(*own) if own else None


def lend_legend(
    pages: Sequence[PageTakeoff], reread: Callable[[list[int], TemplateSet], list[PageTakeoff]]
) -> list[PageTakeoff]:
    """The pages, those without a legend of their own read again with the set's legend when it has one.

    ``reread(positions, legend)`` analyses the pages at those positions of ``pages`` again with ``legend`` as
    extra exemplars and returns them in the same order. Pages that failed are left as they are.
    """
    shared = shared_legend(pages)
    todo = [i for i, page in enumerate(pages) if page.legend is None and page.error is None]
    if shared is None or not todo:
        return list(pages)
    lenders = sorted({page.sheet_number or f"page {page.index + 1}" for page in pages if page.legend is not None})
    out = list(pages)
    for position, page in zip(todo, reread(todo, shared), strict=True):
        if page.error is None:
            page.notes.append(f"legend symbols taken from {', '.join(lenders)}")
            out[position] = page
    return out
