"""Adding a missed fixture by clicking the sheet: the page takes the click and saves an "add" decision."""

from __future__ import annotations

import statistics

from dashboard.utils.add_panel import click_key


def _click(at, blueprint_id: str, x: float, y: float, stamp: int, width: int = 760, height: int = 492) -> None:
    """What the image component stores when the sheet is clicked at display pixel (x, y)."""
    at.session_state[click_key(blueprint_id, 0)] = {
        "x": x,
        "y": y,
        "width": width,
        "height": height,
        "unix_time": stamp,
    }
    at.run()


def test_a_click_on_the_sheet_adds_a_fixture_sized_like_its_class(signed_in, demo, db):
    blueprint_id = demo.blueprint_ids[9]
    at = signed_in("review", state={"review_blueprint_id": blueprint_id})
    at.selectbox(key="review_add_class").select("lavatory").run()
    at.toggle(key="review_click_add").set_value(True).run()
    assert not at.exception
    assert any("Click on the sheet to add a Lavatory there" in c.value for c in at.caption)
    _click(at, blueprint_id, 380, 246, stamp=1)
    assert not at.exception, at.exception
    assert at.metric[0].value == "1"
    _click(at, blueprint_id, 380, 246, stamp=1)
    assert at.metric[0].value == "1", "the same click is taken once"
    at.button(key="review_undo_add").click().run()
    assert at.metric[0].value == "0"
    _click(at, blueprint_id, 380, 246, stamp=2)
    assert at.metric[0].value == "1"
    at.checkbox(key="review_save_auto").uncheck().run()
    at.button(key="review_save").click().run()
    row = db.execute(
        "select fixture_class, page_index, x0, y0, x1, y1, reason from review_decisions "
        "where blueprint_id = %s and action = 'add'",
        (blueprint_id,),
    ).fetchone()
    sizes = db.execute(
        "select x1 - x0 as w, y1 - y0 as h from fixture_detections where blueprint_id = %s "
        "and page_index = 0 and fixture_class = 'lavatory'",
        (blueprint_id,),
    ).fetchall()
    assert row["fixture_class"] == "lavatory" and row["page_index"] == 0
    assert abs((row["x0"] + row["x1"]) / 2 - 0.5) < 1e-3 and abs((row["y0"] + row["y1"]) / 2 - 0.5) < 1e-3
    assert abs((row["x1"] - row["x0"]) - statistics.median(r["w"] for r in sizes)) < 1e-4
    assert abs((row["y1"] - row["y0"]) - statistics.median(r["h"] for r in sizes)) < 1e-4
    assert "clicking the sheet" in row["reason"]


def test_a_click_while_click_to_add_is_off_adds_nothing(signed_in, demo):
    blueprint_id = demo.blueprint_ids[10]
    at = signed_in("review", state={"review_blueprint_id": blueprint_id})
    _click(at, blueprint_id, 100, 100, stamp=5)
    assert not at.exception
    assert at.metric[0].value == "0"
