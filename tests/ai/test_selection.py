"""get_vision_provider: which provider each configuration yields, and the errors a user can fix."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from pipelineos.ai import ClaudeVisionProvider, VisionConfigError, VisionProvider, get_vision_provider
from pipelineos.settings import Settings, get_settings

ENV = ("ANTHROPIC_API_KEY", "PIPELINEOS_ANTHROPIC_API_KEY", "PIPELINEOS_AI_PROVIDER", "ANTHROPIC_BASE_URL")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def settings(provider: str = "auto", key: str | None = None, **values: Any) -> Settings:
    return Settings(_env_file=None, ai_provider=provider, ANTHROPIC_API_KEY=key, **values)  # type: ignore[call-arg, arg-type]


@pytest.mark.parametrize(
    ("configured", "name", "key", "expected"),
    [
        ("auto", None, None, None),
        ("auto", None, "   ", None),
        ("auto", None, "sk-ant-x", ClaudeVisionProvider),
        ("offline", None, "sk-ant-x", None),
        ("claude", None, "sk-ant-x", ClaudeVisionProvider),
        ("claude", "offline", "sk-ant-x", None),
        ("offline", "claude", "sk-ant-x", ClaudeVisionProvider),
        ("offline", "AUTO", "sk-ant-x", ClaudeVisionProvider),
        ("claude", "auto", None, None),
    ],
)
def test_selection(configured: str, name: str | None, key: str | None, expected: type | None) -> None:
    provider = get_vision_provider(name, settings=settings(configured, key))
    if expected is None:
        assert provider is None
    else:
        assert isinstance(provider, expected) and isinstance(provider, VisionProvider)


def test_claude_without_a_key_says_which_variable_to_set() -> None:
    with pytest.raises(VisionConfigError, match=r"ANTHROPIC_API_KEY.*PIPELINEOS_AI_PROVIDER=offline"):
        get_vision_provider("claude", settings=settings("auto", None))


def test_unknown_provider_name_lists_the_choices() -> None:
    with pytest.raises(VisionConfigError, match="auto, offline, claude"):
        get_vision_provider("gpt", settings=settings())


def test_claude_provider_takes_model_url_and_redaction_from_settings() -> None:
    configured = settings(
        "claude",
        "sk-ant-x",
        anthropic_model="claude-haiku-4-5",
        anthropic_base_url="http://127.0.0.1:9",
        ai_redact_title_block=False,
    )
    provider = get_vision_provider(settings=configured, tile_size=800)
    assert isinstance(provider, ClaudeVisionProvider)
    cfg = provider.config
    assert (cfg.model, cfg.base_url, cfg.redact_title_block, cfg.tile_size) == (
        "claude-haiku-4-5",
        "http://127.0.0.1:9",
        False,
        800,
    )
    provider.close()


def test_default_reads_the_process_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIPELINEOS_AI_PROVIDER", "claude")
    with pytest.raises(VisionConfigError):
        get_vision_provider()
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-from-env")
    get_settings.cache_clear()
    provider = get_vision_provider()
    assert isinstance(provider, ClaudeVisionProvider)
    provider.close()
