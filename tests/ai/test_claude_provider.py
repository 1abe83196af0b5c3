"""ClaudeVisionProvider against the fake Messages API: requests, box mapping, merging, usage and cost."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from anthropic_fake import API_KEY, FakeAnthropic, api_key_of, page_png, tool_reply
from PIL import Image

from pipelineos.ai import PageUsage, VisionProvider
from pipelineos.ai.prompting import load_prompt
from pipelineos.takeoff.models import FIXTURE_CLASSES


def striped_page(width: int, height: int, white_columns: list[int]) -> bytes:
    """Black page with one-pixel white columns, so each tile's crop offset can be checked."""
    image = Image.new("L", (width, height), 0)
    for x in white_columns:
        image.paste(255, (x, 0, x + 1, height))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def test_boxes_are_mapped_from_tiles_to_the_page_and_merged(api: FakeAnthropic, make_provider) -> None:
    replies = {
        1: tool_reply(
            [
                {"class": "water_closet", "box": [10, 20, 30, 50], "confidence": 0.9},
                {"class": "lavatory", "box": [85, 10, 95, 30], "confidence": 0.8},
                {"class": "kitchen_sink", "box": [60, 70, 98, 90], "confidence": 0.6},
            ]
        ),
        2: tool_reply(
            [
                {"class": "lavatory", "box": [5, 10, 15, 30], "confidence": 0.7},
                {"class": "floor_drain", "box": [50, 60, 60, 70], "confidence": 0.6},
                {"class": "kitchen_sink", "box": [0, 70, 18, 90], "confidence": 0.9},
            ]
        ),
    }
    api.default = lambda request: replies[request.tile_number]
    provider = make_provider(tile_size=100, overlap=0.2, redact_title_block=False)

    found = provider.detect_page(striped_page(180, 100, [85]), 180, 100, page_index=3)

    assert isinstance(provider, VisionProvider)
    got = [(d.fixture_class, d.bbox, d.confidence) for d in found]
    assert got == [
        ("lavatory", pytest.approx((85 / 180, 0.1, 95 / 180, 0.3)), 0.8),
        ("water_closet", pytest.approx((10 / 180, 0.2, 30 / 180, 0.5)), 0.9),
        ("floor_drain", pytest.approx((130 / 180, 0.6, 140 / 180, 0.7)), 0.6),
        ("kitchen_sink", pytest.approx((60 / 180, 0.7, 98 / 180, 0.9)), 0.9),
    ]
    assert {(d.method, d.methods, d.page_index) for d in found} == {("claude_vision", ("claude_vision",), 3)}
    tiles = {r.tile_number: r.image for r in api.requests}
    assert sorted(tiles) == [1, 2]
    assert tiles[1].size == tiles[2].size == (100, 100)
    assert [x for x in range(100) if tiles[1].getpixel((x, 50)) == 255] == [85]
    assert [x for x in range(100) if tiles[2].getpixel((x, 50)) == 255] == [5]


def test_tiles_larger_than_the_api_limit_are_downscaled_and_boxes_scaled_back(
    api: FakeAnthropic, make_provider
) -> None:
    replies = {
        1: tool_reply([]),
        2: tool_reply([{"class": "urinal", "box": [10, 10, 20, 20], "confidence": 0.5}]),
    }
    api.default = lambda request: replies[request.tile_number]
    provider = make_provider(tile_size=200, overlap=0.0, max_send_pixels=10_000)

    found = provider.detect_page(page_png(400, 200), 400, 200, page_index=0)

    assert {r.image.size for r in api.requests} == {(100, 100)}
    assert "The image is 100 x 100 pixels" in api.requests[0].blocks[1]["text"]
    assert [(d.fixture_class, d.bbox) for d in found] == [("urinal", pytest.approx((0.55, 0.1, 0.6, 0.2)))]


def test_request_carries_prompt_tool_schema_forced_tool_choice_and_key(api: FakeAnthropic, make_provider) -> None:
    provider = make_provider(model="claude-haiku-4-5", max_tokens=321)

    assert provider.detect_page(page_png(50, 40), 50, 40, page_index=0) == []

    (request,) = api.requests
    body = request.body
    assert api_key_of(request.headers) == API_KEY
    assert request.headers["anthropic-version"]
    assert body["model"] == "claude-haiku-4-5"
    assert body["max_tokens"] == 321
    assert body["system"] == load_prompt("fixture_detection_v1")
    assert body["tool_choice"] == {
        "type": "tool",
        "name": "report_fixtures",
        "disable_parallel_tool_use": True,
    }
    (tool,) = body["tools"]
    assert tool["name"] == "report_fixtures"
    schema = tool["input_schema"]
    assert schema["required"] == ["fixtures"]
    item = schema["properties"]["fixtures"]["items"]
    assert item["properties"]["class"]["enum"] == list(FIXTURE_CLASSES)
    assert item["properties"]["box"]["minItems"] == item["properties"]["box"]["maxItems"] == 4
    assert set(item["required"]) == {"class", "box", "confidence"}
    assert request.image.size == (50, 40)
    assert request.png.startswith(b"\x89PNG")


def test_usage_and_cost_are_recorded_per_page(api: FakeAnthropic, make_provider) -> None:
    replies = {1: tool_reply([], 1000, 200), 2: tool_reply([], 1500, 300)}
    api.default = lambda request: replies[request.tile_number]
    provider = make_provider(tile_size=100, overlap=0.2, model="claude-sonnet-4-5")

    provider.detect_page(page_png(180, 100), 180, 100, page_index=0)
    provider.detect_page(page_png(60, 60), 60, 60, page_index=1)

    first, second = provider.usage
    assert first.cost_usd == pytest.approx(2500 * 3 / 1e6 + 500 * 15 / 1e6)
    assert replace(first, cost_usd=None) == PageUsage(
        page_index=0,
        tiles=2,
        input_tokens=2500,
        output_tokens=500,
        cost_usd=None,
        prompt_version="fixture_detection_v1",
        model="claude-sonnet-4-5",
        errors=[],
        requests=2,
    )
    assert (second.page_index, second.tiles, second.input_tokens, second.output_tokens) == (1, 1, 1000, 200)


def test_unknown_model_price_is_reported_as_unknown_not_guessed(api: FakeAnthropic, make_provider) -> None:
    provider = make_provider(model="claude-imaginary-9")

    provider.detect_page(page_png(40, 40), 40, 40, page_index=0)

    assert provider.usage[0].cost_usd is None
    assert provider.usage[0].input_tokens == 1000
