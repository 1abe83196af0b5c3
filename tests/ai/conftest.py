"""Fixtures for the AI tests: the fake Anthropic API on loopback and providers pointed at it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from anthropic_fake import API_KEY, FAST_RETRY, FakeAnthropic, start_server

from pipelineos.ai.claude import ClaudeVisionConfig, ClaudeVisionProvider


@pytest.fixture()
def api() -> Iterator[FakeAnthropic]:
    """A fake Anthropic API on an ephemeral 127.0.0.1 port."""
    state = FakeAnthropic()
    server = start_server(state)
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture()
def make_provider(api: FakeAnthropic) -> Iterator[Callable[..., ClaudeVisionProvider]]:
    """Build providers pointed at the fake API with tiny backoff; closed after the test."""
    made: list[ClaudeVisionProvider] = []

    def build(**overrides: Any) -> ClaudeVisionProvider:
        options: dict[str, Any] = {"base_url": api.url, "retry": FAST_RETRY, "timeout_seconds": 5.0}
        options.update(overrides)
        provider = ClaudeVisionProvider(API_KEY, ClaudeVisionConfig(**options))
        made.append(provider)
        return provider

    yield build
    for provider in made:
        provider.close()
