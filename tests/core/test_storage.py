"""Content-addressed storage: atomic writes, one copy per content, nothing left behind on failure."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest

from pipelineos.storage import SizeLimitExceeded, Storage, StorageError


def test_same_bytes_stored_once(tmp_path: Path) -> None:
    storage = Storage(tmp_path)
    data = b"%PDF-1.7 plan set"
    first = storage.put_bytes(data)
    second = storage.put_stream(io.BytesIO(data))
    assert first.sha256 == second.sha256 == hashlib.sha256(data).hexdigest()
    assert first.path == second.path
    assert storage.read_bytes(first.sha256) == data
    stored = [p for p in tmp_path.rglob("*") if p.is_file() and p.relative_to(tmp_path).parts[0] != "tmp"]
    assert stored == [first.path]


def test_size_limit_leaves_nothing_behind(tmp_path: Path) -> None:
    storage = Storage(tmp_path)
    with pytest.raises(SizeLimitExceeded):
        storage.put_stream(io.BytesIO(b"x" * 5000), limit=4096)
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_error_inside_writer_discards_partial_file(tmp_path: Path) -> None:
    storage = Storage(tmp_path)
    with pytest.raises(RuntimeError), storage.writer() as writer:
        writer.write(b"half a file")
        raise RuntimeError("client went away")
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_missing_and_malformed_digests_are_errors(tmp_path: Path) -> None:
    storage = Storage(tmp_path)
    with pytest.raises(StorageError, match="missing"):
        storage.open("0" * 64)
    with pytest.raises(StorageError, match="not a sha256"):
        storage.path_for("../../etc/passwd")
