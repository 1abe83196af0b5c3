"""Choosing the vision provider from configuration: Claude when asked for (or available), else offline."""

from __future__ import annotations

from typing import Any

from pipelineos.settings import Settings, get_settings

from .base import VisionConfigError, VisionProvider

PROVIDER_NAMES = ("auto", "offline", "claude")


def _api_key(settings: Settings) -> str | None:
    secret = settings.anthropic_api_key
    key = secret.get_secret_value().strip() if secret is not None else ""
    return key or None


def get_vision_provider(
    name: str | None = None, *, settings: Settings | None = None, **overrides: Any
) -> VisionProvider | None:
    """The vision provider for ``name`` (default: the ``ai_provider`` setting), or ``None`` for offline only.

    ``auto`` gives Claude when an Anthropic API key is configured and ``None`` otherwise; ``offline`` always
    gives ``None``; ``claude`` gives Claude or raises :class:`VisionConfigError` saying which key to set.
    ``overrides`` are passed to :class:`~pipelineos.ai.claude.ClaudeVisionConfig` (e.g. ``tile_size``).
    """
    settings = settings or get_settings()
    choice = (name or settings.ai_provider).strip().lower()
    if choice not in PROVIDER_NAMES:
        raise VisionConfigError(f"unknown AI provider {name!r}; use one of {', '.join(PROVIDER_NAMES)}")
    if choice == "offline":
        return None
    if _api_key(settings) is None:
        if choice == "auto":
            return None
        raise VisionConfigError(
            "AI provider 'claude' needs an Anthropic API key: set ANTHROPIC_API_KEY "
            "(or PIPELINEOS_ANTHROPIC_API_KEY), or set PIPELINEOS_AI_PROVIDER=offline "
            "to use the offline takeoff."
        )
    from .claude import ClaudeVisionProvider

    return ClaudeVisionProvider.from_settings(settings, **overrides)
