"""Price catalog: edit item prices, import a CSV, export the catalog."""

from __future__ import annotations

import streamlit as st

from dashboard.utils import ui
from dashboard.utils.catalog import CatalogImportError, changed_rows, export_csv, parse_csv, save_items
from dashboard.utils.db import fetch_all, readable_error
from dashboard.utils.session import is_admin
from pipelineos.db.pool import connection

user = ui.require_user()
org = user["organization_id"]
admin = is_admin(user)
st.title("Price catalog")

try:
    catalogs = ui.catalogs(org)
except Exception as exc:
    st.error(readable_error(exc, "load the catalogs"))
    st.stop()
if not catalogs:
    st.info("No price catalog yet. Run `pipelineos db migrate` to seed the default catalog.")
    st.stop()

catalog = st.selectbox(
    "Catalog",
    catalogs,
    key="catalog_select",
    format_func=lambda c: f"{c['name']} v{c['version']}" + (" (active)" if c["is_active"] else ""),
)
rates = st.columns(5)
for column, (label, key, unit) in zip(
    rates,
    [
        ("Labor rate", "labor_rate", "$/h"),
        ("Overhead", "overhead_pct", "%"),
        ("Markup", "markup_pct", "%"),
        ("Contingency", "contingency_pct", "%"),
        ("Tax", "tax_pct", "%"),
    ],
    strict=True,
):
    column.metric(label, f"{catalog[key]:g} {unit}")

items = fetch_all("catalog_items", organization_id=org, catalog_id=catalog["id"])
edited = st.data_editor(
    [
        {
            k: r[k]
            for k in (
                "sku",
                "description",
                "unit",
                "material_cost",
                "supplier",
                "discount_multiplier",
                "price_changed_at",
            )
        }
        for r in items
    ],
    key=f"catalog_editor_{catalog['id']}",
    hide_index=True,
    disabled=not admin,
    column_config={
        "sku": st.column_config.TextColumn("SKU", disabled=True),
        "material_cost": st.column_config.NumberColumn("List cost", min_value=0.0, format="$%.2f"),
        "discount_multiplier": st.column_config.NumberColumn(
            "Discount ×", min_value=0.0001, max_value=5.0, format="%.4f"
        ),
        "price_changed_at": st.column_config.DateColumn("Price changed", disabled=True),
    },
)
changes = changed_rows(items, list(edited) if isinstance(edited, list) else edited.to_dict("records"))
if admin and st.button(f"Save {len(changes)} change(s)", key="catalog_save", disabled=not changes, type="primary"):
    try:
        with connection() as conn:
            save_items(conn, org, catalog["id"], user["id"], changes, upsert=False)
        ui.clear_data_caches()
        st.success(f"Saved {len(changes)} item(s).")
    except Exception as exc:
        st.error(readable_error(exc, "save the catalog"))

st.download_button(
    "Export CSV",
    export_csv(items),
    file_name=f"catalog-v{catalog['version']}.csv",
    mime="text/csv",
    key="catalog_export",
)
if admin:
    upload = st.file_uploader(
        "Import CSV (sku, description, unit, material_cost, supplier, discount_multiplier)",
        type=["csv"],
        key="catalog_import_file",
    )
    if upload is not None and st.button("Import", key="catalog_import"):
        try:
            rows = parse_csv(upload.getvalue())
            with connection() as conn:
                n = save_items(conn, org, catalog["id"], user["id"], rows, upsert=True)
            ui.clear_data_caches()
            st.success(f"Imported {n} item(s).")
        except CatalogImportError as exc:
            st.error(str(exc))
        except Exception as exc:
            st.error(readable_error(exc, "import the catalog"))
else:
    st.caption("Only admins can change prices.")
