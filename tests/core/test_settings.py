"""Settings: one cached object, environment over defaults, every variable documented in .env.example."""

from __future__ import annotations

import pytest

from pipelineos.settings import REPO_ROOT, Settings, get_settings


def _env_name(field: str) -> str:
    return "ANTHROPIC_API_KEY" if field == "anthropic_api_key" else f"PIPELINEOS_{field.upper()}"


def test_every_setting_is_listed_in_env_example() -> None:
    listed = {
        line.split("=", 1)[0]
        for line in (REPO_ROOT / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    }
    expected = {_env_name(name) for name in Settings.model_fields}
    assert expected - listed == set(), "add the missing variables to .env.example"
    assert listed - expected == set(), "remove variables that no longer exist from .env.example"


def test_environment_overrides_defaults_and_is_cached(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIPELINEOS_UPLOAD_MAX_BYTES", "1234")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test")
    get_settings.cache_clear()
    try:
        settings = get_settings()
        assert settings.upload_max_bytes == 1234
        assert settings.anthropic_api_key is not None
        assert settings.anthropic_api_key.get_secret_value() == "sk-test"
        assert get_settings() is settings
    finally:
        get_settings.cache_clear()


def test_bad_environment_value_fails_on_first_use_not_on_import(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIPELINEOS_API_PORT", "not-a-number")
    get_settings.cache_clear()
    try:
        with pytest.raises(ValueError, match="api_port"):
            get_settings()
    finally:
        monkeypatch.delenv("PIPELINEOS_API_PORT")
        get_settings.cache_clear()
