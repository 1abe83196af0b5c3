"""Price catalog: edit prices and rates, import a workbook or CSV files, export, choose the active version."""

from __future__ import annotations

from functools import partial

import streamlit as st

from dashboard.utils import ui
from dashboard.utils.catalog import EDITABLE, RATE_FIELDS, changed_rows, is_frozen, save_edits, save_new_version
from dashboard.utils.db import fetch_all, readable_error
from dashboard.utils.session import is_admin
from pipelineos.db.pool import connection
from pipelineos.pricing import catalog_admin

RATES = {
    "labor_rate": ("Labor rate", "$/h"),
    "overhead_pct": ("Overhead", "%"),
    "markup_pct": ("Markup", "%"),
    "contingency_pct": ("Contingency", "%"),
    "tax_pct": ("Tax", "%"),
}

user = ui.require_user()
org = user["organization_id"]
admin = is_admin(user)
st.title("Price catalog")


def version_label(c: dict) -> str:
    """A catalog version as listed in the selector."""
    tags = [t for t, on in (("active", c["is_active"]), (f"used by {c['bids']} bid(s)", c["bids"])) if on]
    return f"{c['name']} v{c['version']} · from {c['effective_from']}" + (f" ({', '.join(tags)})" if tags else "")


def export(part: str, organization_id: str, catalog_id: str) -> bytes:
    """The catalog as a workbook (``part="xlsx"``) or one CSV file, made only when downloaded."""
    with connection() as conn:
        if part == "xlsx":
            return catalog_admin.export_xlsx(conn, organization_id, catalog_id)
        return catalog_admin.export_csv(conn, organization_id, catalog_id, part)


def done(message: str) -> None:
    """After a write: forget cached reads, keep the message for the next run, redraw."""
    ui.clear_data_caches()
    st.session_state["catalog_message"] = ui.escape_md(message)
    st.rerun()


try:
    catalogs = ui.catalogs(org)
except Exception as exc:
    st.error(readable_error(exc, "load the catalogs"))
    st.stop()
if not catalogs:
    st.info("No price catalog yet. Run `pipelineos db migrate` to seed the default catalog, or import one below.")
    st.stop()
if message := st.session_state.pop("catalog_message", None):
    st.success(message)

catalog = st.selectbox("Catalog version", catalogs, key="catalog_select", format_func=version_label)
try:
    items = fetch_all("catalog_items", organization_id=org, catalog_id=catalog["id"])
    with connection() as conn:
        frozen = is_frozen(conn, catalog["id"])
except Exception as exc:
    st.error(readable_error(exc, "load the catalog items"))
    st.stop()
for column, (key, (label, unit)) in zip(st.columns(len(RATES)), RATES.items(), strict=True):
    column.metric(label, f"{catalog[key]:g} {unit}")
if frozen:
    st.caption("Bids were priced with this version, so it is frozen: saving changes creates a new version.")

items_tab, rates_tab, import_tab, export_tab = st.tabs(["Items", "Rates", "Import", "Export"])
with items_tab:
    edited = st.data_editor(
        [{k: r[k] for k in ("sku", *EDITABLE, "price_changed_at")} for r in items],
        key=f"catalog_editor_{catalog['id']}",
        hide_index=True,
        disabled=not admin,
        column_config={
            "sku": st.column_config.TextColumn("SKU", disabled=True),
            "material_cost": st.column_config.NumberColumn("List cost", min_value=0.0, format="$%.2f"),
            "discount_multiplier": st.column_config.NumberColumn("Discount ×", min_value=0.0001, format="%.4f"),
            "price_changed_at": st.column_config.DateColumn("Price changed", disabled=True),
        },
    )
    changes = changed_rows(items, list(edited) if isinstance(edited, list) else edited.to_dict("records"))
    target = "as a new version" if frozen else "in this version"
    if admin and st.button(f"Save {len(changes)} change(s) {target}", key="catalog_save", disabled=not changes):
        try:
            with connection() as conn:
                if frozen:
                    created = save_new_version(conn, org, catalog["id"], user["id"], changes=changes)
                    saved = f"Saved as {created['name']} v{created['version']}, now active for new bids."
                else:
                    saved = f"Saved {save_edits(conn, org, catalog['id'], user['id'], changes)} item(s)."
        except Exception as exc:
            st.error(readable_error(exc, "save the catalog"))
        else:
            done(saved)
    if not admin:
        st.caption("Only admins can change prices.")
with rates_tab:
    with st.form("catalog_rates"):
        cols = st.columns(len(RATES))
        rates = {
            key: col.number_input(f"{label} ({unit})", 0.0, 1000.0, float(catalog[key]), key=f"catalog_rate_{key}")
            for col, (key, (label, unit)) in zip(cols, RATES.items(), strict=True)
        }
        st.caption("Rates are part of the version: saving creates a new version, effective today and active.")
        if st.form_submit_button("Save rates as a new version", disabled=not admin):
            changed = {k: v for k, v in rates.items() if abs(v - float(catalog[k])) > 1e-9 and k in RATE_FIELDS}
            if not changed:
                st.info("No rate changed.")
            else:
                try:
                    with connection() as conn:
                        created = save_new_version(conn, org, catalog["id"], user["id"], rates=changed)
                except Exception as exc:
                    st.error(readable_error(exc, "save the rates"))
                else:
                    done(f"Saved {created['name']} v{created['version']} with the new rates; it is now active.")
    active = st.toggle(
        "Active for new bids", value=bool(catalog["is_active"]), key="catalog_active", disabled=not admin
    )
    if admin and active != bool(catalog["is_active"]):
        try:
            with connection() as conn:
                catalog_admin.set_active(conn, org, catalog["id"], active, user_id=user["id"])
        except Exception as exc:
            st.error(readable_error(exc, "change the active catalog"))
        else:
            done(f"{catalog['name']} v{catalog['version']} is {'now' if active else 'no longer'} active.")
with import_tab:
    st.caption(
        "An import creates a new version of the named catalog. Use a workbook (sheets Catalog, Items, Assemblies) "
        "or two CSV files; export a catalog for a template. A bad row refuses the whole file, naming the row."
    )
    name = st.text_input("Catalog name", value=catalog["name"], key="catalog_import_name", disabled=not admin)
    workbook = st.file_uploader("Workbook (XLSX)", type=["xlsx"], key="catalog_import_xlsx", disabled=not admin)
    c1, c2 = st.columns(2)
    items_csv = c1.file_uploader("Items CSV", type=["csv"], key="catalog_import_items", disabled=not admin)
    assemblies_csv = c2.file_uploader(
        "Assemblies CSV", type=["csv"], key="catalog_import_assemblies", disabled=not admin
    )
    ready = workbook is not None or (items_csv is not None and assemblies_csv is not None)
    if st.button("Import", key="catalog_import", disabled=not (admin and ready)):
        try:
            with connection() as conn:
                created = catalog_admin.import_file(
                    conn,
                    org,
                    xlsx=workbook.getvalue() if workbook else None,
                    items_csv=items_csv.getvalue() if items_csv and not workbook else None,
                    assemblies_csv=assemblies_csv.getvalue() if assemblies_csv and not workbook else None,
                    name=name.strip() or None,
                    user_id=user["id"],
                )
        except Exception as exc:
            st.error(readable_error(exc, "import the catalog"))
        else:
            done(f"Imported {created['name']} v{created['version']}: {created['item_count']} item(s).")
with export_tab:
    stem = f"{catalog['name']}-v{catalog['version']}".replace(" ", "-")
    x1, x2, x3 = st.columns(3)
    xlsx_mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    x1.download_button(
        "Workbook (XLSX)", partial(export, "xlsx", org, catalog["id"]), f"{stem}.xlsx", xlsx_mime, key="catalog_export"
    )
    for column, part in ((x2, "items"), (x3, "assemblies")):
        column.download_button(
            f"{part.title()} CSV",
            partial(export, part, org, catalog["id"]),
            f"{stem}-{part}.csv",
            "text/csv",
            key=f"catalog_export_{part}",
        )
