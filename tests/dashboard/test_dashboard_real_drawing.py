"""A generated plan sheet goes through the real in-process pipeline, then through the review and bid pages."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.utils.labels import class_label
from pipelineos.settings import REPO_ROOT

APP = str(REPO_ROOT / "dashboard" / "streamlit_app.py")


@pytest.fixture(scope="module")
def processed(seeded: dict[str, str], tmp_path_factory: pytest.TempPathFactory):
    from pipelineos.blueprints.processing.pipeline import ingest_file
    from pipelineos.samples.generator import generate_plan_set

    [sheet] = generate_plan_set(tmp_path_factory.mktemp("plans"), sheets=1, seed=3)
    result = ingest_file(sheet, seeded["organization_id"], send=False, workers=1)
    assert result.status == "completed", result.error
    return result


def open_page(seeded: dict[str, str], page: str, blueprint_id: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["review_blueprint_id"] = blueprint_id
    at.run()
    at.text_input(key="login_email").input(seeded["admin_email"])
    at.text_input(key="login_password").input(seeded["admin_password"])
    at.button[0].click().run()
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, at.exception
    return at


def test_review_of_a_processed_drawing(processed, seeded, db):
    at = open_page(seeded, "review", processed.blueprint_id)
    assert not at.error, [e.value for e in at.error]
    expected = {
        class_label(r["fixture_class"]): r["n"]
        for r in db.execute(
            "select fixture_class, count(*) as n from fixture_detections where blueprint_id = %s "
            "group by fixture_class",
            (processed.blueprint_id,),
        ).fetchall()
    }
    counts = at.dataframe[0].value
    assert dict(zip(counts["fixture type"], counts["total"], strict=True)) == expected, "human labels, true counts"
    assert "P-101" in counts.columns
    captions = [c.value for c in at.caption]
    assert not any("No fixture schedule" in c for c in captions), "the generated sheet has a fixture schedule"
    assert at.warning or at.success

    first = db.execute(
        "select id::text as id, fixture_class from fixture_detections where blueprint_id = %s "
        "and confidence >= 0.3 order by page_index, fixture_class, id limit 1",
        (processed.blueprint_id,),
    ).fetchone()
    at.multiselect(key=f"review_selected_{processed.blueprint_id}_0").set_value([first["id"]]).run()
    at.button(key="review_find_similar").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.session_state["review_similar"]["fixture_class"] == first["fixture_class"]


def test_bid_page_prices_like_the_pipeline_and_previews_the_proposal(processed, seeded):
    at = open_page(seeded, "bid", processed.blueprint_id)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Total"] == f"${float(processed.bid_total):,.2f}"
    keys = {b.key for b in at.get("download_button")}
    assert f"bid_pdf_{processed.bid_id}" in keys
