"""The Litestar application factory: routes, DI, exception map, middleware, OpenAPI.

Run with ``uvicorn --factory pipelineos_api.app:create_app --port 5000`` or ``python -m pipelineos_api``.
"""

from __future__ import annotations

from litestar import Litestar
from litestar.config.cors import CORSConfig
from litestar.datastructures import State
from litestar.routes import HTTPRoute

from pipelineos.settings import get_settings
from pipelineos_api.analytics.controllers import AnalyticsController
from pipelineos_api.auth.controllers import ApiKeysController, AuthController, UsersController
from pipelineos_api.auth.deps import DEPENDENCIES, CredentialsMiddleware
from pipelineos_api.auth.revocation import SessionRevocations
from pipelineos_api.bids.catalog_controllers import CatalogController
from pipelineos_api.bids.controllers import BidsController
from pipelineos_api.blueprints.controllers import BlueprintsController, PageImagesController
from pipelineos_api.config import ApiConfig
from pipelineos_api.leads.controllers import LeadsController
from pipelineos_api.leads.intake import OrganizationCache
from pipelineos_api.platform.asyncdb import async_statements_lifespan
from pipelineos_api.platform.controllers import HealthController
from pipelineos_api.platform.dispatch import dispatcher_lifespan
from pipelineos_api.platform.logging import configure_logging
from pipelineos_api.platform.middleware import RateLimitMiddleware, RequestContextMiddleware
from pipelineos_api.platform.openapi import finish_schema, openapi_config
from pipelineos_api.platform.problems import exception_handlers
from pipelineos_api.platform.ratelimit import TokenBuckets
from pipelineos_api.platform.strict import StrictBodyPlugin

CONTROLLERS = [
    HealthController,
    AuthController,
    UsersController,
    ApiKeysController,
    BlueprintsController,
    PageImagesController,
    BidsController,
    CatalogController,
    LeadsController,
    AnalyticsController,
]


def _allow_headers(app: Litestar) -> dict[str, bytes]:
    """``Allow`` per path template: Litestar's automatic OPTIONS handler can list only the first handler's
    methods when a path has several handlers, so the request-context middleware corrects it."""
    return {
        route.path_format: ", ".join(sorted(route.methods)).encode()
        for route in app.routes
        if isinstance(route, HTTPRoute)
    }


def create_app(config: ApiConfig | None = None) -> Litestar:
    """Build the API. ``config`` defaults to values derived from the shared settings."""
    settings = get_settings()
    config = config or ApiConfig.from_settings(settings)
    configure_logging(settings.log_level, settings.log_json)
    revocations = SessionRevocations(config.session_check_seconds)
    app = Litestar(
        route_handlers=CONTROLLERS,
        dependencies=DEPENDENCIES,
        exception_handlers=exception_handlers(),
        middleware=[lambda app: CredentialsMiddleware(app, config.jwt_secret, revocations)],
        cors_config=CORSConfig(
            allow_origins=list(config.cors_origins),
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
            allow_headers=["Authorization", "Content-Type", "Idempotency-Key", "X-Request-ID", "X-API-Key"],
            expose_headers=["X-Request-ID", "Retry-After", "Location", "Content-Disposition"],
            max_age=600,
        ),
        openapi_config=openapi_config(),
        plugins=[StrictBodyPlugin()],
        lifespan=[async_statements_lifespan, dispatcher_lifespan],
        state=State(
            {
                "config": config,
                "org_cache": OrganizationCache(),
                "revocations": revocations,
            }
        ),
        request_max_body_size=1024 * 1024,
        debug=False,
        logging_config=None,
    )
    finish_schema(app)
    buckets = TokenBuckets(config.rate_limit_per_second, config.rate_limit_burst)
    app.state.buckets = buckets
    app.asgi_handler = RequestContextMiddleware(  # type: ignore[method-assign]
        RateLimitMiddleware(app.asgi_handler, buckets, config.trusted_proxies, config.exempt_paths),
        allow=_allow_headers(app),
    )
    return app
