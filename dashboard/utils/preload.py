"""Import the heavy libraries some pages need in the background, once per server process.

PyMuPDF (schedules on the review page, proposal previews), OpenCV (symbol search, revision compare) and Altair
take seconds to import on a small machine. The router starts :func:`start_preload` on its first run — while
the user is still on the sign-in form — so the first open of a page does not wait for them. A failed import
here is only logged: the page that needs the module imports it again and reports the error in its place.
"""

from __future__ import annotations

import importlib
import logging
import threading
import time

log = logging.getLogger("pipelineos.dashboard")

HEAVY_MODULES = (
    "numpy",
    "PIL.Image",
    "altair",
    "cv2",
    "pymupdf",
    "pipelineos.takeoff.inputs",
    "pipelineos.takeoff.schedule",
    "pipelineos.pricing.lifecycle",
    "pipelineos.pricing.service",
)
"""Never a module that declares a Streamlit component (``streamlit_image_coordinates``): declared outside a
script run, the component is not registered with the server and the browser gets a 404 for it."""


def preload(modules: tuple[str, ...] = HEAVY_MODULES) -> dict[str, float]:
    """Import ``modules`` in order; returns the seconds each took (a failure is logged and skipped)."""
    took: dict[str, float] = {}
    for name in modules:
        t0 = time.perf_counter()
        try:
            importlib.import_module(name)
        except Exception:
            log.warning("preloading %s failed", name, exc_info=True)
            continue
        took[name] = round(time.perf_counter() - t0, 3)
    return took


def start_preload() -> threading.Thread:
    """Run :func:`preload` in a daemon thread and return it."""
    thread = threading.Thread(target=preload, name="pipelineos-preload", daemon=True)
    thread.start()
    return thread
