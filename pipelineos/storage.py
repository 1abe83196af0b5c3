"""Content-addressed file storage under the data directory.

A file lives at ``files/ab/cd/<sha256>``. Writes go to a temporary name in the same directory tree, are fsynced
and renamed into place, so a reader never sees half a file and the same bytes stored twice take one copy.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

CHUNK = 1024 * 1024


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size: int
    path: Path


class StorageError(RuntimeError):
    """A file could not be stored or found."""


class SizeLimitExceeded(StorageError):
    """More bytes arrived than the caller allowed."""


class _HashingWriter:
    """Collects written bytes into a temp file while hashing and counting them."""

    def __init__(self, handle: BinaryIO, limit: int | None) -> None:
        self._handle = handle
        self._hash = hashlib.sha256()
        self._limit = limit
        self.size = 0

    def write(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self._limit is not None and self.size > self._limit:
            raise SizeLimitExceeded(f"more than {self._limit} bytes")
        self._hash.update(chunk)
        self._handle.write(chunk)

    @property
    def sha256(self) -> str:
        return self._hash.hexdigest()


class Storage:
    """Content-addressed store rooted at ``root``."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path_for(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise StorageError(f"not a sha256 digest: {sha256!r}")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def exists(self, sha256: str) -> bool:
        return self.path_for(sha256).is_file()

    def open(self, sha256: str) -> BinaryIO:
        path = self.path_for(sha256)
        if not path.is_file():
            raise StorageError(f"file {sha256} is missing from storage at {path}")
        return path.open("rb")

    def read_bytes(self, sha256: str) -> bytes:
        with self.open(sha256) as handle:
            return handle.read()

    @contextmanager
    def writer(self, limit: int | None = None) -> Iterator[_HashingWriter]:
        """Stream bytes in with ``.write(chunk)``; on a clean exit the file is committed under its digest.

        On any error (including :class:`SizeLimitExceeded`) the temporary file is removed and nothing is stored.
        Read ``.sha256`` and ``.size`` after the block; ``.path`` is set to the committed location.
        """
        tmp_dir = self.root / "tmp"
        tmp_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=tmp_dir, prefix="upload-")
        try:
            with os.fdopen(fd, "wb") as handle:
                writer = _HashingWriter(handle, limit)
                yield writer
                handle.flush()
                os.fsync(handle.fileno())
            writer.path = self._commit(Path(tmp_name), writer.sha256)  # type: ignore[attr-defined]
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise

    def put_bytes(self, data: bytes) -> StoredFile:
        with self.writer() as writer:
            writer.write(data)
        return StoredFile(writer.sha256, writer.size, self.path_for(writer.sha256))

    def put_stream(self, stream: BinaryIO, limit: int | None = None) -> StoredFile:
        with self.writer(limit) as writer:
            while chunk := stream.read(CHUNK):
                writer.write(chunk)
        return StoredFile(writer.sha256, writer.size, self.path_for(writer.sha256))

    def put_file(self, path: Path, limit: int | None = None) -> StoredFile:
        with Path(path).open("rb") as handle:
            return self.put_stream(handle, limit)

    def _commit(self, tmp: Path, sha256: str) -> Path:
        final = self.path_for(sha256)
        final.parent.mkdir(parents=True, exist_ok=True)
        if final.exists():
            tmp.unlink(missing_ok=True)
        else:
            os.replace(tmp, final)
            dir_fd = os.open(final.parent, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
        return final


def get_storage() -> Storage:
    """Storage under the configured data directory."""
    from pipelineos.settings import get_settings

    return Storage(get_settings().storage_dir)
