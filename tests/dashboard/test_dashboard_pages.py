"""Every page renders for a signed-in user; review actions land in PostgreSQL; sessions expire safely."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import psycopg
import pytest
import streamlit as st
from psycopg.rows import dict_row
from streamlit.testing.v1 import AppTest

from pipelineos.auth.service import create_user
from pipelineos.settings import REPO_ROOT

APP = str(REPO_ROOT / "dashboard" / "streamlit_app.py")
PAGES = {
    "blueprints": ["bp_status", "bp_search"],
    "upload": ["upload_files", "upload_project"],
    "review": [
        "review_bp_select",
        "review_page",
        "review_show_above",
        "review_auto_accept",
        "review_accept",
        "review_reject",
        "review_relabel",
        "review_save",
        "review_find_similar",
    ],
    "bid": ["bid_catalog", "bid_markup", "bid_round", "bid_save", "bid_send"],
    "leads": ["leads_status", "leads_search"],
    "analytics": [],
    "catalog": ["catalog_select", "catalog_export"],
}


def keys_of(at: AppTest) -> set[str]:
    found = set()
    for kind in (
        "selectbox",
        "text_input",
        "slider",
        "button",
        "multiselect",
        "checkbox",
        "number_input",
        "file_uploader",
        "download_button",
    ):
        for widget in getattr(at, kind):
            if widget.key:
                found.add(widget.key)
    return found


def test_login_refuses_a_wrong_password(seeded):
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert [t.value for t in at.title] == ["PipelineOS"]
    at.text_input(key="login_email").input(seeded["admin_email"])
    at.text_input(key="login_password").input("not-the-password")
    at.button[0].click().run()
    assert not at.exception
    assert "Email or password is wrong" in at.error[0].value
    assert "auth_user" not in at.session_state


@pytest.mark.parametrize("page", list(PAGES))
def test_page_renders_with_its_widgets(signed_in, page):
    at = signed_in(page)
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    missing = set(PAGES[page]) - keys_of(at)
    assert not missing, f"{page}: missing widgets {missing}"


def test_blueprints_page_counts_statuses(signed_in, demo):
    at = signed_in("blueprints")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Completed"] == "12"
    assert metrics["Failed"] == "0"
    at.selectbox(key="bp_status").select("failed").run()
    assert any("No blueprints match" in i.value for i in at.info)


def test_analytics_page_shows_the_demo_win_rate(signed_in, seeded, db):
    at = signed_in("analytics")
    row = db.execute(
        "select count(*) filter (where status = 'accepted') as won, "
        "count(*) filter (where status in ('accepted', 'declined', 'expired')) as decided "
        "from bids where organization_id = %s",
        (seeded["organization_id"],),
    ).fetchone()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Win rate"] == f"{row['won'] / row['decided']:.0%}"


def _review_at(signed_in, blueprint_id: str) -> AppTest:
    at = signed_in("review", state={"review_blueprint_id": blueprint_id})
    assert at.selectbox(key="review_bp_select").value["id"] == blueprint_id
    return at


def _selected_key(blueprint_id: str) -> str:
    return f"review_selected_{blueprint_id}_0"


def shown_ids(db, blueprint_id: str, n: int) -> list[str]:
    """Ids of the first ``n`` detections the review page lists (confidence at or above the 0.30 default)."""
    rows = db.execute(
        "select id::text as id from fixture_detections where blueprint_id = %s and confidence >= 0.3 "
        "order by page_index, fixture_class, id limit %s",
        (blueprint_id, n),
    ).fetchall()
    return [r["id"] for r in rows]


def test_accept_and_relabel_are_saved_to_postgres_with_audit(signed_in, demo, db, seeded):
    blueprint_id = demo.blueprint_ids[-1]
    at = _review_at(signed_in, blueprint_id)
    ids = shown_ids(db, blueprint_id, 3)
    at.multiselect(key=_selected_key(blueprint_id)).set_value([ids[0], ids[1]]).run()
    at.button(key="review_accept").click().run()
    assert at.metric[0].value == "2"
    at.multiselect(key=_selected_key(blueprint_id)).set_value([ids[2]]).run()
    at.selectbox(key="review_relabel_class").select("urinal").run()
    at.button(key="review_relabel").click().run()
    assert at.metric[0].value == "3"
    at.checkbox(key="review_save_auto").uncheck().run()
    at.button(key="review_save").click().run()
    assert not at.exception
    rows = db.execute(
        "select detection_id::text as d, action, fixture_class from review_decisions "
        "where blueprint_id = %s order by action, detection_id",
        (blueprint_id,),
    ).fetchall()
    assert sorted((r["d"], r["action"], r["fixture_class"]) for r in rows) == sorted(
        [(ids[0], "accept", None), (ids[1], "accept", None), (ids[2], "relabel", "urinal")]
    )
    audit = db.execute(
        "select details from audit_log where entity = 'blueprint' and entity_id = %s "
        "and action = 'review.decisions_saved'",
        (blueprint_id,),
    ).fetchall()
    assert audit[-1]["details"]["count"] == 3
    assert at.metric[0].value == "0"


def test_reject_many_then_counts_drop(signed_in, demo, db):
    blueprint_id = demo.blueprint_ids[-2]
    at = _review_at(signed_in, blueprint_id)
    before = at.dataframe[0].value
    total_before = int(before["total"].sum())
    ids = shown_ids(db, blueprint_id, 5)
    at.multiselect(key=_selected_key(blueprint_id)).set_value(ids).run()
    at.button(key="review_reject").click().run()
    after = at.dataframe[0].value
    assert int(after["total"].sum()) == total_before - 5
    at.checkbox(key="review_save_auto").uncheck().run()
    at.button(key="review_save").click().run()
    n = db.execute(
        "select count(*) as n from review_decisions where blueprint_id = %s and action = 'reject'",
        (blueprint_id,),
    ).fetchone()["n"]
    assert n == 5


def test_add_missed_fixture_from_coordinates(signed_in, demo, db):
    blueprint_id = demo.blueprint_ids[-3]
    at = _review_at(signed_in, blueprint_id)
    at.number_input(key="review_add_x0").set_value(0.10)
    at.number_input(key="review_add_y0").set_value(0.20)
    at.number_input(key="review_add_x1").set_value(0.14)
    at.number_input(key="review_add_y1").set_value(0.26)
    at.selectbox(key="review_add_class").select("hose_bibb")
    next(b for b in at.button if b.label == "Add fixture").click().run()
    assert not at.exception
    at.checkbox(key="review_save_auto").uncheck().run()
    at.button(key="review_save").click().run()
    row = db.execute(
        "select fixture_class, page_index, x0, y0, x1, y1 from review_decisions "
        "where blueprint_id = %s and action = 'add'",
        (blueprint_id,),
    ).fetchone()
    assert row == {
        "fixture_class": "hose_bibb",
        "page_index": 0,
        "x0": 0.10,
        "y0": 0.20,
        "x1": 0.14,
        "y1": 0.26,
    }


def test_expired_session_keeps_unsaved_decisions_until_sign_in(signed_in, demo, db, seeded):
    blueprint_id = demo.blueprint_ids[-4]
    at = _review_at(signed_in, blueprint_id)
    target = shown_ids(db, blueprint_id, 1)[0]
    at.multiselect(key=_selected_key(blueprint_id)).set_value([target]).run()
    at.button(key="review_reject").click().run()
    user = dict(at.session_state["auth_user"])
    user["expires_at"] = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)).isoformat()
    at.session_state["auth_user"] = user
    at.run()
    assert not at.exception
    assert [t.value for t in at.title] == ["PipelineOS"]
    assert "1 unsaved review decision" in at.warning[0].value
    assert not at.selectbox, "nothing of the review page shows while signed out"
    at.text_input(key="login_password").input(seeded["admin_password"])
    at.button[0].click().run()
    assert [t.value for t in at.title] == ["Review takeoff"], "back on the page the session expired on"
    assert at.metric[0].value == "1"
    at.checkbox(key="review_save_auto").uncheck().run()
    at.button(key="review_save").click().run()
    row = db.execute("select action from review_decisions where detection_id = %s", (target,)).fetchone()
    assert row == {"action": "reject"}


def test_viewer_cannot_change_the_review(signed_in, demo, seeded, db_url):
    with psycopg.connect(db_url, row_factory=dict_row) as conn:
        create_user(
            conn,
            organization_id=seeded["organization_id"],
            email="viewer@example.com",
            password="viewer-password",
            role="viewer",
        )
    at = signed_in("review", email="viewer@example.com", password="viewer-password")
    assert at.multiselect(key=_selected_key(at.session_state["review_blueprint_id"])).disabled
    assert at.button(key="review_save").disabled
    at.switch_page("app_pages/upload.py").run()
    assert any("cannot" in i.value or "not upload" in i.value for i in at.info)
    at.switch_page("app_pages/catalog.py").run()
    assert at.button(key="catalog_import").disabled and "catalog_save" not in {b.key for b in at.button}
    assert "Only admins can change prices." in [c.value for c in at.caption]


def test_upload_registers_a_pending_blueprint(signed_in, db, seeded):
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    at = signed_in("upload")
    at.file_uploader(key="upload_files").upload("tiny-plan.pdf", pdf, "application/pdf").run()
    assert not at.exception
    row = db.execute(
        "select status, content_type, project_name from blueprints where original_name = %s",
        ("tiny-plan.pdf",),
    ).fetchone()
    assert row == {"status": "pending", "content_type": "application/pdf", "project_name": ""}
    texts = [p.text for p in at.get("progress")]
    assert texts == ["tiny\\-plan\\.pdf — pending"]  # the file name is shown escaped


def test_upload_refuses_a_file_that_is_not_a_drawing(signed_in):
    at = signed_in("upload")
    at.file_uploader(key="upload_files").upload("notes.pdf", b"hello, not a pdf", "application/pdf").run()
    assert not at.exception
    assert "notes\\.pdf" in at.error[0].value  # the file name is shown escaped
    assert "Traceback" not in at.error[0].value


def test_bid_page_saves_renders_previews_and_sends_the_proposal(signed_in, demo, db):
    blueprint_id = demo.blueprint_ids[0]
    at = signed_in("bid", state={"review_blueprint_id": blueprint_id})
    shown = {m.label: m.value for m in at.metric}
    assert {"Material", "Labor", "Overhead", "Markup", "Contingency", "Tax", "Total"} <= set(shown)
    assert at.button(key="bid_send").disabled, "nothing to send before a proposal is rendered"
    at.text_input(key="bid_customer_email").input("owner@example.com").run()
    at.button(key="bid_save").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    bid = db.execute(
        "select id::text as id, total::float8 as total, customer_email from bids where blueprint_id = %s "
        "and status = 'draft' order by created_at desc limit 1",
        (blueprint_id,),
    ).fetchone()
    assert f"${bid['total']:,.2f}" == shown["Total"]
    assert bid["customer_email"] == "owner@example.com"
    at.button(key="bid_render").click().run()
    assert not at.error, [e.value for e in at.error]
    assert len(at.image) >= 1, "the rendered proposal is previewed"
    at.button(key="bid_send").click().run()
    assert not at.error, [e.value for e in at.error]
    message = db.execute("select recipient, status, kind from messages where bid_id = %s", (bid["id"],)).fetchone()
    assert message == {"recipient": "owner@example.com", "status": "queued", "kind": "proposal"}
    assert db.execute("select status from bids where id = %s", (bid["id"],)).fetchone() == {"status": "sent"}


def test_bid_outcome_is_recorded_for_a_sent_bid(signed_in, demo, db):
    blueprint_id = demo.blueprint_ids[0]
    sent = db.execute(
        "select id::text as id from bids where blueprint_id = %s and status = 'sent' limit 1", (blueprint_id,)
    ).fetchone()
    at = signed_in("bid", state={"review_blueprint_id": blueprint_id})
    at.button(key=f"bid_outcome_accepted_{sent['id']}").click().run()
    assert not at.exception and not at.error
    row = db.execute("select status, accepted_at is not null as stamped from bids where id = %s", (sent["id"],))
    assert row.fetchone() == {"status": "accepted", "stamped": True}


def test_lead_text_is_shown_as_text_not_markup(signed_in, seeded, db):
    hostile = "<img src=x onerror=alert(1)> **urgent** [click](javascript:alert(2))"
    db.execute(
        "insert into leads (organization_id, name, email, message) values (%s, %s, %s, %s)",
        (seeded["organization_id"], "<b>Mallory</b>", "mallory@example.com", hostile),
    )
    db.commit()
    at = signed_in("leads")
    at.text_input(key="leads_search").input("Mallory").run()
    assert not at.exception
    assert hostile in [t.value for t in at.text]
    for md in at.markdown:
        assert "onerror" not in md.value


HOSTILE = "<img src=x onerror=alert(1)> **bold** [click](javascript:alert(2)) <script>x</script>"
LIVE_MARKUP = re.compile(r"(?<!\\)<img|(?<!\\)\*\*bold|(?<!\\)\]\(javascript")
"""The hostile text as Markdown would render it: a tag, emphasis or link not escaped by a backslash."""


def assert_no_live_markup(at: AppTest) -> None:
    """No Markdown element carries the hostile text unescaped (HTML, emphasis or a link would render)."""
    for kind in ("markdown", "caption", "error", "warning", "info", "success"):
        for element in getattr(at, kind):
            assert not LIVE_MARKUP.search(element.value), element.value


def test_text_from_drawings_is_shown_as_text(signed_in, demo, db):
    blueprint_id = demo.blueprint_ids[7]
    db.execute("update blueprints set project_name = %s where id = %s", (HOSTILE, blueprint_id))
    db.execute(
        "update blueprint_pages set sheet_title = %s, notes = array[%s] where blueprint_id = %s",
        (HOSTILE, f"legend symbols taken from {HOSTILE}", blueprint_id),
    )
    db.execute(
        "update fixture_detections set tag = %s where id = (select id from fixture_detections "
        "where blueprint_id = %s and confidence >= 0.3 order by page_index, fixture_class, id limit 1)",
        (HOSTILE, blueprint_id),
    )
    db.commit()
    st.cache_data.clear()  # blueprint lists are cached for a few seconds
    at = _review_at(signed_in, blueprint_id)
    assert not at.exception and not at.error
    assert at.selectbox(key="review_page").options[0] == f"P-101 — {HOSTILE}"[:88]  # long titles are cut
    assert any(HOSTILE in o for o in at.selectbox(key="review_bp_select").options)
    assert any("Takeoff note: legend symbols taken from" in c.value for c in at.caption)
    options = at.multiselect(key=_selected_key(blueprint_id)).options
    assert any(o.endswith(f" · {HOSTILE}") for o in options), options
    assert_no_live_markup(at)
    at.switch_page("app_pages/blueprints.py").run()
    at.text_input(key="bp_search").input("onerror").run()
    assert at.dataframe[0].value["project_name"].tolist() == [HOSTILE]
    assert_no_live_markup(at)


def test_lead_name_and_message_are_shown_as_text(signed_in, seeded, db):
    db.execute(
        "insert into leads (organization_id, name, email, message) values (%s, %s, 'x@example.com', %s)",
        (seeded["organization_id"], "Eve " + HOSTILE, "# Call me " + HOSTILE),
    )
    db.commit()
    at = signed_in("leads")
    at.text_input(key="leads_search").input("Eve").run()
    assert not at.exception and not at.error
    texts = [t.value for t in at.text]
    assert f"From: Eve {HOSTILE}  x@example.com" in texts and f"# Call me {HOSTILE}" in texts
    assert at.dataframe[0].value["name"].tolist() == ["Eve " + HOSTILE]
    assert_no_live_markup(at)


def test_a_deep_link_while_signed_out_shows_the_login_then_that_page(seeded, demo):
    at = AppTest.from_file(APP, default_timeout=30)
    at.switch_page("app_pages/review.py").run()
    assert not at.exception
    assert [t.value for t in at.title] == ["PipelineOS"], "the sign-in form, not the review page"
    assert not at.selectbox, "nothing of the page leaks before sign-in"
    at.text_input(key="login_email").input(seeded["admin_email"])
    at.text_input(key="login_password").input(seeded["admin_password"])
    at.button[0].click().run()
    assert [t.value for t in at.title] == ["Review takeoff"]


def test_sign_out_forgets_the_user_and_their_drafts(signed_in, demo, db):
    blueprint_id = demo.blueprint_ids[8]
    at = _review_at(signed_in, blueprint_id)
    at.multiselect(key=_selected_key(blueprint_id)).set_value(shown_ids(db, blueprint_id, 1)).run()
    at.button(key="review_accept").click().run()
    assert at.metric[0].value == "1"
    at.button(key="nav_sign_out").click().run()
    assert [t.value for t in at.title] == ["PipelineOS"]
    assert "auth_user" not in at.session_state and "review_pending" not in at.session_state


def test_find_more_like_this_adds_the_missed_symbols(signed_in, demo, db):
    blueprint_id = demo.blueprint_ids[5]
    layout_ids = shown_ids(db, blueprint_id, 40)
    at = _review_at(signed_in, blueprint_id)
    rows = db.execute(
        "select id::text as id, fixture_class from fixture_detections where blueprint_id = %s",
        (blueprint_id,),
    ).fetchall()
    by_class: dict[str, int] = {}
    for r in rows:
        by_class[r["fixture_class"]] = by_class.get(r["fixture_class"], 0) + 1
    target = next(i for i in layout_ids if next(r for r in rows if r["id"] == i)["fixture_class"] == "water_closet")
    at.multiselect(key=_selected_key(blueprint_id)).set_value([target]).run()
    at.button(key="review_find_similar").click().run()
    assert not at.exception
    found = at.session_state["review_similar"]["boxes"]
    assert found, "the demo sheet draws water closets that were not detected"
    assert any(f"{len(found)} similar symbol(s) not yet counted as Water closet" in m.value for m in at.markdown)
    at.button(key="review_add_similar").click().run()
    assert at.metric[0].value == str(len(found))


def catalog_files(db, organization_id: str) -> tuple[bytes, bytes]:
    """The active catalog exported by the pricing core, as an import template."""
    from pipelineos.pricing.catalog_admin import export_csv

    catalog_id = db.execute(
        "select id::text as id from price_catalogs where organization_id = %s and is_active "
        "order by version desc limit 1",
        (organization_id,),
    ).fetchone()["id"]
    return export_csv(db, organization_id, catalog_id, "items"), export_csv(
        db, organization_id, catalog_id, "assemblies"
    )


def test_catalog_import_creates_a_new_active_version(signed_in, db, seeded):
    items, assemblies = catalog_files(db, seeded["organization_id"])
    rows = list(csv.DictReader(io.StringIO(items.decode())))
    next(r for r in rows if r["sku"] == "FIX-WC")["material_cost"] = "399.00"
    edited = io.StringIO()
    writer = csv.DictWriter(edited, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    at = signed_in("catalog")
    versions_before = len(at.selectbox(key="catalog_select").options)
    at.file_uploader(key="catalog_import_items").upload("items.csv", edited.getvalue().encode(), "text/csv")
    at.file_uploader(key="catalog_import_assemblies").upload("assemblies.csv", assemblies, "text/csv").run()
    at.button(key="catalog_import").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.success[0].value.startswith("Imported Standard 2026 v")
    row = db.execute(
        "select c.version, c.is_active, i.material_cost::float8 as cost from price_items i "
        "join price_catalogs c on c.id = i.catalog_id where i.sku = 'FIX-WC' order by c.version desc limit 1"
    ).fetchone()
    assert row["cost"] == 399.0 and row["is_active"] and row["version"] >= 2
    assert len(at.selectbox(key="catalog_select").options) == versions_before + 1
    audit = "select count(*) as n from audit_log where entity = 'price_catalog' and action = 'import'"
    assert db.execute(audit).fetchone()["n"] == 1


def test_catalog_import_error_names_the_row(signed_in, db, seeded):
    _, assemblies = catalog_files(db, seeded["organization_id"])
    at = signed_in("catalog")
    bad = b"sku,description,unit,material_cost\nX,y,ea,-5\n"
    at.file_uploader(key="catalog_import_items").upload("bad.csv", bad, "text/csv")
    at.file_uploader(key="catalog_import_assemblies").upload("assemblies.csv", assemblies, "text/csv").run()
    at.button(key="catalog_import").click().run()
    assert not at.exception
    assert "row 2, column 'material_cost'" in at.error[0].value
    assert "Traceback" not in at.error[0].value


def test_catalog_rates_save_a_new_version_the_bid_page_offers(signed_in, db, seeded, demo):
    at = signed_in("catalog")
    at.number_input(key="catalog_rate_markup_pct").set_value(22.5)
    next(b for b in at.button if b.label == "Save rates as a new version").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    newest = db.execute(
        "select version, markup_pct::float8 as markup, is_active, effective_from = current_date as today "
        "from price_catalogs where organization_id = %s order by version desc limit 1",
        (seeded["organization_id"],),
    ).fetchone()
    assert (newest["markup"], newest["is_active"], newest["today"]) == (22.5, True, True)
    bid = signed_in("bid", state={"review_blueprint_id": demo.blueprint_ids[2]})
    assert bid.selectbox(key="bid_catalog").value["version"] == newest["version"]
    assert bid.number_input(key="bid_markup").value == 22.5
    assert not bid.button(key="bid_save").disabled


def test_lead_moves_along_the_pipeline(signed_in, seeded, db):
    lead = db.execute(
        "insert into leads (organization_id, name, email, message) values (%s, 'Pat Doe', "
        "'pat@example.com', 'Two bathrooms') returning id::text as id",
        (seeded["organization_id"],),
    ).fetchone()
    db.commit()
    at = signed_in("leads")
    at.text_input(key="leads_search").input("Pat Doe").run()
    at.selectbox(key="leads_new_status").select("contacted")
    at.text_area(key="leads_note").input("Called back, site visit Friday.")
    next(b for b in at.button if b.label == "Update lead").click().run()
    assert not at.exception and at.success[0].value == "Lead updated."
    row = db.execute("select status from leads where id = %s", (lead["id"],)).fetchone()
    assert row == {"status": "contacted"}
    note = db.execute("select body from lead_notes where lead_id = %s", (lead["id"],)).fetchone()
    assert note == {"body": "Called back, site visit Friday."}


def test_blueprints_page_opens_a_blueprint_for_review(signed_in, demo):
    at = signed_in("blueprints")
    choice = at.selectbox(key="bp_open").value
    at.button(key="bp_open_button").click().run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Review takeoff"]
    assert at.selectbox(key="review_bp_select").value["id"] == choice["id"]


def test_bid_markup_other_than_the_catalog_is_a_what_if(signed_in, demo):
    at = signed_in("bid", state={"review_blueprint_id": demo.blueprint_ids[1]})
    base = {m.label: m.value for m in at.metric}
    at.number_input(key="bid_markup").set_value(25.0).run()
    changed = {m.label: m.value for m in at.metric}
    assert changed["Markup"] != base["Markup"] and changed["Material"] == base["Material"]
    assert at.button(key="bid_save").disabled
    assert "catalog's markup" in at.info[0].value


def test_hidden_low_confidence_detections_count_until_rejected(signed_in, demo, db):
    blueprint_id = demo.blueprint_ids[6]
    low = db.execute(
        "select count(*) as n from fixture_detections where blueprint_id = %s and confidence < 0.5",
        (blueprint_id,),
    ).fetchone()["n"]
    total = db.execute(
        "select count(*) as n from fixture_detections where blueprint_id = %s", (blueprint_id,)
    ).fetchone()["n"]
    at = _review_at(signed_in, blueprint_id)
    at.slider(key="review_show_above").set_value(0.5).run()
    assert int(at.dataframe[0].value["total"].sum()) == total
    at.button(key="review_reject_hidden").click().run()
    assert int(at.dataframe[0].value["total"].sum()) == total - low
    assert at.metric[0].value == str(low)
