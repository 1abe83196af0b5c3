"""The takeoff engine's settings as a resource (render resolution, page workers, vision provider)."""

import dagster as dg


class TakeoffEngine(dg.ConfigurableResource):
    """How pages are rendered and analysed, so an operator can change it per run from the launchpad.

    ``render_dpi`` (0 = the ``PIPELINEOS_RENDER_DPI`` setting, as ``pipelineos ingest`` uses), ``workers``
    (page processes; 0 = one per core) and ``ai_provider`` (``offline``, ``auto``, ``claude``; empty = the
    ``PIPELINEOS_AI_PROVIDER`` setting, whose API key comes from ``ANTHROPIC_API_KEY``).
    """

    render_dpi: int = 0
    workers: int = 0
    ai_provider: str = ""

    def dpi(self) -> int:
        """The resolution pages are rendered at."""
        from pipelineos.settings import get_settings

        return self.render_dpi or get_settings().render_dpi

    def worker_count(self) -> int | None:
        """Processes for the pages (None = one per core)."""
        return self.workers or None
