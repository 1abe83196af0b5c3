"""Human labels for raw values: ``water_closet`` reads "Water closet" on screen, while exports keep the raw value.

Tables and charts call :func:`with_labels` on a copy of their frame just before showing it; CSV downloads use
the frame as it came from the database, so a spreadsheet or a script still gets the stable identifiers.
"""

from __future__ import annotations

import polars as pl

from pipelineos.takeoff.models import FIXTURE_CLASSES

FIXTURE_LABELS: dict[str, str] = {c: c.replace("_", " ").capitalize() for c in FIXTURE_CLASSES}
"""Every known fixture class with the label the dashboard shows for it."""


def class_label(value: str | None) -> str:
    """How a fixture class (or any snake_case value) reads on screen: ``water_closet`` → ``Water closet``."""
    if value is None:
        return ""
    return FIXTURE_LABELS.get(value) or value.replace("_", " ").capitalize()


def label_expr(column: str) -> pl.Expr:
    """``column`` with each raw value replaced by its human label (unknown values keep their text, sentence-cased)."""
    raw = pl.col(column)
    return (
        pl.when(raw.is_null())
        .then(raw)
        .otherwise(
            raw.str.replace_all("_", " ").str.slice(0, 1).str.to_uppercase()
            + raw.str.replace_all("_", " ").str.slice(1)
        )
        .alias(column)
    )


def with_labels(frame: pl.DataFrame, *columns: str) -> pl.DataFrame:
    """A copy of ``frame`` whose ``columns`` (those present) show human labels instead of raw values."""
    present = [c for c in columns if c in frame.columns and frame.schema[c] == pl.String]
    return frame.with_columns(label_expr(c) for c in present) if present else frame


def csv_bytes(frame: pl.DataFrame) -> bytes:
    """``frame`` as CSV with its raw values, for a download button."""
    return frame.write_csv().encode()
