"""Retries, timeouts and malformed answers: the provider recovers or fails clearly, and never crashes."""

from __future__ import annotations

import logging
import socket
import time

import pytest
from anthropic_fake import FakeAnthropic, Reply, error_reply, page_png, tool_reply

from pipelineos.ai import VisionProviderError
from pipelineos.ai.retry import RetryPolicy
from pipelineos.takeoff.models import TakeoffInputError

GOOD = {"class": "shower", "box": [4, 4, 12, 12], "confidence": 0.75}


def test_429_waits_for_retry_after_then_succeeds(api: FakeAnthropic, make_provider) -> None:
    api.queue(error_reply(429, headers={"retry-after": "1"}), tool_reply([GOOD]))
    provider = make_provider()

    found = provider.detect_page(page_png(40, 40), 40, 40, page_index=0)

    assert [(d.fixture_class, d.bbox) for d in found] == [("shower", pytest.approx((0.1, 0.1, 0.3, 0.3)))]
    first, second = api.requests
    assert second.received_at - first.received_at >= 0.95  # base_delay is 1 ms: only retry-after explains this
    usage = provider.usage[0]
    assert usage.requests == 2
    assert usage.errors == ["page 0 tile 1/1: attempt 1 failed: HTTP 429: fake rate_limit_error; retrying in 1.00s"]


@pytest.mark.parametrize("status", [500, 503, 529])
def test_server_error_then_success(api: FakeAnthropic, make_provider, status: int) -> None:
    api.queue(error_reply(status), tool_reply([GOOD]))
    provider = make_provider()

    found = provider.detect_page(page_png(40, 40), 40, 40, page_index=0)

    assert [d.fixture_class for d in found] == ["shower"]
    assert len(api.requests) == 2
    assert f"HTTP {status}" in provider.usage[0].errors[0]


def test_persistent_500_gives_a_clear_error_after_max_attempts(api: FakeAnthropic, make_provider) -> None:
    api.default = lambda request: error_reply(500)
    provider = make_provider(retry=RetryPolicy(max_attempts=3, base_delay=0.001, max_delay=0.01))

    with pytest.raises(VisionProviderError, match=r"page 2 tile 1/1 after 3 attempts; last error: HTTP 500"):
        provider.detect_page(page_png(40, 40), 40, 40, page_index=2)

    assert len(api.requests) == 3
    (usage,) = provider.usage
    assert (usage.page_index, usage.requests, usage.input_tokens, len(usage.errors)) == (2, 3, 0, 3)
    assert usage.errors[-1].endswith("giving up")


def test_bad_api_key_is_not_retried_and_says_what_to_fix(api: FakeAnthropic, make_provider) -> None:
    api.default = lambda request: error_reply(401)
    provider = make_provider()

    with pytest.raises(VisionProviderError, match="ANTHROPIC_API_KEY"):
        provider.detect_page(page_png(40, 40), 40, 40, page_index=0)

    assert len(api.requests) == 1


def test_timeout_is_retried(api: FakeAnthropic, make_provider) -> None:
    api.queue(Reply(body=tool_reply([]).body, delay=1.5), tool_reply([GOOD]))
    provider = make_provider(timeout_seconds=0.3)

    started = time.monotonic()
    found = provider.detect_page(page_png(40, 40), 40, 40, page_index=0)

    assert time.monotonic() - started < 1.4  # did not wait for the slow answer
    assert [d.fixture_class for d in found] == ["shower"]
    assert len(api.requests) == 2
    assert "request timed out" in provider.usage[0].errors[0]


def test_persistent_timeout_fails_clearly(api: FakeAnthropic, make_provider) -> None:
    api.default = lambda request: Reply(body=tool_reply([]).body, delay=1.0)
    provider = make_provider(timeout_seconds=0.2, retry=RetryPolicy(max_attempts=2, base_delay=0.001))

    with pytest.raises(VisionProviderError, match="after 2 attempts; last error: request timed out"):
        provider.detect_page(page_png(40, 40), 40, 40, page_index=0)


def test_connection_refused_fails_clearly(make_provider) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    provider = make_provider(base_url=f"http://127.0.0.1:{closed_port}")

    with pytest.raises(VisionProviderError, match="after 3 attempts; last error: connection failed"):
        provider.detect_page(page_png(40, 40), 40, 40, page_index=0)


def test_malformed_items_are_dropped_and_good_ones_kept(
    api: FakeAnthropic, make_provider, caplog: pytest.LogCaptureFixture
) -> None:
    bad = [
        {"class": "bidet", "box": [1, 1, 5, 5], "confidence": 0.5},
        {"class": "urinal", "box": [1, 1, 5], "confidence": 0.5},
        {"class": "urinal", "box": [1, 1, 5, "9"], "confidence": 0.5},
        {"class": "urinal", "box": [1, 1, 5, True], "confidence": 0.5},
        {"class": "urinal", "box": [1, 1, 5, 10**400], "confidence": 0.5},
        {"class": "urinal", "box": [0, 0, 41, 10], "confidence": 0.5},
        {"class": "urinal", "box": [-1, 0, 10, 10], "confidence": 0.5},
        {"class": "urinal", "box": [10, 10, 5, 20], "confidence": 0.5},
        {"class": "urinal", "box": [1, 1, 5, 5], "confidence": 1.5},
        {"class": "urinal", "box": [1, 1, 5, 5], "confidence": "high"},
        {"box": [1, 1, 5, 5], "confidence": 0.5},
        "urinal at 1,1",
    ]
    api.queue(tool_reply([bad[0], GOOD, *bad[1:]]))
    provider = make_provider()

    with caplog.at_level(logging.WARNING, logger="pipelineos.ai"):
        found = provider.detect_page(page_png(40, 40), 40, 40, page_index=0)

    assert [(d.fixture_class, d.confidence) for d in found] == [("shower", 0.75)]
    errors = provider.usage[0].errors
    assert len(errors) == len(bad)
    assert "fixture #0 dropped: unknown class 'bidet'" in errors[0]
    assert "outside the 40x40 tile" in errors[5]
    assert sum("claude vision output dropped" in r.message for r in caplog.records) == len(bad)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ([{"type": "text", "text": "I see two toilets."}], "no report_fixtures tool call"),
        (
            [{"type": "tool_use", "id": "t", "name": "other_tool", "input": {}}],
            "no report_fixtures tool call",
        ),
        (
            [{"type": "tool_use", "id": "t", "name": "report_fixtures", "input": {"fixtures": "none"}}],
            "no 'fixtures'",
        ),
        ([{"type": "tool_use", "id": "t", "name": "report_fixtures", "input": {}}], "no 'fixtures' list"),
    ],
)
def test_answer_without_a_usable_tool_call_skips_the_tile(
    api: FakeAnthropic, make_provider, content: list[object], problem: str
) -> None:
    reply = tool_reply([])
    reply.body["content"] = content
    reply.body["stop_reason"] = "end_turn"
    api.queue(reply)
    provider = make_provider()

    assert provider.detect_page(page_png(40, 40), 40, 40, page_index=0) == []
    (error,) = provider.usage[0].errors
    assert problem in error
    assert provider.usage[0].input_tokens == 1000


def test_answer_cut_off_at_max_tokens_keeps_what_arrived_and_says_so(api: FakeAnthropic, make_provider) -> None:
    reply = tool_reply([GOOD])
    reply.body["stop_reason"] = "max_tokens"
    api.queue(reply)
    provider = make_provider(max_tokens=64)

    found = provider.detect_page(page_png(40, 40), 40, 40, page_index=0)

    assert [d.fixture_class for d in found] == ["shower"]
    assert provider.usage[0].errors == ["page 0 tile 1/1: answer cut off at max_tokens=64; fixtures may be missing"]


def test_unreadable_page_image_is_an_input_error_and_sends_nothing(api: FakeAnthropic, make_provider) -> None:
    provider = make_provider()

    with pytest.raises(TakeoffInputError, match="page 4: the rendered image is not a readable PNG"):
        provider.detect_page(b"%PDF-1.7 not an image", 100, 100, page_index=4)

    assert api.requests == []
