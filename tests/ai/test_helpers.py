"""Pure helpers: tile grids, send sizes, box mapping, merging, backoff delays and prices."""

from __future__ import annotations

import itertools
import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import anthropic
import httpx2
import numpy as np
import pytest

from pipelineos.ai.geometry import containment, iou, merge_duplicates, tile_box_to_page
from pipelineos.ai.pricing import cost_usd
from pipelineos.ai.retry import RetryPolicy, backoff_delay, is_retryable
from pipelineos.ai.tiling import Tile, axis_starts, send_size, tile_grid
from pipelineos.takeoff.models import Detection


@pytest.mark.parametrize(
    ("length", "tile", "overlap", "starts"),
    [
        (100, 100, 0.15, [0]),
        (50, 100, 0.15, [0]),
        (180, 100, 0.2, [0, 80]),
        (3000, 1568, 0.15, [0, 716, 1432]),
        (400, 200, 0.0, [0, 200]),
        (201, 200, 0.0, [0, 1]),
    ],
)
def test_axis_starts(length: int, tile: int, overlap: float, starts: list[int]) -> None:
    assert axis_starts(length, tile, overlap) == starts


@pytest.mark.parametrize(("width", "height"), [(3300, 2550), (5100, 3300), (1568, 1568), (999, 4000)])
def test_tile_grid_covers_the_page_with_the_requested_overlap(width: int, height: int) -> None:
    tiles = tile_grid(width, height, 1568, 0.15)
    covered = np.zeros((height, width), dtype=bool)
    for t in tiles:
        assert t.x0 + t.width <= width and t.y0 + t.height <= height
        covered[t.y0 : t.y0 + t.height, t.x0 : t.x0 + t.width] = True
    assert covered.all()
    for starts in ({t.x0 for t in tiles}, {t.y0 for t in tiles}):
        assert all(b - a <= int(1568 * 0.85) for a, b in itertools.pairwise(sorted(starts)))


def test_tile_grid_rejects_nonsense() -> None:
    with pytest.raises(ValueError, match="overlap"):
        tile_grid(100, 100, 50, 1.0)


@pytest.mark.parametrize(
    ("size", "sent"),
    [
        ((1000, 1000), (1000, 1000)),
        ((1568, 1568), (1072, 1072)),
        ((2000, 500), (1568, 392)),
        ((1568, 700), (1568, 700)),
    ],
)
def test_send_size_stays_inside_api_limits(size: tuple[int, int], sent: tuple[int, int]) -> None:
    assert send_size(*size, max_edge=1568, max_pixels=1_150_000) == sent


def test_tile_box_to_page_scales_and_offsets() -> None:
    tile = Tile(index=4, x0=1000, y0=500, width=1568, height=1568)
    bbox = tile_box_to_page((0, 0, 536, 1072), tile, (1072, 1072), (4000, 3000))
    assert bbox == pytest.approx((1000 / 4000, 500 / 3000, 1784 / 4000, 2068 / 3000))


def det(cls: str, box: tuple[float, float, float, float], conf: float) -> Detection:
    return Detection(fixture_class=cls, bbox=box, confidence=conf, method="claude_vision")


def test_iou_and_containment() -> None:
    a, b = (0.0, 0.0, 0.2, 0.2), (0.1, 0.0, 0.3, 0.2)
    assert iou(a, b) == pytest.approx(1 / 3)
    assert containment((0.0, 0.0, 0.4, 0.4), (0.1, 0.1, 0.2, 0.2)) == pytest.approx(1.0)
    assert iou(a, (0.5, 0.5, 0.6, 0.6)) == 0.0


def test_merge_keeps_distinct_fixtures_and_classes_apart() -> None:
    side_by_side = [det("lavatory", (0.1, 0.1, 0.2, 0.2), 0.9), det("lavatory", (0.21, 0.1, 0.31, 0.2), 0.8)]
    same_place_other_class = [det("shower", (0.1, 0.1, 0.2, 0.2), 0.7)]
    merged = merge_duplicates(side_by_side + same_place_other_class)
    assert sorted((d.fixture_class, d.bbox[0]) for d in merged) == [
        ("lavatory", 0.1),
        ("lavatory", 0.21),
        ("shower", 0.1),
    ]


def test_merge_joins_overlap_copies_keeping_best_confidence() -> None:
    merged = merge_duplicates([det("urinal", (0.1, 0.1, 0.2, 0.2), 0.6), det("urinal", (0.11, 0.1, 0.2, 0.2), 0.8)])
    assert [(d.bbox, d.confidence) for d in merged] == [((0.11, 0.1, 0.2, 0.2), 0.8)]


def status_error(status: int, headers: dict[str, str] | None = None) -> anthropic.APIStatusError:
    request = httpx2.Request("POST", "http://127.0.0.1/v1/messages")
    response = httpx2.Response(status, headers=headers or {}, request=request)
    cls = {429: anthropic.RateLimitError, 500: anthropic.InternalServerError}.get(status, anthropic.APIStatusError)
    return cls("boom", response=response, body=None)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"retry-after": "7"}, 7.0),
        ({"retry-after-ms": "250"}, 0.25),
        ({"retry-after-ms": "bad", "retry-after": "5"}, 5.0),
        ({"retry-after": "3600"}, 60.0),
        ({"retry-after": "in 30 seconds"}, 30.0),  # replaced by an HTTP date 30 s ahead, built at run time
    ],
)
def test_backoff_respects_retry_after_up_to_the_cap(headers: dict[str, str], expected: float) -> None:
    if headers.get("retry-after") == "in 30 seconds":
        headers = {"retry-after": format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)}
    delay = backoff_delay(status_error(429, headers), 1, RetryPolicy(max_retry_after=60.0), random.Random(0))
    assert delay == pytest.approx(expected, abs=1.5)


@pytest.mark.parametrize("headers", [{}, {"retry-after": "soon"}, {"retry-after-ms": "x"}])
def test_missing_or_unreadable_retry_after_falls_back_to_backoff(headers: dict[str, str]) -> None:
    delay = backoff_delay(status_error(429, headers), 3, RetryPolicy(base_delay=1.0), random.Random(0))
    assert 2.0 <= delay <= 4.0


def test_backoff_is_exponential_with_jitter_and_capped() -> None:
    policy = RetryPolicy(base_delay=1.0, max_delay=5.0)
    rng = random.Random(1)
    delays = [[backoff_delay(status_error(500), n, policy, rng) for _ in range(50)] for n in (1, 2, 3, 6)]
    for attempt_delays, ceiling in zip(delays, (1.0, 2.0, 4.0, 5.0), strict=True):
        assert all(ceiling / 2 <= d <= ceiling for d in attempt_delays)
        assert len({round(d, 6) for d in attempt_delays}) > 40  # jitter, not a fixed value


@pytest.mark.parametrize(
    ("status", "retry"),
    [(400, False), (401, False), (404, False), (408, True), (429, True), (500, True), (529, True)],
)
def test_which_statuses_are_retried(status: int, retry: bool) -> None:
    assert is_retryable(status_error(status)) is retry


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        ("claude-sonnet-4-5", 3.0 + 15.0),
        ("claude-sonnet-4-5-20250929", 3.0 + 15.0),
        ("claude-haiku-4-5", 1.0 + 5.0),
        ("claude-opus-4-5", 5.0 + 25.0),
        ("claude-opus-4-7", None),
    ],
)
def test_cost_per_million_tokens(model: str, expected: float | None) -> None:
    assert cost_usd(model, 1_000_000, 1_000_000) == (pytest.approx(expected) if expected else None)
