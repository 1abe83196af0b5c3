"""API load benchmark (prints JSON): lead intake vs a bare endpoint, and 20 concurrent 40 MB uploads.

Runs the real app under uvicorn on 127.0.0.1 against a fresh database on the test PostgreSQL server, drives it
with a small keep-alive HTTP/1.1 client (raw asyncio streams, so the load generator costs little CPU), and
checks that every accepted lead is in the database and how long after its intake each auto-reply was sent. The
global and per-address rate limits are raised for the run (they would otherwise answer 429 to a single load
generator); the outbox dispatcher runs as in production and sends the auto-replies to a local SMTP sink. The
machine is shared: compare the lead/bare ratio of one run rather than absolute figures across runs.

    .venv/bin/python bench/bench_api.py [--seconds 10] [--concurrency 8] [--uploads 20] [--upload-mb 40]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Conn:
    """One keep-alive HTTP/1.1 connection."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, port: int) -> Conn:
        reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=1 << 20)
        return cls(reader, writer)

    async def request(self, head: bytes, body: bytes = b"") -> tuple[int, bytes]:
        self.writer.write(head + body)
        await self.writer.drain()
        return await self.response()

    async def response(self) -> tuple[int, bytes]:
        raw = await self.reader.readuntil(b"\r\n\r\n")
        status = int(raw[9:12])
        length = 0
        for line in raw.split(b"\r\n")[1:]:
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
        body = await self.reader.readexactly(length) if length else b""
        return status, body

    def close(self) -> None:
        self.writer.close()


def lead_request(port: int, i: int) -> bytes:
    body = json.dumps(
        {
            "name": f"Bench Lead {i}",
            "email": f"lead{i}@example.com",
            "phone": "+14155550100",
            "message": "Please quote a 2-bath remodel.",
        }
    ).encode()
    return (
        f"POST /api/leads?org=demo-plumbing HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body


async def load(port: int, seconds: float, concurrency: int, make: object) -> dict[str, object]:
    """Closed-loop load: ``concurrency`` connections each sending back-to-back requests for ``seconds``."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    accepted: list[str] = []
    counter = [0]
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        conn = await Conn.open(port)
        try:
            while time.perf_counter() < deadline:
                counter[0] += 1
                payload = make(counter[0])  # type: ignore[operator]
                started = time.perf_counter()
                status, body = await conn.request(payload)
                latencies.append(time.perf_counter() - started)
                statuses[status] = statuses.get(status, 0) + 1
                if status == 202:
                    accepted.append(json.loads(body)["id"])
        finally:
            conn.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "requests": len(latencies),
        "req_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 2),
        "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 2),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "errors": sum(v for k, v in statuses.items() if k >= 400),
        "_accepted": accepted,
    }


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def uploads(port: int, token: str, pid: int, count: int, size_mb: int) -> dict[str, object]:
    """``count`` concurrent multipart uploads of ``size_mb`` MB each, streamed from disk; RSS sampled
    meanwhile."""
    chunk = os.urandom(1024 * 1024)
    boundary = uuid.uuid4().hex
    size = size_mb * 1024 * 1024
    preamble = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\n'
        f"Content-Type: application/pdf\r\n\r\n"
    ).encode() + b"%PDF-1.7\n"
    epilogue = f"\r\n--{boundary}--\r\n".encode()
    length = len(preamble) + size - 9 + len(epilogue)
    peak = [rss_mb(pid)]
    baseline = peak[0]
    done = asyncio.Event()

    async def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], rss_mb(pid))
            await asyncio.sleep(0.05)

    async def one() -> int:
        conn = await Conn.open(port)
        head = (
            f"POST /api/blueprints/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {length}\r\n\r\n"
        )
        conn.writer.write(head.encode() + preamble)
        remaining = size - 9
        while remaining > 0:
            part = chunk[: min(len(chunk), remaining)]
            conn.writer.write(part)
            await conn.writer.drain()
            remaining -= len(part)
        conn.writer.write(epilogue)
        await conn.writer.drain()
        status, _ = await conn.response()
        conn.close()
        return status

    sampler = asyncio.create_task(sample())
    started = time.perf_counter()
    statuses = await asyncio.gather(*(one() for _ in range(count)))
    elapsed = time.perf_counter() - started
    done.set()
    await sampler
    return {
        "uploads": count,
        "size_mb": size_mb,
        "seconds": round(elapsed, 2),
        "statuses": {str(s): statuses.count(s) for s in set(statuses)},
        "rss_baseline_mb": round(baseline, 1),
        "rss_peak_mb": round(peak[0], 1),
        "rss_under_300mb": peak[0] < 300,
    }


async def login(port: int, email: str, password: str) -> str:
    conn = await Conn.open(port)
    body = json.dumps({"email": email, "password": password}).encode()
    status, raw = await conn.request(
        f"POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n".encode(),
        body,
    )
    conn.close()
    assert status == 200, raw
    return str(json.loads(raw)["access_token"])


async def wait_ready(port: int, proc: subprocess.Popen[bytes]) -> None:
    for _ in range(200):
        if proc.poll() is not None:
            raise RuntimeError("the API process exited during start-up")
        try:
            conn = await Conn.open(port)
            status, _ = await conn.request(b"GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n")
            conn.close()
            if status == 200:
                return
        except OSError:
            pass
        await asyncio.sleep(0.1)
    raise RuntimeError("the API did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--uploads", type=int, default=20)
    parser.add_argument("--upload-mb", type=int, default=40)
    parser.add_argument("--skip-load", action="store_true", help="only the upload phase")
    parser.add_argument("--log-level", default="INFO", help="the API's log level (INFO logs every request)")
    args = parser.parse_args()

    from aiosmtpd.controller import Controller

    from pipelineos.db.seed import seed_demo
    from pipelineos.testing import create_test_database, drop_test_database, test_server_url

    class Sink:
        received = 0

        async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
            Sink.received += 1
            return "250 OK"

    admin_url = test_server_url()
    name, db_url = create_test_database(admin_url, prefix="bench")
    smtp_port = free_port()
    smtp = Controller(Sink(), hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    port = free_port()
    password = "bench-password-123"
    with psycopg.connect(db_url) as conn:
        seed_demo(conn, "admin@bench.example", password)
    home = tempfile.mkdtemp(prefix="bench-home-")
    env = {
        **os.environ,
        "PIPELINEOS_DATABASE_URL": db_url,
        "PIPELINEOS_HOME": home,
        "PIPELINEOS_LOG_LEVEL": args.log_level,
        "PIPELINEOS_API_PORT": str(port),
        "PIPELINEOS_API_HOST": "127.0.0.1",
        # one load generator on one address: lift the per-address limits for the run
        "PIPELINEOS_RATE_LIMIT_PER_SECOND": str(10**9),
        "PIPELINEOS_RATE_LIMIT_BURST": str(10**9),
        "PIPELINEOS_LEAD_RATE_LIMIT_PER_MINUTE": str(10**9),
        "PIPELINEOS_LEAD_RATE_LIMIT_BURST": "1000",
        "PIPELINEOS_SMTP_PORT": str(smtp_port),
        "PIPELINEOS_SMTP_HOST": "127.0.0.1",
        "PIPELINEOS_DB_POOL_MAX": "10",
    }
    log = Path(home) / "api.log"
    with log.open("wb") as sink:
        proc = subprocess.Popen([sys.executable, "-m", "pipelineos_api"], env=env, cwd=ROOT, stderr=sink)
    result: dict[str, object] = {
        "machine_cpus": os.cpu_count(),
        "concurrency": args.concurrency,
        "seconds_per_phase": args.seconds,
    }
    try:
        asyncio.run(wait_ready(port, proc))
        if not args.skip_load:
            result.update(run_load(port, db_url, args))
        token = asyncio.run(login(port, "admin@bench.example", password))
        result["uploads"] = asyncio.run(uploads(port, token, proc.pid, args.uploads, args.upload_mb))
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        smtp.stop()
        drop_test_database(admin_url, name)
    print(json.dumps(result, indent=2))


def reply_latencies(db_url: str, lead_ids: list[str], wait_seconds: float) -> dict[str, object]:
    """Seconds from each lead's intake to its auto-reply being sent (waiting up to ``wait_seconds`` for the
    backlog), with the share sent within 5 s."""
    deadline = time.monotonic() + wait_seconds
    query = (
        "select extract(epoch from m.sent_at - l.created_at) from leads l join messages m on m.lead_id = l.id "
        "where l.id = any(%s::uuid[]) and m.kind = 'lead_auto_reply' and m.status = 'sent'"
    )
    while True:
        with psycopg.connect(db_url) as conn:
            seconds = sorted(float(r[0]) for r in conn.execute(query, (lead_ids,)).fetchall())
        if len(seconds) >= len(lead_ids) or time.monotonic() > deadline:
            break
        time.sleep(1)
    if not seconds:
        return {"sent": 0}
    return {
        "sent": len(seconds),
        "p50": round(seconds[len(seconds) // 2], 2),
        "p99": round(seconds[max(0, int(len(seconds) * 0.99) - 1)], 2),
        "max": round(seconds[-1], 2),
        "share_within_5s": round(sum(s <= 5 for s in seconds) / len(lead_ids), 3),
    }


def run_load(port: int, db_url: str, args: argparse.Namespace) -> dict[str, object]:
    """Bare endpoint, then lead intake, each for ``args.seconds`` with ``args.concurrency`` connections."""
    result: dict[str, object] = {}
    bare_head = f"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()
    asyncio.run(load(port, 2, args.concurrency, lambda i: bare_head))  # warm-up
    bare = asyncio.run(load(port, args.seconds, args.concurrency, lambda i: bare_head))
    asyncio.run(load(port, 2, args.concurrency, lambda i: lead_request(port, -i)))  # warm-up
    with psycopg.connect(db_url) as conn:
        before = conn.execute("select count(*) from leads").fetchone()[0]  # type: ignore[index]
    leads = asyncio.run(load(port, args.seconds, args.concurrency, lambda i: lead_request(port, i)))
    accepted = leads.pop("_accepted")
    bare.pop("_accepted")
    time.sleep(3)
    with psycopg.connect(db_url) as conn:
        found = conn.execute("select count(*) from leads where id = any(%s::uuid[])", (accepted,)).fetchone()[0]  # type: ignore[index]
        total = conn.execute("select count(*) from leads").fetchone()[0]  # type: ignore[index]
        replies = conn.execute(
            "select count(*) filter (where status = 'sent'), count(*) from messages where kind = 'lead_auto_reply'"
        ).fetchone()
    result["bare_endpoint"] = {"route": "GET /api/health", **bare}
    replies_done = reply_latencies(db_url, accepted, wait_seconds=120)
    result["lead_intake"] = {
        "route": "POST /api/leads",
        **leads,
        "accepted": len(accepted),
        "accepted_found_in_db": found,
        "new_rows": total - before,
        "every_accepted_lead_stored": found == len(accepted),
        "auto_replies_sent_3s_after_run": replies[0] if replies else 0,  # type: ignore[index]
        "auto_replies_queued": replies[1] if replies else 0,  # type: ignore[index]
        "auto_reply_seconds_after_intake": replies_done,
    }
    result["lead_vs_bare_throughput_ratio"] = round(leads["req_per_s"] / bare["req_per_s"], 3)  # type: ignore[operator]
    result["targets"] = {
        "lead_req_per_s>=500": leads["req_per_s"] >= 500,  # type: ignore[operator]
        "lead_p99_ms<=50": leads["p99_ms"] <= 50,
        "zero_errors": leads["errors"] == 0,
    }  # type: ignore[operator]
    return result


if __name__ == "__main__":
    main()
