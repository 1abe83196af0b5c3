"""The versioned prompt, the `report_fixtures` tool and the per-tile instruction sent to Claude."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

from anthropic.types import ToolChoiceToolParam, ToolParam

from pipelineos.takeoff.models import FIXTURE_CLASSES

PROMPT_VERSION = "fixture_detection_v1"
TOOL_NAME = "report_fixtures"


@cache
def load_prompt(version: str = PROMPT_VERSION) -> str:
    """Text of ``prompts/<version>.md``; a new prompt gets a new file, so results stay traceable."""
    path = resources.files("pipelineos.ai").joinpath("prompts", f"{version}.md")
    if not path.is_file():
        raise FileNotFoundError(f"no prompt file prompts/{version}.md in pipelineos.ai")
    return path.read_text(encoding="utf-8")


def report_fixtures_tool() -> ToolParam:
    """Tool definition whose input schema is the only shape of answer we accept."""
    fixture: dict[str, Any] = {
        "type": "object",
        "properties": {
            "class": {"type": "string", "enum": list(FIXTURE_CLASSES), "description": "Fixture class."},
            "box": {
                "type": "array",
                "items": {"type": "number"},
                "minItems": 4,
                "maxItems": 4,
                "description": "[x0, y0, x1, y1] in pixels of the tile image, origin top-left.",
            },
            "confidence": {"type": "number", "minimum": 0, "maximum": 1},
        },
        "required": ["class", "box", "confidence"],
        "additionalProperties": False,
    }
    return {
        "name": TOOL_NAME,
        "description": "Report every plumbing fixture symbol visible in the tile image.",
        "input_schema": {
            "type": "object",
            "properties": {"fixtures": {"type": "array", "items": fixture}},
            "required": ["fixtures"],
            "additionalProperties": False,
        },
    }


def forced_tool_choice() -> ToolChoiceToolParam:
    """`tool_choice` that makes the model answer with exactly one `report_fixtures` call."""
    return {"type": "tool", "name": TOOL_NAME, "disable_parallel_tool_use": True}


def tile_instruction(number: int, count: int, width: int, height: int) -> str:
    """Text that accompanies each tile image: where it is and the pixel size boxes must fit in."""
    return (
        f"Tile {number} of {count}. The image is {width} x {height} pixels; give boxes in these pixels. "
        f"Call {TOOL_NAME} with every plumbing fixture in this tile."
    )
