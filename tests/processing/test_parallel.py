"""The page pool: every core, page order kept, workers forked warm from the fork server."""

from __future__ import annotations

import os
import time

import pytest

from pipelineos.blueprints.processing.parallel import map_pages, prestart, worker_count


def pid_after(seconds: float, index: int) -> tuple[int, int]:
    """Which process ran call ``index`` (each call takes ``seconds``, so both workers get some)."""
    time.sleep(seconds)
    return index, os.getpid()


def worker_state() -> dict[str, int]:
    """What a freshly forked worker holds before it has done any page."""
    import cv2

    from pipelineos.takeoff.symbols.library import builtin_templates

    return {"cv2_threads": cv2.getNumThreads(), "templates_cached": builtin_templates.cache_info().currsize}


def fail_on(index: int) -> int:
    if index == 2:
        raise ValueError(f"page {index + 1} is broken")
    return index


@pytest.mark.skipif(worker_count() < 2, reason="needs two cores")
def test_pages_spread_over_worker_processes_in_order() -> None:
    done: list[int] = []
    results = map_pages(pid_after, [(0.3, i) for i in range(6)], on_done=done.append)
    assert [index for index, _ in results] == list(range(6)) and done == list(range(6))
    pids = {pid for _, pid in results}
    assert len(pids) == 2 and os.getpid() not in pids


@pytest.mark.skipif(worker_count() < 2, reason="needs two cores")
def test_workers_start_warm_and_single_threaded() -> None:
    prestart()  # as a run's first step does; the pool below then finds the server running
    states = map_pages(worker_state, [(), ()])
    assert states == [{"cv2_threads": 1, "templates_cached": 1}] * 2


def test_one_worker_runs_in_this_process() -> None:
    assert {pid for _, pid in map_pages(pid_after, [(0, 0), (0, 1)], workers=1)} == {os.getpid()}


def test_an_error_in_a_page_propagates() -> None:
    with pytest.raises(ValueError, match="page 3 is broken"):
        map_pages(fail_on, [(i,) for i in range(4)], workers=2)
