"""Code and data versions recorded on every row the pipeline writes (lineage)."""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import metadata


@cache
def code_version() -> str:
    """The PipelineOS release that computed a row, e.g. ``pipelineos-0.1.0``."""
    try:
        return f"pipelineos-{metadata.version('pipelineos')}"
    except metadata.PackageNotFoundError:
        return "pipelineos-dev"


def detector_version() -> str:
    """The takeoff engine's detector version."""
    from pipelineos.takeoff.models import DETECTOR_VERSION

    return DETECTOR_VERSION


def data_version(*parts: object) -> str:
    """A short, stable digest of the inputs a row was computed from."""
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()
    return digest[:16]
