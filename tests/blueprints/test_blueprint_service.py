"""Blueprint registration: sniffing, content addressing, idempotency and organization scoping."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelineos.blueprints import service
from pipelineos.blueprints.filetypes import sanitize_filename, sniff_content_type
from pipelineos.errors import NotFoundError, UnsupportedMediaType
from pipelineos.storage import Storage


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"%PDF-1.7\n...", "application/pdf"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "image/png"),
        (b"\xff\xd8\xff\xe0JFIF", "image/jpeg"),
        (b"II*\x00\x08\x00", "image/tiff"),
        (b"MM\x00*\x00\x00", "image/tiff"),
        (b"  0\nSECTION\n  2\nHEADER\n", "image/vnd.dxf"),
        (b"PK\x03\x04 zip", None),
        (b"<html><script>", None),
        (b"", None),
    ],
)
def test_sniff_content_type(head: bytes, expected: str | None) -> None:
    assert sniff_content_type(head) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\bob\\plan.pdf", "plan.pdf"),
        ("a<b>c.pdf", "abc.pdf"),
        ("\x00\x01", "upload"),
        ("..", "upload"),
        ("x" * 300 + ".pdf", "x" * 196 + ".pdf"),
    ],
)
def test_sanitize_filename(raw: str, expected: str) -> None:
    assert sanitize_filename(raw) == expected


def test_register_file_stores_once_and_honours_idempotency(db, seeded, tmp_path: Path) -> None:
    org = seeded["organization_id"]
    storage = Storage(tmp_path / "files")
    pdf = tmp_path / "plan.pdf"
    pdf.write_bytes(b"%PDF-1.4\n% test\n")
    first = service.register_file(
        db,
        storage,
        organization_id=org,
        path=pdf,
        original_name="../plan.pdf",
        idempotency_key="k-1",
        project_name="School",
    )
    again = service.register_file(
        db, storage, organization_id=org, path=pdf, original_name="other.pdf", idempotency_key="k-1"
    )
    assert again["id"] == first["id"]
    assert first["status"] == "pending"
    assert first["original_name"] == "plan.pdf"
    assert first["content_type"] == "application/pdf"
    assert first["size_bytes"] == 16
    assert storage.read_bytes(first["sha256"]) == pdf.read_bytes()
    other = service.register_file(db, storage, organization_id=org, path=pdf, original_name="plan.pdf")
    assert other["id"] != first["id"] and other["sha256"] == first["sha256"]
    assert service.get_blueprint(db, org, first["id"])["project_name"] == "School"
    listed = service.list_blueprints(db, org, status="pending", limit=10, offset=0)
    assert {r["id"] for r in listed} == {first["id"], other["id"]}


def test_register_refuses_unknown_bytes(db, seeded, tmp_path: Path) -> None:
    bad = tmp_path / "plan.pdf"
    bad.write_bytes(b"MZ\x90\x00 not a drawing")
    with pytest.raises(UnsupportedMediaType, match="PDF, PNG, JPEG, TIFF, DXF"):
        service.register_file(
            db,
            Storage(tmp_path / "f"),
            organization_id=seeded["organization_id"],
            path=bad,
            original_name="plan.pdf",
        )


def test_other_organization_gets_not_found(db, seeded, tmp_path: Path) -> None:
    other_org = db.execute("insert into organizations (name, slug) values ('B', 'b') returning id").fetchone()["id"]
    pdf = tmp_path / "p.pdf"
    pdf.write_bytes(b"%PDF-1.4\n")
    row = service.register_file(
        db,
        Storage(tmp_path / "f"),
        organization_id=seeded["organization_id"],
        path=pdf,
        original_name="p.pdf",
    )
    with pytest.raises(NotFoundError):
        service.get_blueprint(db, str(other_org), row["id"])
    with pytest.raises(NotFoundError):
        service.get_blueprint(db, seeded["organization_id"], "not-a-uuid")
