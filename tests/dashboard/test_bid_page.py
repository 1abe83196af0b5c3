"""Bid page: proposal text editing, the bid's status history, and the compare with the previous revision."""

from __future__ import annotations

import pymupdf
import streamlit as st

from pipelineos.storage import get_storage
from pipelineos.takeoff.models import FIXTURE_CLASSES


def _bid_page(signed_in, blueprint_id: str):
    at = signed_in("bid", state={"review_blueprint_id": blueprint_id})
    assert not at.exception and not at.error, [e.value for e in at.error]
    return at


def frames_with(at, *columns: str) -> list:
    """The values of the dataframes on the page that have all ``columns`` (AppTest does not expose their keys)."""
    return [d.value for d in at.dataframe if set(columns) <= set(d.value.columns)]


def _save_draft(at, email: str = "owner@example.com"):
    at.text_input(key="bid_customer_email").input(email).run()
    at.button(key="bid_save").click().run()
    assert not at.error, [e.value for e in at.error]


def test_edited_proposal_text_is_saved_and_printed_in_the_proposal(signed_in, demo, db):
    blueprint_id = demo.blueprint_ids[3]
    at = _bid_page(signed_in, blueprint_id)
    _save_draft(at)
    bid_id = db.execute(
        "select id::text as id from bids where blueprint_id = %s and status = 'draft'", (blueprint_id,)
    ).fetchone()["id"]
    at.run()
    scope = at.text_area(key=f"bid_text_scope_{bid_id}")
    assert scope.value.startswith("Furnish and install"), "the default scope is offered for editing"
    scope.input("Replace 14 water closets on floors 2-4.\n\n  Haul away the old fixtures.  ")
    at.text_area(key=f"bid_text_terms_{bid_id}").input("Net 30 days.")
    next(b for b in at.button if b.label == "Save proposal text").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("Proposal text saved" in s.value for s in at.success)
    settings = db.execute("select settings from bids where id = %s", (bid_id,)).fetchone()["settings"]
    assert settings["scope"] == ["Replace 14 water closets on floors 2-4.", "Haul away the old fixtures."]
    assert settings["terms"] == ["Net 30 days."]
    at.button(key="bid_render").click().run()
    assert not at.error, [e.value for e in at.error]
    sha = db.execute("select pdf_sha256 from proposals where bid_id = %s", (bid_id,)).fetchone()["pdf_sha256"]
    with pymupdf.open(stream=get_storage().read_bytes(sha), filetype="pdf") as doc:
        text = " ".join(" ".join(page.get_text().split()) for page in doc)
    assert "Replace 14 water closets on floors 2-4." in text and "Net 30 days." in text
    assert "Furnish and install the plumbing fixtures" not in text


def test_bid_status_history_lists_each_change_and_who_made_it(signed_in, demo, db, seeded):
    blueprint_id = demo.blueprint_ids[4]
    at = _bid_page(signed_in, blueprint_id)
    _save_draft(at)
    at.button(key="bid_render").click().run()
    at.button(key="bid_send").click().run()
    assert not at.error, [e.value for e in at.error]
    bid_id = db.execute(
        "select id::text as id from bids where blueprint_id = %s and status = 'sent' order by created_at desc",
        (blueprint_id,),
    ).fetchone()["id"]
    at.run()
    at.button(key=f"bid_outcome_declined_{bid_id}").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    tables = frames_with(at, "from", "to", "when", "by")
    assert len(tables) == 1, "one bid with a status history on this blueprint"
    table = tables[0]
    assert table["from"].tolist() == ["—", "Draft", "Sent"], "created, sent, declined"
    assert table["to"].tolist() == ["Draft", "Sent", "Declined"]
    assert table["by"].tolist()[1:] == [seeded["admin_email"]] * 2


def test_revision_compare_shows_count_changes_against_the_previous_version(signed_in, demo, db):
    newest, previous = db.execute(
        "select id::text as id from blueprints where id = any(%s::uuid[]) order by created_at desc limit 2",
        (demo.blueprint_ids,),
    ).fetchall()
    st.cache_data.clear()
    at = _bid_page(signed_in, newest["id"])
    (table,) = frames_with(at, "fixture_class", "previous", "current", "delta")
    expected = db.execute(
        "select fixture_class, count(*) filter (where blueprint_id = %(new)s) as current, "
        "count(*) filter (where blueprint_id = %(old)s) as previous from fixture_detections "
        "where blueprint_id in (%(new)s, %(old)s) group by fixture_class order by fixture_class",
        {"new": newest["id"], "old": previous["id"]},
    ).fetchall()
    assert len(table) == len(expected)
    for shown, row in zip(table.to_dict("records"), expected, strict=True):
        assert shown["fixture_class"] == row["fixture_class"].replace("_", " ").capitalize()
        assert (shown["previous"], shown["current"]) == (row["previous"], row["current"])
        assert shown["delta"] == row["current"] - row["previous"]
    assert any("Changed regions in orange" in c for i in at.image for c in i.captions), "the overlay is shown"


def test_the_first_version_of_a_project_has_nothing_to_compare(signed_in, demo, db):
    oldest = db.execute(
        "select id::text as id from blueprints where id = any(%s::uuid[]) order by created_at limit 1",
        (demo.blueprint_ids,),
    ).fetchone()
    at = _bid_page(signed_in, oldest["id"])
    assert not frames_with(at, "fixture_class", "previous", "current", "delta")
    assert any("No earlier version of this project" in c.value for c in at.caption)


def test_bid_lines_and_analytics_show_fixture_labels_not_raw_names(signed_in, demo):
    at = _bid_page(signed_in, demo.blueprint_ids[2])
    lines = at.dataframe[0].value
    assert "Water closet" in set(lines["fixture_class"]) and "water_closet" not in set(lines["fixture_class"])
    at.switch_page("app_pages/analytics.py").run()
    assert not at.exception
    (precision,) = frames_with(at, "fixture_class", "reviewed", "precision")
    assert set(precision["fixture_class"]) <= {c.replace("_", " ").capitalize() for c in FIXTURE_CLASSES}
    assert "Water closet" in set(precision["fixture_class"])
