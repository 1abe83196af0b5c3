"""DXF: fixture block inserts counted exactly, at their positions, alongside the rendered pixels."""

from __future__ import annotations

from pathlib import Path

import ezdxf
import pytest

from pipelineos.takeoff.cad import fixture_class_of
from pipelineos.takeoff.engine import analyze_document
from pipelineos.takeoff.inputs import page_count, render_page_png


def _drawing(path: Path) -> Path:
    doc = ezdxf.new()
    msp = doc.modelspace()
    wc = doc.blocks.new("WC-FLOOR")
    wc.add_lwpolyline([(-10, 0), (10, 0), (10, 8), (-10, 8)], close=True)
    wc.add_ellipse((0, 18), major_axis=(0, 10), ratio=0.8)
    sink = doc.blocks.new("FIXTURE-A", dxfattribs={})
    sink.add_lwpolyline([(-10, 0), (10, 0), (10, 17), (-10, 17)], close=True)
    sink.add_attdef("TAG", (0, -3))
    chair = doc.blocks.new("CHAIR")
    chair.add_lwpolyline([(-9, 0), (9, 0), (9, 18), (-9, 18)], close=True)
    msp.add_lwpolyline([(0, 0), (600, 0), (600, 400), (0, 400)], close=True)
    for x in (50, 100, 150):
        msp.add_blockref("WC-FLOOR", (x, 360), dxfattribs={"rotation": 180})
    ref = msp.add_blockref("FIXTURE-A", (300, 20))
    ref.add_auto_attribs({"TAG": "LAV-1"})
    msp.add_blockref("CHAIR", (400, 200))
    doc.saveas(path)
    return path


@pytest.mark.parametrize(
    ("name", "cls"),
    [
        ("WC-FLOOR", "water_closet"),
        ("P-FIXT-URINAL", "urinal"),
        ("FLOOR_DRAIN_4IN", "floor_drain"),
        ("LAV1", "lavatory"),
        ("CHAIR", None),
        ("A-DOOR", None),
    ],
)
def test_fixture_class_of_block_names(name: str, cls: str | None) -> None:
    assert fixture_class_of(name) == cls


def test_dxf_blocks_are_counted_with_positions(tmp_path: Path) -> None:
    path = _drawing(tmp_path / "plan.dxf")
    assert page_count(path) == 1
    assert render_page_png(path, 0, dpi=10).startswith(b"\x89PNG")
    page = analyze_document(path).pages[0]
    assert page.error is None
    cad = [d for d in page.fixtures if "cad_block" in d.methods]
    assert sorted(d.fixture_class for d in cad) == [
        "lavatory",
        "water_closet",
        "water_closet",
        "water_closet",
    ]
    lav = next(d for d in cad if d.fixture_class == "lavatory")
    assert 0.47 < (lav.bbox[0] + lav.bbox[2]) / 2 < 0.53 and lav.bbox[3] > 0.9
    wcs = sorted((d.bbox[0] + d.bbox[2]) / 2 for d in cad if d.fixture_class == "water_closet")
    assert [round(x, 2) for x in wcs] == [0.08, 0.17, 0.25]
    assert all(d.bbox[1] < 0.2 for d in cad if d.fixture_class == "water_closet")
