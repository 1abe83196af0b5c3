"""Benchmark the blueprint pipeline as production runs it (dagster-daemon on a fresh database); prints JSON.

1. ``latency``: upload → ``completed`` for a 2-sheet set, Dagster's launch time included: the first upload after
   the daemon is up, then ``--uploads`` more (median). Target: ≤ 30 s.
2. ``cores``: a ``--sheets``-sheet set (default 50) through the same daemon; CPU seconds of the daemon's whole
   process tree (code server, run worker, page workers) over the run, as a share of every core, per step and
   overall, with the CPU seconds of the busiest processes (both page workers busy = two similar figures).
   Target: both cores busy while pages are processed. Other processes share the cores, so each window also
   reports ``machine_busy`` (share of every core busy, anyone's work) and ``our_share_of_busy``: a
   ``core_utilization`` below 1 with ``machine_busy`` near 1 means the cores were busy and others took the rest.

Usage: ``.venv/bin/python bench/bench_pipeline.py [--uploads 3] [--sheets 50] [--skip-latency] [--skip-cores]
[--sets-dir DIR]``
"""

from __future__ import annotations

import argparse
import bisect
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
from typing import Any

import psycopg
from psycopg.rows import dict_row

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def plan_set(tmp: Path, sheets: int, seed: int) -> Path:
    """``sheets`` generated plumbing sheets (P-101 …) joined into one PDF; seeds the generator rejects are skipped.

    A set already generated in ``tmp`` (see ``--sets-dir``) is reused.
    """
    import pymupdf

    from pipelineos.samples.generator import generate_sheet

    out = tmp / f"set-{sheets}-{seed}.pdf"
    if out.exists():
        return out
    out_dir = tmp / f"s{sheets}-{seed}"
    out_dir.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    attempt = seed
    while len(paths) < sheets:
        number = f"P-{101 + len(paths)}"
        with contextlib.suppress(Exception):  # a generator corner case for this seed; any sheet will do
            paths.append(
                generate_sheet(out_dir / f"{number}.pdf", sheet=number, level=len(paths) % 4 + 1, seed=attempt)
            )
        attempt += 1
    with pymupdf.open() as doc:
        for path in paths:
            with pymupdf.open(path) as sheet:
                doc.insert_pdf(sheet)
        doc.save(out)
    return out


class TreeCpu:
    """CPU seconds of a process and all its descendants (and of the whole machine), sampled every 0.1 s.

    Page workers are forked by a fork server (grandchildren the parent never waits for), so the tree is walked;
    a process that exits keeps the CPU time it had at its last sample. Per-process figures show whether both
    page workers were busy; the machine's busy time shows how much of the cores other processes took.
    """

    def __init__(self, pid: int) -> None:
        import psutil

        self._psutil = psutil
        self._root = psutil.Process(pid)
        self._seen: dict[int, float] = {}
        self.timeline: list[tuple[float, float, dict[int, float], float]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _machine_busy(self) -> float:
        times = self._psutil.cpu_times()
        return float(sum(times) - times.idle - getattr(times, "iowait", 0.0))

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            with contextlib.suppress(Exception):
                for proc in [self._root, *self._root.children(recursive=True)]:
                    with contextlib.suppress(Exception):
                        times = proc.cpu_times()
                        self._seen[proc.pid] = times.user + times.system
                snapshot = dict(self._seen)
                self.timeline.append((time.time(), sum(snapshot.values()), snapshot, self._machine_busy()))

    def _sample(self, when: float) -> tuple[float, float, dict[int, float], float]:
        index = bisect.bisect_right([t for t, *_ in self.timeline], when) - 1
        return self.timeline[max(index, 0)]

    def at(self, when: float) -> float:
        """CPU seconds used by the tree up to wall-clock time ``when`` (nearest earlier sample)."""
        return self._sample(when)[1]

    def between(self, start: float, end: float) -> tuple[float, list[float], float]:
        """Tree CPU seconds, CPU seconds per process (busiest first), machine busy CPU seconds in the window."""
        _, before, per_before, busy_before = self._sample(start)
        _, after, per_after, busy_after = self._sample(end)
        per = sorted((cpu - per_before.get(pid, 0.0) for pid, cpu in per_after.items()), reverse=True)
        return after - before, [round(c, 2) for c in per if c >= 0.05], busy_after - busy_before

    def close(self) -> None:
        self._stop.set()
        self._thread.join(1)


def register(org: str, path: Path, tag: str) -> str:
    from pipelineos.blueprints.service import register_file
    from pipelineos.db.pool import connection
    from pipelineos.storage import get_storage

    unique = path.with_name(f"{path.stem}-{tag}.pdf")
    unique.write_bytes(path.read_bytes() + f"\n%{tag}\n".encode())
    with connection() as conn:
        row = register_file(
            conn, get_storage(), organization_id=org, path=unique, original_name=unique.name, customer_email="b@x.io"
        )
    return str(row["id"])


def wait_completed(url: str, blueprint_id: str, started: float, timeout: float = 600) -> dict[str, Any]:
    """Poll until the blueprint is completed/failed; seconds from registration to the run marking it processing,
    to its detections, to its bid, to ``completed``."""
    query = (
        "select b.status, b.error, extract(epoch from b.started_at - b.created_at) as run_started,"
        " extract(epoch from (select max(d.created_at) from fixture_detections d where d.blueprint_id = b.id)"
        " - b.created_at) as detections_written,"
        " extract(epoch from (select max(x.updated_at) from bids x where x.blueprint_id = b.id)"
        " - b.created_at) as bid_priced,"
        " extract(epoch from b.completed_at - b.created_at) as completed,"
        " extract(epoch from b.created_at) as created_epoch from blueprints b where b.id = %s"
    )
    row: dict[str, Any] = {"status": "timeout", "error": None}
    with psycopg.connect(url, autocommit=True, row_factory=dict_row) as conn:
        while time.monotonic() - started < timeout:
            row = conn.execute(query, (blueprint_id,)).fetchone() or row
            if row["status"] in ("completed", "failed"):
                break
            time.sleep(0.25)
    skip = ("status", "error", "created_epoch")
    split = {k: round(float(v), 2) for k, v in row.items() if k not in skip and v is not None}
    outcome = {"status": row["status"], "error": row["error"], "seconds": round(time.monotonic() - started, 2)}
    return {**outcome, **split, "created_epoch": float(row.get("created_epoch") or 0)}


def dagster_split(home: Path, blueprint_id: str, created_epoch: float) -> dict[str, Any]:
    """Where an upload's seconds went in Dagster: sensor → run created → run process started → first step, and
    each step's seconds."""
    import dagster as dg

    with dg.DagsterInstance.from_config(str(home)) as instance:
        (record,) = instance.get_run_records(dg.RunsFilter(tags={"pipelineos/blueprint": blueprint_id}), limit=1)
    _, steps = run_steps(home, blueprint_id)
    started = record.start_time or record.create_timestamp.timestamp()
    return {
        "upload_to_run_created": round(record.create_timestamp.timestamp() - created_epoch, 2),
        "run_created_to_process_started": round(started - record.create_timestamp.timestamp(), 2),
        "process_started_to_first_step": round(steps[0][1] - started, 2) if steps else None,
        "steps": {name: round(end - begin, 2) for name, begin, end in steps},
    }


def upload_latency(home: Path, url: str, org: str, path: Path, tag: str) -> dict[str, Any]:
    """Register ``path`` as a new upload, wait for ``completed``, and split the seconds."""
    blueprint_id = register(org, path, tag)
    outcome = wait_completed(url, blueprint_id, time.monotonic())
    created = outcome.pop("created_epoch")
    with contextlib.suppress(Exception):  # the split is extra detail; a missing run record must not end the bench
        outcome["dagster"] = dagster_split(home, blueprint_id, created)
    return outcome


def run_steps(home: Path, blueprint_id: str) -> tuple[str, list[tuple[str, float, float]]]:
    """The blueprint's pipeline run id and its steps as ``(step, wall-clock start, end)``."""
    import dagster as dg

    with dg.DagsterInstance.from_config(str(home)) as instance:
        (run,) = instance.get_runs(dg.RunsFilter(tags={"pipelineos/blueprint": blueprint_id}), limit=1)
        starts: dict[str, float] = {}
        steps = []
        for event in instance.all_logs(run.run_id):
            kind = event.dagster_event.event_type_value if event.dagster_event else ""
            if kind == "STEP_START":
                starts[event.step_key or ""] = event.timestamp
            elif kind in ("STEP_SUCCESS", "STEP_FAILURE") and event.step_key in starts:
                steps.append((event.step_key or "", starts[event.step_key or ""], event.timestamp))
    return run.run_id, steps


def core_use(cpu: TreeCpu, start: float, end: float, cores: int) -> dict[str, Any]:
    """Wall seconds, our CPU seconds and share of every core, the busiest processes, and the machine's load."""
    span = end - start
    used, per_process, machine = cpu.between(start, end)
    measurable = span > 0.2
    return {
        "seconds": round(span, 2),
        "cpu_seconds": round(used, 2),
        "core_utilization": round(used / (span * cores), 2) if measurable else None,
        "busiest_processes_cpu_seconds": per_process[:4],
        "machine_busy": round(machine / (span * cores), 2) if measurable else None,
        "our_share_of_busy": round(used / machine, 2) if measurable and machine > 0 else None,
    }


def bench(url: str, org: str, tmp: Path, sets: Path, uploads: int, sheets: int, latency: bool, cores_run: bool) -> dict:
    import psutil

    from pipelineos.blueprints.processing.parallel import worker_count
    from pipelineos.platform.dagster_home import ensure_dagster_home

    home = ensure_dagster_home(tmp / "dagster", url)
    log = (tmp / "daemon.log").open("wb")
    daemon = subprocess.Popen(
        [str(Path(sys.executable).parent / "dagster-daemon"), "run", "-w", str(REPO / "workspace.yaml")],
        env={**os.environ, "DAGSTER_HOME": str(home)},
        cwd=REPO,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    cpu = TreeCpu(daemon.pid)
    report: dict[str, Any] = {"cores": worker_count()}
    try:
        small = plan_set(sets, 2, seed=11)
        big = plan_set(sets, sheets, seed=5) if cores_run else None
        time.sleep(10)  # the daemon loads the code location and starts its sensor loop
        if latency:
            first = upload_latency(home, url, org, small, "first")
            runs = [upload_latency(home, url, org, small, f"warm-{i}") for i in range(uploads)]
            report["latency_2_sheets"] = {
                "first_upload": first,
                "uploads": runs,
                "median_seconds": round(statistics.median(r["seconds"] for r in runs), 2) if runs else None,
                "target_seconds": 30,
                "load_average_1m": round(os.getloadavg()[0], 2),
            }
            print(json.dumps(report["latency_2_sheets"]), file=sys.stderr)
        if big is not None:
            psutil.cpu_percent()
            blueprint_id = register(org, big, "cores")
            outcome = wait_completed(url, blueprint_id, time.monotonic())
            outcome.pop("created_epoch")
            machine = psutil.cpu_percent() / 100
            run_id, steps = run_steps(home, blueprint_id)
            cores = report["cores"]
            report[f"cores_{sheets}_sheets"] = {
                **outcome,
                "run_id": run_id,
                "run": core_use(cpu, steps[0][1], steps[-1][2], cores) if steps else None,
                "steps": {name: core_use(cpu, start, end, cores) for name, start, end in steps if end - start > 0.5},
                "machine_utilization_all_processes": round(machine, 2),
                "load_average_1m": round(os.getloadavg()[0], 2),
            }
    finally:
        cpu.close()
        os.killpg(daemon.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            daemon.wait(20)
        with contextlib.suppress(ProcessLookupError):  # a code server can outlive the daemon
            os.killpg(daemon.pid, signal.SIGKILL)
        daemon.wait(5)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--uploads", type=int, default=3)
    parser.add_argument("--sheets", type=int, default=50)
    parser.add_argument("--skip-latency", action="store_true")
    parser.add_argument("--skip-cores", action="store_true")
    parser.add_argument("--sets-dir", type=Path, help="Keep generated plan sets here and reuse them next time.")
    args = parser.parse_args()

    from aiosmtpd.controller import Controller

    from pipelineos.net import free_loopback_port
    from pipelineos.testing import SmtpSink, SmtpSinkHandler, create_test_database, drop_test_database, test_server_url

    admin = test_server_url()
    name, url = create_test_database(admin, prefix="bench")
    tmp = Path(tempfile.mkdtemp(prefix="pipelineos-bench-"))
    sink = SmtpSink("127.0.0.1", free_loopback_port())  # proposal emails are delivered, so nothing waits to retry
    smtp = Controller(SmtpSinkHandler(sink), hostname=sink.host, port=sink.port)
    smtp.start()
    os.environ.update(
        PIPELINEOS_DATABASE_URL=url,
        PIPELINEOS_HOME=str(tmp / "home"),
        PIPELINEOS_AI_PROVIDER="offline",
        PIPELINEOS_SMTP_HOST=sink.host,
        PIPELINEOS_SMTP_PORT=str(sink.port),
        PIPELINEOS_LOG_JSON="false",
    )
    report: dict[str, Any] = {"benchmark": "pipeline", "cpu_count": os.cpu_count()}
    try:
        from pipelineos.db.seed import seed_demo

        with psycopg.connect(url, row_factory=dict_row) as conn:
            org = seed_demo(conn, "bench@example.com", "bench-password-123").organization_id
        sets = args.sets_dir or tmp
        sets.mkdir(parents=True, exist_ok=True)
        report |= bench(url, org, tmp, sets, args.uploads, args.sheets, not args.skip_latency, not args.skip_cores)
    finally:
        from pipelineos.db.pool import close_pool

        close_pool()
        drop_test_database(admin, name)
        smtp.stop()
    report["emails_delivered"] = len(sink.messages)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
