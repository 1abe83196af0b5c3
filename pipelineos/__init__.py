"""PipelineOS domain core: everything the API, the Dagster assets, the dashboard and the notebooks share."""

from __future__ import annotations

__version__ = "0.1.0"
CODE_VERSION = f"pipelineos-{__version__}"
