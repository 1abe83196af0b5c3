"""AI services for the takeoff: the vision-provider interface, its Claude implementation and its selection.

The offline takeoff never needs this package's network code: :func:`get_vision_provider` returns ``None`` when
no provider is configured, and the Anthropic SDK is only imported when Claude is actually chosen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .base import PageUsage, VisionConfigError, VisionProvider, VisionProviderError
from .selection import PROVIDER_NAMES, get_vision_provider

if TYPE_CHECKING:
    from .claude import ClaudeVisionConfig, ClaudeVisionProvider
    from .retry import RetryPolicy

__all__ = [
    "PROVIDER_NAMES",
    "ClaudeVisionConfig",
    "ClaudeVisionProvider",
    "PageUsage",
    "RetryPolicy",
    "VisionConfigError",
    "VisionProvider",
    "VisionProviderError",
    "get_vision_provider",
]


def __getattr__(name: str) -> Any:
    """Import the Claude classes on first use, keeping `import pipelineos.ai` light for offline runs."""
    if name in ("ClaudeVisionConfig", "ClaudeVisionProvider"):
        from . import claude

        return getattr(claude, name)
    if name == "RetryPolicy":
        from .retry import RetryPolicy

        return RetryPolicy
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
