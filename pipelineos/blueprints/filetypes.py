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

_DXF_HEAD = re.compile(rb"^\s*0\s*\r?\n\s*SECTION\s*\r?\n", re.IGNORECASE)
_DXF_BINARY = b"AutoCAD Binary DXF\r\n\x1a\x00"


def sniff_content_type(head: bytes) -> str | None:
    """The MIME type of a file from its first bytes, or None when it is not an accepted type."""
    try:
        from pipelineos.takeoff.inputs import sniff_content_type as engine_sniff
    except ImportError:
        engine_sniff = None
    if engine_sniff is not None:
        found = engine_sniff(head)
        if found:
            return found
    return _sniff(head)


def _sniff(head: bytes) -> str | None:
    if head.startswith(b"%PDF-") or (b"%PDF-" in head[:1024]):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith((b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")):
        return "image/tiff"
    if head.startswith(_DXF_BINARY):
        return "image/vnd.dxf"
    text = head.lstrip(b"\xef\xbb\xbf")
    if _DXF_HEAD.match(text) or (text.lstrip().startswith(b"999") and b"SECTION" in text[:512]):
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
