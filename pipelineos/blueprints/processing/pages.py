"""Pages of a blueprint: rendered PNGs and vector text in storage, one ``blueprint_pages`` row per page."""

from __future__ import annotations

import io
import json
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg

from pipelineos.blueprints.processing import repository as repo
from pipelineos.blueprints.processing.errors import ProcessingError, describe
from pipelineos.blueprints.processing.parallel import map_pages
from pipelineos.blueprints.processing.versions import code_version
from pipelineos.storage import Storage, StorageError

SUFFIXES = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/tiff": ".tif",
    "image/vnd.dxf": ".dxf",
}


@dataclass(frozen=True)
class RenderedPage:
    """What one page yields before it is stored."""

    index: int
    png: bytes
    width_pt: float
    height_pt: float
    is_vector: bool
    words: bytes | None
    error: str | None = None


@contextmanager
def source_file(storage: Storage, blueprint: dict[str, Any]) -> Iterator[Path]:
    """The blueprint's stored file under a name with the right suffix (readers that look at suffixes work).

    ProcessingError when the file has vanished from storage.
    """
    try:
        stored = storage.path_for(blueprint["sha256"])
    except StorageError as exc:
        raise ProcessingError(blueprint["id"], str(exc)) from exc
    if not stored.is_file():
        raise ProcessingError(
            blueprint["id"],
            f"the uploaded file {blueprint['original_name']!r} is missing from storage ({stored}); upload it again",
        )
    suffix = SUFFIXES.get(blueprint["content_type"], "")
    with tempfile.TemporaryDirectory(prefix="pipelineos-src-") as tmp:
        link = Path(tmp) / f"{blueprint['id']}{suffix}"
        link.symlink_to(stored)
        yield link


def count_pages(path: Path, blueprint_id: str) -> int:
    """Page count of the file; ProcessingError naming the blueprint when it cannot be read."""
    from pipelineos.takeoff.inputs import page_count

    try:
        count = page_count(path)
    except Exception as exc:
        raise ProcessingError(
            blueprint_id,
            f"the file cannot be read: {describe(exc)}; check that it opens in a PDF viewer or image editor, "
            "save or export it again and re-upload it",
        ) from exc
    if count < 1:
        raise ProcessingError(blueprint_id, "the file has no pages")
    return count


def _blank_png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("L", (1, 1), 255).save(buffer, format="PNG")
    return buffer.getvalue()


def render_page(path: str, index: int, dpi: int) -> RenderedPage:
    """Render one page and pull its words with positions (vector PDFs); errors stay on the page."""
    from PIL import Image

    from pipelineos.takeoff.inputs import render_page_png
    from pipelineos.takeoff.pdfpage import page_words

    try:
        png = render_page_png(Path(path), index, dpi=dpi)
        with Image.open(io.BytesIO(png)) as image:
            width_px, height_px = image.size
        width_pt, height_pt = width_px * 72.0 / dpi, height_px * 72.0 / dpi
        words: bytes | None = None
        is_vector = False
        if path.endswith(".pdf"):
            import pymupdf

            with pymupdf.open(path) as doc:
                page = doc[index]
                width_pt, height_pt = page.rect.width, page.rect.height
                found = [
                    [round(w[0], 2), round(w[1], 2), round(w[2], 2), round(w[3], 2), w[4]] for w in page_words(page)
                ]
                is_vector = bool(found) or not page.get_images()
                payload = {"page_index": index, "width_pt": width_pt, "height_pt": height_pt, "words": found}
                words = json.dumps(payload, separators=(",", ":")).encode()
        elif path.endswith(".dxf"):
            is_vector = True
        return RenderedPage(index, png, width_pt, height_pt, is_vector, words)
    except Exception as exc:
        return RenderedPage(index, _blank_png(), 0.0, 0.0, False, None, f"page {index + 1}: {describe(exc)}")


def write_pages(
    conn: psycopg.Connection,
    storage: Storage,
    blueprint: dict[str, Any],
    path: Path,
    *,
    run_id: str | None = None,
    dpi: int = 100,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[dict[str, Any]]:
    """Render and store every page, then replace the blueprint's page rows in one transaction.

    Pages render on every core. A page that fails keeps a row with its error; a file that cannot be opened at
    all raises ProcessingError. Returns the rows written.
    """
    blueprint_id = blueprint["id"]
    total = count_pages(path, blueprint_id)
    done = 0

    def tick(_: int) -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done, total)

    rendered = map_pages(render_page, [(str(path), i, dpi) for i in range(total)], workers=workers, on_done=tick)
    if all(page.error for page in rendered):
        raise ProcessingError(blueprint_id, f"no page could be rendered ({rendered[0].error})")
    written = []
    with conn.transaction():
        repo.require(conn, blueprint_id)
        repo.rows(conn, "delete_pages", blueprint_id=blueprint_id)
        for page in rendered:
            row = {
                "organization_id": blueprint["organization_id"],
                "blueprint_id": blueprint_id,
                "page_index": page.index,
                "width_pt": page.width_pt,
                "height_pt": page.height_pt,
                "render_dpi": dpi,
                "image_sha256": storage.put_bytes(page.png).sha256,
                "text_sha256": storage.put_bytes(page.words).sha256 if page.words else None,
                "is_vector": page.is_vector,
                "error": page.error,
                "run_id": run_id,
                "code_version": code_version(),
                "data_version": blueprint["sha256"][:16],
            }
            repo.rows(conn, "insert_page", **row)
            written.append(row)
        repo.rows(conn, "set_page_count", blueprint_id=blueprint_id, page_count=total)
    return written
