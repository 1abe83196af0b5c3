"""Checking Claude's `report_fixtures` answer item by item: bad items are dropped and reported, not raised."""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeGuard

from pipelineos.takeoff.models import FIXTURE_CLASSES

from .prompting import TOOL_NAME

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TileFixture:
    """One valid item of the tool output, box in the sent tile's pixels."""

    fixture_class: str
    box: tuple[float, float, float, float]
    confidence: float


def _is_number(value: object) -> TypeGuard[float]:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an int too large for a float
        return False


def _field(block: Any, name: str) -> Any:
    return block.get(name) if isinstance(block, dict) else getattr(block, name, None)


def _check_item(item: Any, width: int, height: int) -> TileFixture | str:
    """The valid fixture, or a sentence saying what is wrong with the item."""
    if not isinstance(item, dict):
        return f"item is {type(item).__name__}, not an object"
    cls = item.get("class")
    if cls not in FIXTURE_CLASSES:
        return f"unknown class {cls!r}"
    box = item.get("box")
    if not isinstance(box, list | tuple) or len(box) != 4 or not all(_is_number(v) for v in box):
        return f"box {box!r} is not four numbers"
    x0, y0, x1, y1 = (float(v) for v in box)
    if not (0 <= x0 < x1 <= width and 0 <= y0 < y1 <= height):
        return f"box {box!r} is empty or outside the {width}x{height} tile"
    raw = item.get("confidence")
    confidence = float(raw) if _is_number(raw) else math.nan
    if not 0.0 <= confidence <= 1.0:
        return f"confidence {raw!r} is not a number in 0..1"
    return TileFixture(cls, (x0, y0, x1, y1), confidence)


def parse_tool_output(
    content: Iterable[Any], width: int, height: int, where: str = "tile"
) -> tuple[list[TileFixture], list[str]]:
    """Valid fixtures from a response's content blocks, plus one message per problem (also logged).

    ``content`` is the SDK's list of content blocks (or plain dicts). ``width`` × ``height`` is the size of
    the image that was sent; boxes must lie inside it.
    """
    calls = [b for b in content if _field(b, "type") == "tool_use" and _field(b, "name") == TOOL_NAME]
    if calls:
        fixtures, problems = _parse_calls(calls, width, height, where)
    else:
        fixtures, problems = [], [f"{where}: response has no {TOOL_NAME} tool call; tile skipped"]
    for problem in problems:
        logger.warning("claude vision output dropped: %s", problem)
    return fixtures, problems


def _parse_calls(calls: list[Any], width: int, height: int, where: str) -> tuple[list[TileFixture], list[str]]:
    fixtures: list[TileFixture] = []
    problems: list[str] = []
    for call in calls:
        payload = _field(call, "input")
        items = payload.get("fixtures") if isinstance(payload, dict) else None
        if not isinstance(items, list):
            problems.append(f"{where}: tool input has no 'fixtures' list; tile skipped")
            continue
        for position, item in enumerate(items):
            checked = _check_item(item, width, height)
            if isinstance(checked, str):
                problems.append(f"{where}: fixture #{position} dropped: {checked}")
            else:
                fixtures.append(checked)
    return fixtures, problems
