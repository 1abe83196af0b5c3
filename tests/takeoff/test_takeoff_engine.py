"""End to end on vector sheets: tags, symbols, legend exclusion, fusion with a provider."""

from __future__ import annotations

from pathlib import Path

from takeoff_helpers import f1, score_page, truth_of

from pipelineos.takeoff.engine import analyze_document, analyze_page
from pipelineos.takeoff.models import Detection


def test_demo_sheet_counts_are_exact(plan_set: list[Path]) -> None:
    doc = analyze_document(plan_set[0])
    page = doc.pages[0]
    score = score_page(page, plan_set[0])
    assert page.error is None and page.is_vector and page.sheet_number == "P-101"
    assert score.exact, (score.fp, score.fn)
    assert f1(score) >= 0.97
    assert any("text_tag" in d.methods for d in page.fixtures)
    assert page.mismatches == []


def test_reference_symbols_are_not_counted(plan_set: list[Path]) -> None:
    page = analyze_page(plan_set[1], 0)
    refs = truth_of(plan_set[1])["references"]
    assert refs
    for ref in refs:
        x0, y0, x1, y1 = ref["bbox"]
        for det in page.fixtures:
            cx, cy = (det.bbox[0] + det.bbox[2]) / 2, (det.bbox[1] + det.bbox[3]) / 2
            assert not (x0 <= cx <= x1 and y0 <= cy <= y1), (ref, det)


def test_untagged_vector_sheet_by_symbols(untagged_sheet: Path) -> None:
    page = analyze_page(untagged_sheet, 0)
    score = score_page(page, untagged_sheet)
    assert not any(d.method == "text_tag" for d in page.fixtures)
    assert f1(score) >= 0.95, (score.fp, score.fn)


class FakeProvider:
    """A vision provider that finds one extra fixture and repeats one the engine finds anyway."""

    def __init__(self, known: tuple[float, float, float, float]) -> None:
        self.known = known
        self.calls = 0

    def detect_page(self, png: bytes, width_px: int, height_px: int, page_index: int) -> list[Detection]:
        self.calls += 1
        assert png.startswith(b"\x89PNG") and width_px > height_px
        return [
            Detection("water_closet", self.known, 0.8, "claude", page_index),
            Detection("urinal", (0.01, 0.5, 0.02, 0.51), 0.9, "claude", page_index),
        ]


def test_provider_detections_are_fused(plan_set: list[Path]) -> None:
    truth = truth_of(plan_set[0])
    known = next(f for f in truth["fixtures"] if f["class"] == "water_closet")
    provider = FakeProvider(tuple(known["bbox"]))
    plain = analyze_page(plan_set[0], 0)
    fused = analyze_page(plan_set[0], 0, provider=provider)
    assert provider.calls == 1
    assert len(fused.fixtures) == len(plain.fixtures) + 1
    assert any("claude" in d.methods and "text_tag" in d.methods for d in fused.fixtures)
