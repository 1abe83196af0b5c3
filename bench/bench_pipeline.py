"""Benchmark the blueprint pipeline; prints JSON.

1. ``daemon``: upload → ``completed`` for a 2-sheet set with dagster-daemon running on a fresh database (the
   first upload after start, then the median of ``--uploads`` more), Dagster's launch time included.
2. ``cpu``: a 50-sheet set processed by the same code in this process; wall time, CPU seconds of this process
   and its page workers, and the share of both cores used per stage.

Usage: ``.venv/bin/python bench/bench_pipeline.py [--uploads 3] [--sheets 50] [--skip-daemon] [--skip-cpu]``
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psycopg
from psycopg.rows import dict_row

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def join_pdfs(paths: list[Path], out: Path) -> Path:
    import pymupdf

    with pymupdf.open() as doc:
        for path in paths:
            with pymupdf.open(path) as sheet:
                doc.insert_pdf(sheet)
        doc.save(out)
    return out


def plan_set(tmp: Path, sheets: int, seed: int) -> Path:
    """``sheets`` generated plumbing sheets (P-101 …) in one PDF; seeds the generator rejects are skipped."""
    from pipelineos.samples.generator import generate_sheet

    out_dir = tmp / f"s{sheets}-{seed}"
    out_dir.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    attempt = seed
    while len(paths) < sheets:
        number = f"P-{101 + len(paths)}"
        with contextlib.suppress(Exception):  # a generator corner case for this seed; any sheet will do
            level = len(paths) % 4 + 1
            paths.append(generate_sheet(out_dir / f"{number}.pdf", sheet=number, level=level, seed=attempt))
        attempt += 1
    return join_pdfs(paths, tmp / f"set-{sheets}-{seed}.pdf")


class TreeCpu:
    """CPU seconds of this process and every descendant (page workers are forked by a fork server, so they are
    grandchildren that RUSAGE_CHILDREN never sees); a thread samples the tree every 0.1 s."""

    def __init__(self) -> None:
        import psutil

        self._me = psutil.Process()
        self._seen: dict[int, float] = {}
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        for proc in [self._me, *self._me.children(recursive=True)]:
            try:
                times = proc.cpu_times()
            except Exception:
                continue
            with self._lock:
                self._seen[proc.pid] = times.user + times.system

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            self._sample()

    def __call__(self) -> float:
        self._sample()
        with self._lock:
            return sum(self._seen.values())

    def close(self) -> None:
        self._stop.set()


def register(org: str, path: Path, tag: str) -> str:
    from pipelineos.blueprints.service import register_file
    from pipelineos.db.pool import connection
    from pipelineos.storage import get_storage

    unique = path.with_name(f"{path.stem}-{tag}.pdf")
    unique.write_bytes(path.read_bytes() + f"\n%{tag}\n".encode())
    with connection() as conn:
        row = register_file(
            conn,
            get_storage(),
            organization_id=org,
            path=unique,
            original_name=unique.name,
            customer_email="bench@example.com",
        )
    return str(row["id"])


def wait_completed(url: str, blueprint_id: str, started: float, timeout: float = 180) -> dict:
    """Poll until the blueprint is completed/failed; with the split: registered → takeoff run started →
    detections written → bid priced → completed (seconds from registration)."""
    query = (
        "select b.status, extract(epoch from b.started_at - b.created_at) as run_started,"
        " extract(epoch from (select max(d.created_at) from fixture_detections d where d.blueprint_id = b.id)"
        " - b.created_at) as detections_written,"
        " extract(epoch from (select max(x.updated_at) from bids x where x.blueprint_id = b.id)"
        " - b.created_at) as bid_priced,"
        " extract(epoch from b.completed_at - b.created_at) as completed from blueprints b where b.id = %s"
    )
    status = "timeout"
    with psycopg.connect(url, autocommit=True, row_factory=dict_row) as conn:
        while time.monotonic() - started < timeout:
            row = conn.execute(query, (blueprint_id,)).fetchone()
            status = row["status"]
            if status in ("completed", "failed"):
                break
            time.sleep(0.25)
    split = {k: round(float(v), 2) for k, v in row.items() if k != "status" and v is not None}
    return {"status": status, "seconds": round(time.monotonic() - started, 2), "split": split}


def bench_daemon(url: str, org: str, tmp: Path, uploads: int) -> dict:
    import dagster as dg

    from pipelineos.platform.dagster_home import ensure_dagster_home

    home = ensure_dagster_home(tmp / "dagster", url)
    dg.DagsterInstance.from_config(str(home)).dispose()
    env = {**os.environ, "DAGSTER_HOME": str(home)}
    log = (tmp / "daemon.log").open("wb")
    daemon = subprocess.Popen(
        [str(Path(sys.executable).parent / "dagster-daemon"), "run", "-w", str(REPO / "workspace.yaml")],
        env=env,
        cwd=REPO,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        path = plan_set(tmp, 2, seed=11)
        time.sleep(8)  # let the daemon load the code location and start its sensor loop
        first = wait_completed(url, register(org, path, "first"), time.monotonic())
        runs = [wait_completed(url, register(org, path, f"warm-{i}"), time.monotonic()) for i in range(uploads)]
        return {
            "sheets": 2,
            "first_upload": first,
            "uploads": runs,
            "median_seconds": round(statistics.median(r["seconds"] for r in runs), 2) if runs else None,
            "target_seconds": 30,
            "load_average_1m": round(os.getloadavg()[0], 2),
        }
    finally:
        os.killpg(daemon.pid, signal.SIGTERM)
        try:
            daemon.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(daemon.pid, signal.SIGKILL)


def bench_cpu(org: str, tmp: Path, sheets: int) -> dict:
    from pipelineos.blueprints.processing.parallel import worker_count
    from pipelineos.blueprints.processing.pipeline import process_blueprint

    path = plan_set(tmp, sheets, seed=5)
    blueprint_id = register(org, path, "cpu")
    marks: dict[str, list[float]] = {}
    cpu_seconds = TreeCpu()

    def progress(stage: str, done: int, total: int) -> None:
        now, cpu = time.monotonic(), cpu_seconds()
        marks.setdefault(stage, [now, cpu, now, cpu])[2:] = [now, cpu]

    wall0, cpu0 = time.monotonic(), cpu_seconds()
    result = process_blueprint(blueprint_id, progress=progress, send=False)
    wall, cpu = time.monotonic() - wall0, cpu_seconds() - cpu0
    cpu_seconds.close()
    cores = worker_count()
    stages, previous = {}, (wall0, cpu0)
    for stage, (_, _, end, end_cpu) in marks.items():
        span, used = end - previous[0], end_cpu - previous[1]
        stages[stage] = {
            "seconds": round(span, 2),
            "cpu_seconds": round(used, 2),
            "core_utilization": round(used / (span * cores), 2) if span > 0 else None,
        }
        previous = (end, end_cpu)
    return {
        "sheets": sheets,
        "status": result.status,
        "error": result.error,
        "cores": cores,
        "wall_seconds": round(wall, 2),
        "cpu_seconds": round(cpu, 2),
        "core_utilization": round(cpu / (wall * cores), 2),
        "seconds_per_sheet": round(wall / sheets, 3),
        "fixtures": sum(result.fixtures.values()),
        "stages": stages,
        "load_average_1m": round(os.getloadavg()[0], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uploads", type=int, default=3)
    parser.add_argument("--sheets", type=int, default=50)
    parser.add_argument("--skip-daemon", action="store_true")
    parser.add_argument("--skip-cpu", action="store_true")
    args = parser.parse_args()

    from pipelineos.testing import create_test_database, drop_test_database, test_server_url

    admin = test_server_url()
    name, url = create_test_database(admin, prefix="bench")
    tmp = Path(tempfile.mkdtemp(prefix="pipelineos-bench-"))
    os.environ.update(
        PIPELINEOS_DATABASE_URL=url,
        PIPELINEOS_HOME=str(tmp / "home"),
        PIPELINEOS_AI_PROVIDER="offline",
        PIPELINEOS_SMTP_PORT="9",
        PIPELINEOS_LOG_JSON="false",
    )
    report: dict = {"benchmark": "pipeline", "cpu_count": os.cpu_count()}
    try:
        from pipelineos.db.seed import seed_demo

        with psycopg.connect(url, row_factory=dict_row) as conn:
            org = seed_demo(conn, "bench@example.com", "bench-password-123").organization_id
        if not args.skip_daemon:
            report["daemon_upload_to_completed"] = bench_daemon(url, org, tmp, args.uploads)
            print(json.dumps(report["daemon_upload_to_completed"]), file=sys.stderr)
        if not args.skip_cpu:
            report[f"cpu_{args.sheets}_sheets"] = bench_cpu(org, tmp, args.sheets)
    finally:
        from pipelineos.db.pool import close_pool

        close_pool()
        drop_test_database(admin, name)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
