"""The background preload imports what it is given and only logs what it cannot import."""

from __future__ import annotations

import logging
import sys

from dashboard.utils.preload import HEAVY_MODULES, preload, start_preload


def test_preload_imports_modules_and_logs_failures(caplog):
    sys.modules.pop("colorsys", None)
    with caplog.at_level(logging.WARNING, logger="pipelineos.dashboard"):
        took = preload(("colorsys", "no_such_module_for_preload"))
    assert "colorsys" in sys.modules and set(took) == {"colorsys"}
    assert "preloading no_such_module_for_preload failed" in caplog.text


def test_preload_runs_in_a_daemon_thread_and_never_declares_components():
    thread = start_preload()
    assert thread.daemon
    thread.join(timeout=120)
    assert not thread.is_alive()
    assert not any("image_coordinates" in m for m in HEAVY_MODULES), "a component declared off-script 404s"
