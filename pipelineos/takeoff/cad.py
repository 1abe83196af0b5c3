"""DXF drawings: render to PDF for the pixel methods, and count fixture block inserts exactly.

A block insert is a fixture when its block name, layer or attribute values name one (``WC``, ``LAV-1``,
``P-FIXT-URINAL``, ``FLOOR_DRAIN`` …). Its box is the insert's extents, mapped onto the rendered page,
which is sized to the drawing's extents with no margin so the mapping is linear.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import ezdxf
from ezdxf import bbox as ezbbox
from ezdxf.addons.drawing import Frontend, RenderContext, layout
from ezdxf.addons.drawing import pymupdf as mupdf_backend
from ezdxf.entities import DXFEntity, Insert
from ezdxf.math import BoundingBox2d

from pipelineos.takeoff.models import TakeoffInputError
from pipelineos.takeoff.schedule import DEFAULT_PREFIXES, class_from_text

PAGE_LONG_SIDE_MM = 914.4
MAX_NESTING = 4
Box = tuple[float, float, float, float]


def _read(path: Path) -> ezdxf.document.Drawing:
    try:
        return ezdxf.readfile(str(path))
    except (OSError, ezdxf.DXFError) as exc:
        raise TakeoffInputError(f"{path}: not a readable DXF file ({exc}).") from exc


def _extents(doc: ezdxf.document.Drawing, path: Path) -> ezbbox.BoundingBox:
    box = ezbbox.extents(doc.modelspace(), fast=True)
    if not box.has_data or box.size.x <= 0 or box.size.y <= 0:
        raise TakeoffInputError(f"{path}: the DXF model space is empty.")
    return box


def _page(box: ezbbox.BoundingBox) -> layout.Page:
    w, h = box.size.x, box.size.y
    scale = PAGE_LONG_SIDE_MM / max(w, h)
    return layout.Page(w * scale, h * scale, layout.Units.mm, layout.Margins.all(0))


def dxf_to_pdf(path: Path) -> bytes:
    """A one-page PDF of the DXF model space, page sized to the drawing's extents."""
    doc = _read(path)
    box = _extents(doc, path)
    backend = mupdf_backend.PyMuPdfBackend()
    Frontend(RenderContext(doc), backend).draw_layout(doc.modelspace(), finalize=True)
    settings = layout.Settings(fit_page=True)
    return backend.get_pdf_bytes(
        _page(box),
        settings=settings,
        render_box=BoundingBox2d([(box.extmin.x, box.extmin.y), (box.extmax.x, box.extmax.y)]),
    )


def fixture_class_of(name: str) -> str | None:
    """Class named by a block name, layer or attribute value, or None."""
    text = re.sub(r"[_\-.$|]+", " ", name.upper())
    cls = class_from_text(text)
    if cls:
        return cls
    for token in text.split():
        stripped = token.rstrip("0123456789")
        if stripped in DEFAULT_PREFIXES and stripped not in ("S", "L", "U"):
            return DEFAULT_PREFIXES[stripped]
    return None


def _insert_class(insert: Insert) -> str | None:
    names = [insert.dxf.name, insert.dxf.layer]
    names += [attrib.dxf.text for attrib in insert.attribs] + [attrib.dxf.tag for attrib in insert.attribs]
    return next((c for c in map(fixture_class_of, names) if c), None)


def _fixture_inserts(entities: Iterable[DXFEntity], depth: int = 0) -> Iterator[tuple[str, Insert]]:
    """Fixture block inserts, looking inside non-fixture blocks (a toilet-room block holding WC blocks)."""
    for entity in entities:
        if not isinstance(entity, Insert):
            continue
        cls = _insert_class(entity)
        if cls is not None:
            yield cls, entity
        elif depth < MAX_NESTING:
            yield from _fixture_inserts(entity.virtual_entities(), depth + 1)


def dxf_fixtures(path: Path) -> list[tuple[str, Box, str]]:
    """(class, box in page points, block name) for every fixture block insert in model space."""
    doc = _read(path)
    box = _extents(doc, path)
    page = _page(box)
    width_pt, height_pt = page.width / 25.4 * 72, page.height / 25.4 * 72
    sx, sy = width_pt / box.size.x, height_pt / box.size.y
    found: list[tuple[str, Box, str]] = []
    for cls, insert in _fixture_inserts(doc.modelspace()):
        ext = ezbbox.extents([insert], fast=True)
        if not ext.has_data:
            continue
        x0 = (ext.extmin.x - box.extmin.x) * sx
        x1 = (ext.extmax.x - box.extmin.x) * sx
        y0 = (box.extmax.y - ext.extmax.y) * sy
        y1 = (box.extmax.y - ext.extmin.y) * sy
        found.append((cls, (x0, y0, x1, y1), insert.dxf.name))
    return found
