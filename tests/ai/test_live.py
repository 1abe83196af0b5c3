"""One real call to Claude with a small rendered floor plan; runs only when ANTHROPIC_API_KEY is set."""

from __future__ import annotations

import io
import os

import pytest
from PIL import Image, ImageDraw

from pipelineos.ai import ClaudeVisionProvider, get_vision_provider
from pipelineos.settings import get_settings
from pipelineos.takeoff.models import FIXTURE_CLASSES

pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(not os.environ.get("ANTHROPIC_API_KEY"), reason="ANTHROPIC_API_KEY is not set"),
]


def small_restroom_plan() -> bytes:
    """A 640 x 420 px plan: walls, a water closet with tank and a wall-hung lavatory, with their tags."""
    image = Image.new("L", (640, 420), 255)
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 40, 600, 380), outline=0, width=6)
    draw.line((320, 40, 320, 260), fill=0, width=4)
    draw.rectangle((90, 46, 160, 70), outline=0, width=2)  # tank
    draw.ellipse((100, 70, 150, 140), outline=0, width=2)  # bowl
    draw.text((170, 90), "WC-1", fill=0)
    draw.rectangle((400, 46, 470, 86), outline=0, width=2)  # lavatory counter
    draw.ellipse((412, 52, 458, 80), outline=0, width=2)  # basin
    draw.text((480, 60), "LAV-1", fill=0)
    draw.text((250, 395), "TOILET ROOM PLAN  1/4in = 1ft-0in", fill=0)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def test_live_claude_detects_fixtures_on_a_small_plan() -> None:
    get_settings.cache_clear()
    provider = get_vision_provider("claude")
    assert isinstance(provider, ClaudeVisionProvider)
    with provider:
        found = provider.detect_page(small_restroom_plan(), 640, 420, page_index=0)

    (usage,) = provider.usage
    assert usage.tiles == 1 and usage.input_tokens > 100 and usage.output_tokens > 0
    assert not [e for e in usage.errors if "dropped" in e or "no report_fixtures" in e], usage.errors
    assert found, "Claude reported no fixtures on a plan with a water closet and a lavatory"
    for det in found:
        assert det.fixture_class in FIXTURE_CLASSES and 0 <= det.confidence <= 1
        assert 0 <= det.bbox[0] < det.bbox[2] <= 1 and 0 <= det.bbox[1] < det.bbox[3] <= 1
