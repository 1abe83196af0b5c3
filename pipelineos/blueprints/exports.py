"""CSV and XLSX exports of a takeoff and of a bid (cells that could run as spreadsheet formulas are
quoted)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

import psycopg
import xlsxwriter

from pipelineos.blueprints import bidding, detail

TAKEOFF_COLUMNS = (
    "page_index",
    "sheet_number",
    "fixture_class",
    "source",
    "confidence",
    "method",
    "tag",
    "detection_id",
)
BID_COLUMNS = (
    "line_no",
    "fixture_class",
    "description",
    "quantity",
    "unit_material",
    "material_cost",
    "labor_hours",
    "labor_cost",
    "total",
    "flag",
)
BID_TOTALS = (
    "material_cost",
    "labor_hours",
    "labor_cost",
    "overhead",
    "markup",
    "contingency",
    "tax",
    "total",
)


def _safe(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    if value is None:
        return ""
    return value


def _table(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> list[list[Any]]:
    return [list(columns)] + [[_safe(_plain(r.get(c))) for c in columns] for r in rows]


def _plain(value: Any) -> Any:
    from decimal import Decimal

    return float(value) if isinstance(value, Decimal) else value


def to_csv(table: list[list[Any]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(table)
    return buffer.getvalue().encode("utf-8")


def to_xlsx(sheets: dict[str, list[list[Any]]]) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    bold = book.add_format({"bold": True})
    for name, table in sheets.items():
        sheet = book.add_worksheet(name[:31])
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                sheet.write(r, c, value, bold if r == 0 else None)
    book.close()
    return buffer.getvalue()


def takeoff_table(fixtures: Sequence[dict[str, Any]]) -> list[list[Any]]:
    return _table(fixtures, TAKEOFF_COLUMNS)


def bid_tables(bid: dict[str, Any]) -> dict[str, list[list[Any]]]:
    totals = [["item", "amount"]] + [[k, _plain(bid.get(k))] for k in BID_TOTALS]
    return {"Lines": _table(bid.get("lines", []), BID_COLUMNS), "Totals": totals}


def takeoff_file(conn: psycopg.Connection, organization_id: str, blueprint_id: str, kind: str) -> bytes:
    """The reviewed takeoff of a blueprint of the organization as ``kind`` 'csv' or 'xlsx'."""
    table = takeoff_table(detail.fixtures_checked(conn, organization_id, blueprint_id))
    return to_csv(table) if kind == "csv" else to_xlsx({"Takeoff": table})


def bid_file(conn: psycopg.Connection, organization_id: str, bid_id: str, kind: str) -> bytes:
    """A bid of the organization (lines; plus totals in XLSX) as ``kind`` 'csv' or 'xlsx'."""
    tables = bid_tables(bidding.get_bid(conn, organization_id, bid_id))
    return to_csv(tables["Lines"]) if kind == "csv" else to_xlsx(tables)
