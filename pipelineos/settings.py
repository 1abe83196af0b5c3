"""One cached settings object for every PipelineOS process.

Values come from the real environment first, then a `.env` file, then the defaults below. Nothing here is read
at import time: call :func:`get_settings` where a value is needed.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Configuration for the core, the API, the Dagster code location and the dashboard."""

    model_config = SettingsConfigDict(env_prefix="PIPELINEOS_", env_file=".env", extra="ignore")

    home: Path = Field(default=Path(".pipelineos"), description="Data directory: files, embedded database.")
    database_url: str | None = Field(default=None, description="PostgreSQL URL; unset = embedded server.")
    db_pool_min: int = 1
    db_pool_max: int = 10

    upload_max_bytes: int = 50 * 1024 * 1024
    max_image_pixels: int = 200_000_000
    render_dpi: int = 100

    jwt_secret: SecretStr = SecretStr("change-me-in-production-please-32bytes!")
    access_token_minutes: int = 15
    refresh_token_days: int = 7
    admin_email: str = "admin@example.com"
    admin_password: SecretStr | None = None

    api_host: str = "127.0.0.1"
    api_port: int = 5000
    api_public_url: str = "http://127.0.0.1:5000"
    cors_origins: list[str] = Field(default_factory=lambda: ["http://127.0.0.1:8501", "http://localhost:8501"])
    rate_limit_per_second: int = 10
    rate_limit_burst: int = 20
    lead_rate_limit_per_minute: float = 5.0
    lead_rate_limit_burst: int = 5
    trusted_proxies: list[str] = Field(
        default_factory=list, description="Proxy addresses whose X-Forwarded-For is believed (rate limits)."
    )
    dashboard_port: int = 8501
    dagster_port: int = 3000
    dagster_max_concurrent_runs: int = 2

    smtp_host: str = "127.0.0.1"
    smtp_port: int = 1025
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_security: Literal["none", "starttls", "tls"] = "none"
    smtp_timeout_seconds: float = 10.0
    mail_from: str = "PipelineOS <bids@pipelineos.local>"
    outbox_max_attempts: int = 6
    outbox_backoff_seconds: float = 30.0

    sms_provider: Literal["local", "twilio"] = "local"
    sms_api_url: str = "https://api.twilio.com"
    sms_account_sid: str | None = None
    sms_auth_token: SecretStr | None = None
    sms_from: str | None = None

    ai_provider: Literal["auto", "offline", "claude"] = "auto"
    anthropic_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("ANTHROPIC_API_KEY", "PIPELINEOS_ANTHROPIC_API_KEY")
    )
    anthropic_base_url: str | None = None
    anthropic_model: str = "claude-sonnet-4-5"
    ai_redact_title_block: bool = True
    takeoff_max_pixels: int = 200_000_000
    """Largest page image the takeoff decodes (pixels); bigger ones are refused as possible decompression bombs."""
    takeoff_ocr: bool = True
    """Read scanned sheets' title block, legend and schedule with Tesseract (when installed)."""

    follow_up_hours: list[int] = Field(default_factory=lambda: [24, 72, 168])
    stale_bid_days: int = 14
    log_level: str = "INFO"
    log_json: bool = True

    @property
    def data_dir(self) -> Path:
        """Absolute data directory."""
        return self.home.expanduser().resolve()

    @property
    def storage_dir(self) -> Path:
        return self.data_dir / "files"

    @property
    def pgdata_dir(self) -> Path:
        return self.data_dir / "pgdata"

    @property
    def dagster_home(self) -> Path:
        return self.data_dir / "dagster"

    @property
    def sql_dir(self) -> Path:
        return REPO_ROOT / "sql"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the process-wide settings (cached; clear with ``get_settings.cache_clear()`` in tests)."""
    return Settings()
