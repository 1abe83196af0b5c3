"""API-only configuration derived from the shared settings.

Values that the shared ``Settings`` does not define (yet) fall back to the defaults here; ``create_app`` also
accepts an explicit :class:`ApiConfig` so tests and benchmarks can tighten or loosen limits.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipelineos.settings import Settings, get_settings


@dataclass(frozen=True)
class ApiConfig:
    """Knobs of the HTTP layer."""

    rate_limit_per_second: float = 10.0
    rate_limit_burst: int = 20
    lead_rate_limit_per_minute: float = 5.0
    lead_rate_limit_burst: int = 5
    trusted_proxies: tuple[str, ...] = ()
    upload_max_bytes: int = 50 * 1024 * 1024
    cors_origins: tuple[str, ...] = ()
    dispatch_interval_seconds: float = 1.0
    async_pool_size: int = 8
    """Connections of the async pool that serves the public lead form (see platform/asyncdb.py)."""
    run_dispatcher: bool = True
    jwt_secret: str = ""
    access_token_minutes: int = 15
    refresh_token_days: int = 7
    session_check_seconds: float = 5.0
    """How long an instance trusts its answer to "is this login still active?" (logout elsewhere)."""
    public_url: str = ""
    exempt_paths: tuple[str, ...] = field(default=("/api/health",))

    @property
    def tokens(self) -> dict[str, str | int]:
        """The token settings as keyword arguments of :mod:`pipelineos.auth.sessions`."""
        return {"secret": self.jwt_secret, "minutes": self.access_token_minutes, "days": self.refresh_token_days}

    @classmethod
    def from_settings(cls, settings: Settings | None = None, **overrides: object) -> ApiConfig:
        """Build from the shared settings; keyword arguments win."""
        s = settings or get_settings()
        values: dict[str, object] = {
            "rate_limit_per_second": float(s.rate_limit_per_second),
            "rate_limit_burst": s.rate_limit_burst,
            "lead_rate_limit_per_minute": s.lead_rate_limit_per_minute,
            "lead_rate_limit_burst": s.lead_rate_limit_burst,
            "trusted_proxies": tuple(s.trusted_proxies),
            "upload_max_bytes": int(s.upload_max_bytes),
            "cors_origins": tuple(s.cors_origins),
            "jwt_secret": s.jwt_secret.get_secret_value(),
            "access_token_minutes": int(s.access_token_minutes),
            "refresh_token_days": int(s.refresh_token_days),
            "public_url": s.api_public_url.rstrip("/"),
        }
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]
