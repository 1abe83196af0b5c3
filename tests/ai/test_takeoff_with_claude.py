"""The takeoff engine with the real Claude provider, over real HTTP to the fake Messages API on loopback."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from anthropic_fake import FakeAnthropic, ReceivedRequest, Reply, error_reply, tool_reply

from pipelineos.ai.claude import ClaudeVisionProvider
from pipelineos.samples.generator import generate_plan_set
from pipelineos.takeoff.engine import analyze_page

EMPTY_SPOT = (0.02, 0.45, 0.03, 0.47)
"""A patch of the sheet's margin with nothing drawn: a fixture reported there can only come from Claude."""


@pytest.fixture(scope="module")
def sheet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_plan_set(tmp_path_factory.mktemp("claude-plans"), sheets=1, seed=0)[0]


def _truth(sheet: Path) -> dict:
    return json.loads(sheet.with_suffix(".truth.json").read_text())


def _answer_with(boxes: list[tuple[str, tuple[float, float, float, float]]]) -> Callable[[ReceivedRequest], Reply]:
    """Replies that report the given normalized boxes in the pixels of whatever tile image was sent."""

    def reply(request: ReceivedRequest) -> Reply:
        width, height = request.image.size
        fixtures = [
            {"class": cls, "box": [b[0] * width, b[1] * height, b[2] * width, b[3] * height], "confidence": 0.85}
            for cls, b in boxes
        ]
        return tool_reply(fixtures)

    return reply


def test_claude_fixtures_are_fused_with_provenance_and_usage(api: FakeAnthropic, make_provider, sheet: Path) -> None:
    known = next(f for f in _truth(sheet)["fixtures"] if f["class"] == "water_closet")
    api.default = _answer_with([("water_closet", tuple(known["bbox"])), ("urinal", EMPTY_SPOT)])
    provider: ClaudeVisionProvider = make_provider(tile_size=8000)
    offline = analyze_page(sheet, 0)
    page = analyze_page(sheet, 0, provider=provider)

    assert len(api.requests) == 1
    assert len(page.fixtures) == len(offline.fixtures) + 1
    agreed = [d for d in page.fixtures if "claude_vision" in d.methods and d.fixture_class == "water_closet"]
    assert len(agreed) == 1 and "text_tag" in agreed[0].methods
    alone = [d for d in page.fixtures if d.methods == ("claude_vision",)]
    assert [d.fixture_class for d in alone] == ["urinal"]
    assert abs(alone[0].bbox[0] - EMPTY_SPOT[0]) < 0.002 and abs(alone[0].bbox[3] - EMPTY_SPOT[3]) < 0.002
    assert any(note.startswith("vision: 1 tile(s), 1000+100 tokens, $") for note in page.notes), page.notes


def test_detected_title_block_is_blanked_before_sending(api: FakeAnthropic, make_provider, sheet: Path) -> None:
    provider = make_provider(tile_size=8000, redact_regions=())
    page = analyze_page(sheet, 0, provider=provider)

    x0, y0, x1, y1 = page.regions["title_block"][0]
    pixels = np.asarray(api.requests[0].image.convert("L"))
    h, w = pixels.shape
    assert (pixels[int(y0 * h) + 1 : int(y1 * h) - 1, int(x0 * w) + 1 : int(x1 * w) - 1] == 255).all()
    assert (pixels[: int(0.8 * h), : int(0.7 * w)] < 128).any(), "the plan itself must still be sent"


def test_claude_failing_keeps_the_offline_takeoff(api: FakeAnthropic, make_provider, sheet: Path) -> None:
    api.default = lambda request: error_reply(500)
    page = analyze_page(sheet, 0, provider=make_provider(tile_size=8000))

    assert page.error is None
    assert len(page.fixtures) == len(analyze_page(sheet, 0).fixtures)
    assert any("vision provider failed" in note for note in page.notes), page.notes
    assert len(api.requests) == 3, "retried up to the policy's attempts, then gave up"
