"""Client address behind proxies, token buckets, and the streaming upload's clean-up on a cut-off."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pipelineos.errors import PayloadTooLarge
from pipelineos.storage import Storage
from pipelineos_api.blueprints.upload import receive_upload
from pipelineos_api.platform.clientip import client_ip
from pipelineos_api.platform.ratelimit import TokenBuckets


def _scope(peer: str, forwarded: str | None = None) -> dict[str, Any]:
    headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded else []
    return {"client": (peer, 1234), "headers": headers}


@pytest.mark.parametrize(
    ("peer", "forwarded", "trusted", "expected"),
    [
        ("203.0.113.9", "1.2.3.4", (), "203.0.113.9"),  # no trusted proxies: header ignored
        ("203.0.113.9", "1.2.3.4", ("127.0.0.1",), "203.0.113.9"),  # peer is not a proxy: header ignored
        ("127.0.0.1", "1.2.3.4", ("127.0.0.1",), "1.2.3.4"),
        (
            "127.0.0.1",
            "6.6.6.6, 1.2.3.4, 10.0.0.2",
            ("127.0.0.1", "10.0.0.0/8"),
            "1.2.3.4",
        ),  # spoofed first hop
        ("127.0.0.1", "garbage", ("127.0.0.1",), "127.0.0.1"),
    ],
)
def test_client_ip(peer: str, forwarded: str | None, trusted: tuple[str, ...], expected: str) -> None:
    assert client_ip(_scope(peer, forwarded), trusted) == expected


def test_token_buckets_refill() -> None:
    buckets = TokenBuckets(rate=2.0, burst=2)
    assert [buckets.take("a", now=0.0) for _ in range(3)] == [0.0, 0.0, 0.5]
    assert buckets.take("b", now=0.0) == 0.0
    assert buckets.take("a", now=0.6) == 0.0


class _Request:
    """Just enough of litestar.Request for receive_upload: headers and a body stream that may break."""

    def __init__(self, chunks: list[bytes], error: BaseException | None = None) -> None:
        self.headers = {"content-type": "multipart/form-data; boundary=XyZ"}
        self.chunks, self.error = chunks, error

    async def stream(self):  # type: ignore[no-untyped-def]
        for chunk in self.chunks:
            yield chunk
        if self.error is not None:
            raise self.error


HEAD = b'--XyZ\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF-1.7\n'


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_cut_off_upload_leaves_nothing(tmp_path: Path, anyio_backend: str) -> None:
    storage = Storage(tmp_path)
    request = _Request([HEAD, b"x" * 300_000, b"y" * 300_000], ConnectionResetError("client went away"))
    with pytest.raises(ConnectionResetError):
        await receive_upload(request, storage, limit=10_000_000)  # type: ignore[arg-type]
    assert _files(tmp_path) == []
    too_big = _Request([HEAD] + [b"z" * 65536] * 40)
    with pytest.raises(PayloadTooLarge):
        await receive_upload(too_big, storage, limit=1_000_000)  # type: ignore[arg-type]
    assert _files(tmp_path) == []
    ok = _Request([HEAD, b"body", b"\r\n--XyZ--\r\n"])
    received = await receive_upload(ok, storage, limit=1_000_000)  # type: ignore[arg-type]
    assert received.size == len(b"%PDF-1.7\nbody") and storage.read_bytes(received.sha256) == b"%PDF-1.7\nbody"
