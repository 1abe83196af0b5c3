"""Streaming multipart upload: the file goes from the socket to storage in chunks, never whole in memory.

The size limit is enforced while reading (413), the type is decided from the first bytes (415) before
anything is
kept, and a failed or cut-off upload leaves no file and no row behind (storage writes to a temp name and
renames
only on success; the row is inserted only after that).
"""

from __future__ import annotations

import contextlib
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from litestar import Request
from multipart import MultipartError, MultipartSegment, PushMultipartParser, parse_options_header

from pipelineos.blueprints.filetypes import (
    SNIFF_BYTES,
    sanitize_filename,
    sniff_content_type,
    unsupported_message,
)
from pipelineos.errors import PayloadTooLarge, UnsupportedMediaType, ValidationError
from pipelineos.storage import SizeLimitExceeded, Storage
from pipelineos_api.platform.db import blocking
from pipelineos_api.platform.schemas import LINE_PATTERN

_ONE_LINE = re.compile(LINE_PATTERN)
TEXT_FIELDS = {"project_name": 200, "customer_name": 200, "customer_email": 254}
BODY_OVERHEAD = 256 * 1024


@dataclass
class ReceivedUpload:
    sha256: str
    size: int
    content_type: str
    filename: str
    fields: dict[str, str] = field(default_factory=dict)


class _FilePart:
    """Collects one file part: sniffs the head, then streams through ``Storage.writer`` in ~1 MB writes."""

    def __init__(self, storage: Storage, limit: int, filename: str) -> None:
        self.storage, self.limit, self.filename = storage, limit, filename
        self.head = bytearray()
        self.content_type: str | None = None
        self.cm: Any = None
        self.writer: Any = None
        self.size = 0
        self.completed = False

    async def feed(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > self.limit:
            raise PayloadTooLarge(f"The file is larger than the limit of {self.limit // (1024 * 1024)} MB.")
        if self.content_type is None:
            self.head.extend(chunk)
            if len(self.head) < SNIFF_BYTES:
                return
            self._start()
            chunk, self.head = bytes(self.head), bytearray()
        # Page-cache writes of one socket chunk take microseconds; doing them on the loop avoids a thread hop
        # (and a per-thread malloc arena) per chunk. The fsync at the end runs in a worker thread.
        self.writer.write(chunk)

    def _start(self) -> None:
        self.content_type = sniff_content_type(bytes(self.head[:SNIFF_BYTES]))
        if self.content_type is None:
            raise UnsupportedMediaType(unsupported_message(self.filename))
        self.cm = self.storage.writer(self.limit)
        self.writer = self.cm.__enter__()

    def complete(self) -> None:
        """The part ended: sniff a file shorter than the sniff window; the file stays uncommitted."""
        if self.content_type is None:
            if not self.head:
                raise ValidationError("The uploaded file is empty; choose a drawing file.")
            self._start()
            self.writer.write(bytes(self.head))
            self.head = bytearray()
        self.completed = True

    async def commit(self) -> tuple[str, int, str]:
        """Fsync and move the file under its digest (only once the whole request was accepted)."""
        await blocking(self.cm.__exit__, None, None, None)
        self.cm = None
        assert self.content_type is not None
        return self.writer.sha256, self.writer.size, self.content_type

    async def abort(self) -> None:
        if self.cm is not None:
            exc = sys.exc_info()
            cm, self.cm = self.cm, None
            with contextlib.suppress(BaseException):  # the writer removes its temp file; the first error wins
                await blocking(cm.__exit__, exc[0] or RuntimeError, exc[1] or RuntimeError("aborted"), exc[2])


def multipart_boundary(request: Request[Any, Any, Any]) -> str:
    content_type, options = parse_options_header(request.headers.get("content-type", ""))
    if content_type != "multipart/form-data" or not options.get("boundary"):
        raise UnsupportedMediaType("Send the drawing as multipart/form-data with the file in a field named 'file'.")
    return options["boundary"]


async def receive_upload(
    request: Request[Any, Any, Any],
    storage: Storage,
    limit: int,
    check_fields: Callable[[dict[str, str]], dict[str, str]] | None = None,
) -> ReceivedUpload:
    """Parse the multipart body as it arrives and store the file; returns its digest, size, type and fields.

    The file is committed to storage only after the whole body was read and ``check_fields`` accepted the
    text fields, so any refusal leaves nothing behind.
    """
    boundary = multipart_boundary(request)
    body_limit = limit + BODY_OVERHEAD
    announced = request.headers.get("content-length")
    if announced and announced.isdigit() and int(announced) > body_limit:
        raise PayloadTooLarge(f"The upload is larger than the limit of {limit // (1024 * 1024)} MB.")
    received_bytes = 0
    parser = PushMultipartParser(boundary, max_segment_count=10, max_header_size=4096)
    part: _FilePart | None = None
    filename = ""
    fields: dict[str, str] = {}
    current: MultipartSegment | None = None
    text = bytearray()
    try:
        async for chunk in request.stream():
            received_bytes += len(chunk)
            if received_bytes > body_limit:
                raise PayloadTooLarge(f"The upload is larger than the limit of {limit // (1024 * 1024)} MB.")
            for event in parser.parse(chunk):
                if isinstance(event, MultipartSegment):
                    current, text = event, bytearray()
                    if event.filename is not None or event.name == "file":
                        if event.name != "file" or part is not None:
                            raise ValidationError("Send exactly one file, in the field named 'file'.")
                        filename = sanitize_filename(event.filename, "upload")
                        part = _FilePart(storage, limit, filename)
                elif event is not None:
                    if current is not None and current.name == "file" and part is not None:
                        await part.feed(event)
                    elif current is not None and current.name in TEXT_FIELDS:
                        text.extend(event)
                        if len(text) > TEXT_FIELDS[current.name] * 4:
                            raise ValidationError(f"{current.name} is too long.")
                elif current is not None:
                    if current.name == "file" and part is not None:
                        part.complete()
                    elif current.name in TEXT_FIELDS:
                        fields[current.name] = _text_field(current.name, text)
                    current = None
        parser.close()
        if part is None or not part.completed:
            raise ValidationError("No file received: send the drawing in a multipart field named 'file'.")
        if check_fields is not None:
            fields = check_fields(fields)
        sha256, size, content_type = await part.commit()
    except MultipartError as exc:
        if part is not None:
            await part.abort()
        raise ValidationError(f"The multipart body is malformed ({exc}); send multipart/form-data.") from exc
    except SizeLimitExceeded as exc:
        if part is not None:
            await part.abort()
        raise PayloadTooLarge(f"The file is larger than the limit of {limit // (1024 * 1024)} MB.") from exc
    except BaseException:
        if part is not None:
            await part.abort()
        raise
    return ReceivedUpload(sha256, size, content_type, filename, fields)


def _text_field(name: str, raw: bytearray) -> str:
    try:
        value = raw.decode("utf-8").strip()
    except UnicodeDecodeError as exc:
        raise ValidationError(f"{name} is not UTF-8 text.") from exc
    if len(value) > TEXT_FIELDS[name] or not _ONE_LINE.match(value):
        raise ValidationError(
            f"{name} must be one line of at most {TEXT_FIELDS[name]} characters, no control characters."
        )
    return value
