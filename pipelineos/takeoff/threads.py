"""Keep BLAS single-threaded in the takeoff engine.

The matcher's matrix products are small (a few hundred candidates × a few hundred templates); a
multi-threaded BLAS spends far longer waking and spinning its threads than computing them, and on a busy
machine, or with one worker process per core, it slows a sheet several times over. Pages are spread over
processes instead (see :func:`pipelineos.takeoff.engine.analyze_document`).

The limit is set through each BLAS library's own entry point (as threadpoolctl does), for every one among the
shared objects this process has loaded (numpy and OpenCV each bring their own); when none is found nothing
changes.
"""

from __future__ import annotations

import ctypes
import logging
from functools import cache
from pathlib import Path

log = logging.getLogger(__name__)

SETTERS = (
    "scipy_openblas_set_num_threads64_",
    "scipy_openblas_set_num_threads",
    "openblas_set_num_threads64_",
    "openblas_set_num_threads",
    "MKL_Set_Num_Threads",
)
"""Thread-count setters of the BLAS builds numpy ships or links (OpenBLAS, its scipy build, MKL)."""


def _loaded_blas_libraries() -> list[str]:
    """Paths of the loaded shared objects that look like a BLAS (from /proc/self/maps; empty elsewhere)."""
    try:
        maps = Path("/proc/self/maps").read_text()
    except OSError:
        return []
    found: list[str] = []
    for line in maps.splitlines():
        path = line.split(maxsplit=5)[-1] if line.count(" ") >= 5 else ""
        name = Path(path).name.lower()
        if path.startswith("/") and ("openblas" in name or "mkl_rt" in name) and path not in found:
            found.append(path)
    return found


@cache
def single_threaded_blas() -> int:
    """Limit every loaded BLAS (numpy's, OpenCV's …) to one thread in this process, once; how many were set."""
    import numpy  # noqa: F401  (loads the BLAS numpy links)

    limited = 0
    for path in _loaded_blas_libraries():
        try:
            library = ctypes.CDLL(path)
        except OSError:
            continue
        setter = next((getattr(library, name) for name in SETTERS if hasattr(library, name)), None)
        if setter is not None:
            setter(1)
            limited += 1
    if not limited:
        log.debug("no BLAS thread setter found; BLAS keeps its default thread count")
    return limited
