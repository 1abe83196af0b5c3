"""Open drawings of every supported kind and turn each page into pixels (plus text for vector pages).

Supported: PDF (vector or scanned, decided per page), multi-page TIFF (1-bit too), PNG, JPEG, SVG and DXF.
Every failure a user can cause raises :class:`TakeoffInputError` naming the file (and page).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
import pymupdf
from PIL import Image, ImageOps, ImageSequence

from pipelineos.blueprints.filetypes import sniff_content_type
from pipelineos.takeoff.models import TakeoffInputError
from pipelineos.takeoff.pdfpage import Segment, Word, legible, page_words, upright_turn, vector_items

DEFAULT_MAX_PIXELS = 200_000_000
MAX_PAGE_PT = 200 * 72.0
MIN_PAGE_PT = 72.0 * 0.5
RASTER_DEFAULT_DPI = 150.0
NATIVE_MAX_DPI = 300.0
"""Finest resolution a scan's own pixels are kept at for re-cutting small symbols."""
OUTLINED_FINE_DPI = NATIVE_MAX_DPI
"""The finer render of a page without a text layer, which is read as a scan (see ``LoadedPage.outlined``)."""
IMAGE_TYPES = ("image/png", "image/jpeg", "image/tiff")


def _kind(path: Path) -> str:
    try:
        head = path.read_bytes()[:64] if path.stat().st_size < 64 else path.open("rb").read(64)
    except OSError as exc:
        raise TakeoffInputError(f"{path}: cannot be read ({exc.strerror or exc}).") from exc
    if not head:
        raise TakeoffInputError(f"{path}: the file is empty; upload the drawing again.")
    kind = sniff_content_type(head)
    if kind is None and (path.suffix.lower() == ".svg" or b"<svg" in head or head.lstrip().startswith(b"<?xml")):
        kind = "image/svg+xml"
    if kind is None:
        raise TakeoffInputError(f"{path}: not a PDF, TIFF, PNG, JPEG, SVG or DXF drawing.")
    return kind


@dataclass
class LoadedPage:
    """One page ready for analysis: grayscale pixels and, for vector pages, words with positions."""

    index: int
    width_pt: float
    height_pt: float
    is_vector: bool
    gray: np.ndarray
    px_per_pt: float
    words: list[Word] = field(default_factory=list)
    frames: list[tuple[float, float, float, float]] = field(default_factory=list)
    lines: list[Segment] = field(default_factory=list)
    """Short straight lines of a vector page, (x0, y0, x1, y1) in points: candidate tag leaders."""
    cad_fixtures: list[tuple[str, tuple[float, float, float, float], str]] = field(default_factory=list)
    source: Path | None = None
    native: np.ndarray | None = None
    """A scan's own pixels (up to NATIVE_MAX_DPI) when finer than ``gray``: small symbols are cut from them."""
    outlined: bool = False
    """A PDF page without a legible text layer, its lettering plotted as lines (AutoCAD's SHX fonts do this) or
    written in a font with no map to Unicode: read as a scan is, its information strip by OCR, from a render at
    OUTLINED_FINE_DPI."""
    turned: int = 0
    """Degrees the page was turned (clockwise, from how it is displayed) to read its lettering upright; the
    page's size, pixels, words and lines are all of the turned page (see :func:`upright_turn`)."""

    def normalized(self, box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
        """A box in points as fractions of the page (0..1, origin top-left), clamped to the page."""
        w, h = self.width_pt, self.height_pt
        return (max(0.0, box[0] / w), max(0.0, box[1] / h), min(1.0, box[2] / w), min(1.0, box[3] / h))


def _open_pdf_like(path: Path, kind: str) -> pymupdf.Document:
    try:
        if kind == "image/vnd.dxf":
            from pipelineos.takeoff.cad import dxf_to_pdf

            return pymupdf.open("pdf", dxf_to_pdf(path))
        doc = pymupdf.open(path, filetype="svg" if kind == "image/svg+xml" else "pdf")
    except TakeoffInputError:
        raise
    except Exception as exc:
        raise TakeoffInputError(f"{path}: cannot be opened as a drawing ({exc}).") from exc
    if doc.needs_pass or doc.is_encrypted:
        doc.close()
        raise TakeoffInputError(f"{path}: the PDF is password-protected; export it without a password.")
    if doc.page_count == 0:
        doc.close()
        raise TakeoffInputError(f"{path}: the document has no pages.")
    return doc


def _open_image(path: Path, max_pixels: int) -> Image.Image:
    Image.MAX_IMAGE_PIXELS = None
    try:
        image = Image.open(path)
    except Exception as exc:
        raise TakeoffInputError(f"{path}: the image cannot be read ({exc}).") from exc
    return image


def _check_pixels(path: Path, index: int, width: int, height: int, max_pixels: int) -> None:
    if width * height > max_pixels:
        raise TakeoffInputError(
            f"{path}, page {index + 1}: {width}×{height} pixels is over the limit of {max_pixels:,} "
            "(possible decompression bomb); rescan at a lower resolution."
        )
    if width < 16 or height < 16:
        raise TakeoffInputError(f"{path}, page {index + 1}: the image is only {width}×{height} pixels.")


def _check_size(path: Path, index: int, width_pt: float, height_pt: float) -> None:
    if not (MIN_PAGE_PT <= width_pt <= MAX_PAGE_PT and MIN_PAGE_PT <= height_pt <= MAX_PAGE_PT):
        raise TakeoffInputError(
            f"{path}, page {index + 1}: page size {width_pt / 72:.1f}×{height_pt / 72:.1f} in is not a "
            "drawing sheet (expected 0.5 to 200 in per side)."
        )


def page_count(path: Path) -> int:
    """Number of pages (1 for PNG/JPEG/SVG/DXF, frames for TIFF)."""
    kind = _kind(path)
    if kind in IMAGE_TYPES:
        with _open_image(path, DEFAULT_MAX_PIXELS) as image:
            return getattr(image, "n_frames", 1)
    doc = _open_pdf_like(path, kind)
    try:
        return int(doc.page_count)
    finally:
        doc.close()


def _image_frame(path: Path, index: int, max_pixels: int) -> tuple[Image.Image, float]:
    """Frame ``index`` in gray as a viewer shows it (a camera's or scanner's orientation tag applied), and its
    resolution."""
    image = _open_image(path, max_pixels)
    frames = getattr(image, "n_frames", 1)
    if not 0 <= index < frames:
        raise TakeoffInputError(f"{path}: page {index + 1} does not exist (the file has {frames}).")
    for i, frame in enumerate(ImageSequence.Iterator(image)):
        if i == index:
            _check_pixels(path, index, frame.width, frame.height, max_pixels)
            dpi = frame.info.get("dpi", (RASTER_DEFAULT_DPI,))[0] or RASTER_DEFAULT_DPI
            dpi = float(dpi) if 50 <= float(dpi) <= 1200 else RASTER_DEFAULT_DPI
            try:
                gray = ImageOps.exif_transpose(frame).convert("L")
            except Exception as exc:
                raise TakeoffInputError(f"{path}, page {index + 1}: the image data is damaged ({exc}).") from exc
            return gray, dpi
    raise TakeoffInputError(f"{path}: page {index + 1} cannot be read.")


def _pdf_page_is_scan(page: pymupdf.Page) -> bool:
    area = page.rect.width * page.rect.height
    covered = 0.0
    for info in page.get_image_info():
        x0, y0, x1, y1 = info["bbox"]
        covered = max(covered, (x1 - x0) * (y1 - y0) / area)
    return covered > 0.5 and len(page.get_text("words")) < 20


def _native_dpi(page: pymupdf.Page, dpi: float) -> float | None:
    """The resolution of a scanned PDF page's image (at most NATIVE_MAX_DPI) when finer than ``dpi`` by a useful
    margin; else None."""
    images = page.get_image_info()
    if not images:
        return None
    info = max(images, key=lambda i: (i["bbox"][2] - i["bbox"][0]) * (i["bbox"][3] - i["bbox"][1]))
    width_in = (info["bbox"][2] - info["bbox"][0]) / 72.0
    own = min(NATIVE_MAX_DPI, info["width"] / width_in) if width_in > 0 else 0.0
    return own if own >= 1.25 * dpi else None


def _render(path: Path, page: pymupdf.Page, dpi: float) -> np.ndarray:
    zoom = dpi / 72.0
    try:
        pix = page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), colorspace=pymupdf.csGRAY, alpha=False)
    except Exception as exc:
        raise TakeoffInputError(f"{path}, page {page.number + 1}: cannot be rendered ({exc}).") from exc
    return np.frombuffer(pix.samples, dtype=np.uint8).reshape(pix.height, pix.stride)[:, : pix.width].copy()


def load_page(path: Path, index: int, *, dpi: float = 150.0, max_pixels: int = DEFAULT_MAX_PIXELS) -> LoadedPage:
    """Load one page for analysis at ``dpi`` (raster pages keep at most that resolution)."""
    kind = _kind(path)
    if kind in IMAGE_TYPES:
        frame, native = _image_frame(path, index, max_pixels)
        width_pt, height_pt = frame.width / native * 72, frame.height / native * 72
        _check_size(path, index, width_pt, height_pt)
        factor = min(1.0, dpi / native)
        fine = None
        if factor < 0.8:
            keep = min(1.0, NATIVE_MAX_DPI / native)
            kept = (
                frame
                if keep > 0.99
                else frame.resize((round(frame.width * keep), round(frame.height * keep)), Image.Resampling.BOX)
            )
            fine = np.asarray(kept, dtype=np.uint8)
        if factor < 0.99:
            frame = frame.resize((round(frame.width * factor), round(frame.height * factor)), Image.Resampling.BOX)
        gray = np.asarray(frame, dtype=np.uint8)
        return LoadedPage(index, width_pt, height_pt, False, gray, gray.shape[1] / width_pt, native=fine)
    doc = _open_pdf_like(path, kind)
    try:
        if not 0 <= index < doc.page_count:
            raise TakeoffInputError(f"{path}: page {index + 1} does not exist (the file has {doc.page_count}).")
        page = doc[index]
        scan = kind == "application/pdf" and _pdf_page_is_scan(page)
        turned = upright_turn(page) if kind == "application/pdf" and not scan else 0
        if turned:
            page.set_rotation((page.rotation + turned) % 360)
        width_pt, height_pt = page.rect.width, page.rect.height
        _check_size(path, index, width_pt, height_pt)
        words = [] if scan else page_words(page)
        outlined = kind == "application/pdf" and not scan and not legible(words)
        words = [] if outlined else words
        zoom = dpi / 72.0
        _check_pixels(path, index, int(width_pt * zoom), int(height_pt * zoom), max_pixels)
        own = _native_dpi(page, dpi) if scan else OUTLINED_FINE_DPI if outlined else None
        if own is not None and (width_pt * own / 72) * (height_pt * own / 72) > max_pixels:
            own = None
        fine = _render(path, page, own) if own is not None else None
        if fine is None:
            gray = _render(path, page, dpi)
        else:  # one render at the scan's own resolution serves both images
            size = (round(width_pt * zoom), round(height_pt * zoom))
            gray = np.asarray(cv2.resize(fine, size, interpolation=cv2.INTER_AREA), dtype=np.uint8)
        raster = scan or outlined
        loaded = LoadedPage(index, width_pt, height_pt, not raster, gray, gray.shape[1] / width_pt, words)
        loaded.native, loaded.outlined, loaded.turned = fine, outlined, turned
        if kind in ("application/pdf", "image/svg+xml"):
            loaded.source = path
        if not raster:
            loaded.frames, loaded.lines = vector_items(page)
        if kind == "image/vnd.dxf":
            from pipelineos.takeoff.cad import dxf_fixtures

            loaded.cad_fixtures = dxf_fixtures(path)
        return loaded
    finally:
        doc.close()


def render_clips(
    page: LoadedPage, boxes: list[tuple[float, float, float, float]], target_px: int = 160
) -> list[np.ndarray]:
    """Grayscale renders of small areas of a vector page (points), each with its longer side ``target_px``.

    One display list serves every clip, so the page's content is interpreted once. Empty for raster pages, a
    scanned PDF's included: rendering its image larger adds no detail.
    """
    if not page.is_vector or page.source is None or not boxes:
        return []
    with pymupdf.open(page.source) as doc:
        shown = doc[page.index]
        if page.turned:
            shown.set_rotation((shown.rotation + page.turned) % 360)
        content = shown.get_displaylist()
        out = []
        for x0, y0, x1, y1 in boxes:
            zoom = target_px / max(x1 - x0, y1 - y0, 1.0)
            pix = content.get_pixmap(
                matrix=pymupdf.Matrix(zoom, zoom),
                clip=pymupdf.Rect(x0, y0, x1, y1),
                colorspace=pymupdf.csGRAY,
                alpha=False,
            )
            out.append(np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.stride)[:, : pix.width].copy())
    return out


def render_page_png(path: Path, index: int, dpi: int = 100) -> bytes:
    """PNG bytes of one page at ``dpi`` (raster inputs are resampled to that resolution)."""
    kind = _kind(path)
    if kind in IMAGE_TYPES:
        frame, native = _image_frame(path, index, DEFAULT_MAX_PIXELS)
        factor = dpi / native
        if abs(factor - 1) > 0.01:
            frame = frame.resize(
                (max(1, round(frame.width * factor)), max(1, round(frame.height * factor))),
                Image.Resampling.BOX if factor < 1 else Image.Resampling.BILINEAR,
            )
        buffer = io.BytesIO()
        frame.save(buffer, format="PNG", dpi=(dpi, dpi))
        return buffer.getvalue()
    doc = _open_pdf_like(path, kind)
    try:
        if not 0 <= index < doc.page_count:
            raise TakeoffInputError(f"{path}: page {index + 1} does not exist (the file has {doc.page_count}).")
        page = doc[index]
        _check_size(path, index, page.rect.width, page.rect.height)
        zoom = dpi / 72.0
        _check_pixels(path, index, int(page.rect.width * zoom), int(page.rect.height * zoom), DEFAULT_MAX_PIXELS)
        return page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), alpha=False).tobytes("png")
    finally:
        doc.close()
