"""Recognise accepted drawing files by their first bytes, never by their name."""

from __future__ import annotations

import re
import unicodedata

ACCEPTED_TYPES: dict[str, str] = {
    "application/pdf": "PDF",
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "image/tiff": "TIFF",
    "image/vnd.dxf": "DXF",
}
ACCEPTED_NAMES = ", ".join(ACCEPTED_TYPES.values())
SNIFF_BYTES = 2048


def sniff_content_type(head: bytes) -> str | None:
    """The MIME type of a file from its first bytes, or None when it is not an accepted type.

    The takeoff reader uses it too; it lives here, free of heavy imports, so the API can accept an upload
    without loading the takeoff engine (PyMuPDF, NumPy, Pillow: ~190 MB resident).
    """
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return "image/tiff"
    if head.startswith(b"AutoCAD Binary DXF"):
        return "image/vnd.dxf"
    text = head.lstrip(b" \t\r\n\xef\xbb\xbf")
    lines = text.replace(b"\r\n", b"\n").split(b"\n")
    if len(lines) >= 2 and lines[0].strip() == b"0" and lines[1].strip() == b"SECTION":
        return "image/vnd.dxf"
    return None


def unsupported_message(original_name: str = "") -> str:
    """The 415 explanation naming the accepted types."""
    what = f"'{original_name}'" if original_name else "The file"
    return (
        f"{what} is not a supported drawing: its bytes are not one of the accepted types "
        f"({ACCEPTED_NAMES}). Upload a PDF, PNG, JPEG, TIFF or DXF file."
    )


def sanitize_filename(name: str | None, default: str = "upload") -> str:
    """A safe display name: no directories, control characters or shell-hostile characters, ≤ 200 chars."""
    name = unicodedata.normalize("NFKC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"|?*\x00')
    name = re.sub(r"\s+", " ", name).strip(" .")
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 200 - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 else name[:200]
    return name or default
