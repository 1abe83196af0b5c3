"""Warm-up of the page pool's fork server: imported there once, so every forked page worker starts warm.

Importing this module (only the fork server does) loads PyMuPDF, OpenCV and the takeoff engine, limits OpenCV
to one thread per process (pages are spread over processes, one per core; more threads would only contend),
and builds the built-in symbol templates, which every worker would otherwise build again for itself.
"""

from __future__ import annotations


def warm_up() -> None:
    """Load what every page needs, once, before workers are forked."""
    import cv2

    from pipelineos.blueprints.processing import detections, pages  # noqa: F401
    from pipelineos.takeoff import engine  # noqa: F401
    from pipelineos.takeoff.symbols.library import builtin_templates

    cv2.setNumThreads(1)
    builtin_templates()


warm_up()
