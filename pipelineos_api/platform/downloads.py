"""File downloads: the body, its media type from the file name, and an attachment Content-Disposition."""

from __future__ import annotations

from litestar import Response

CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"
MEDIA_TYPES = {"csv": CSV, "xlsx": XLSX, "pdf": PDF}


def attachment(data: bytes, filename: str) -> Response[bytes]:
    """``data`` offered for download as ``filename`` (whose extension decides the media type)."""
    media_type = MEDIA_TYPES[filename.rsplit(".", 1)[-1]]
    return Response(data, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{filename}"'})
