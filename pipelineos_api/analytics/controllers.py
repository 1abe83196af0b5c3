"""Analytics routes (any authenticated member)."""

from __future__ import annotations

from litestar import Controller, get

from pipelineos.analytics import service
from pipelineos.auth.tokens import Principal
from pipelineos_api.analytics.schemas import Summary
from pipelineos_api.auth.guards import viewer
from pipelineos_api.platform.db import tx
from pipelineos_api.platform.schemas import to_struct


class AnalyticsController(Controller):
    path = "/api/analytics"
    tags = ["analytics"]
    guards = [viewer]

    @get("/summary", operation_id="analyticsSummary")
    async def summary(self, principal: Principal) -> Summary:
        """Win rate, revenue by month, lead funnel, response times, fixture mix and detection precision."""
        return to_struct(await tx(service.summary, principal.organization_id), Summary)
