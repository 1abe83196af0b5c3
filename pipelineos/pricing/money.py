"""Exact integer money for the bid engine: cents, hundredths of hours, thousandths of units and of percents.

Every division rounds **half up, away from zero** to the unit kept, exactly like ``Decimal.quantize(ROUND_HALF_UP)``
and PostgreSQL ``round(numeric)``; floats never touch money.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import polars as pl

CENT = Decimal("0.01")


def div_round(numerator: pl.Expr, denominator: int) -> pl.Expr:
    """Integer ``numerator / denominator`` rounded half up (away from zero); ``denominator`` is even."""
    return numerator.sign() * ((numerator.abs() + denominator // 2) // denominator)


def round_to(cents: pl.Expr, step: pl.Expr) -> pl.Expr:
    """Round ``cents`` half up (away from zero) to a multiple of ``step`` (a per-row integer ≥ 1)."""
    return cents.sign() * ((cents.abs() * 2 + step) // (step * 2)) * step


def to_cents(value: Decimal | int | float | str) -> int:
    """Decimal dollars → integer cents, half up."""
    return int((Decimal(str(value)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def from_cents(cents: int) -> Decimal:
    """Integer cents → Decimal dollars with two places."""
    return (Decimal(int(cents)) / 100).quantize(CENT)


def scaled(value: Decimal | int | float | str | None, factor: int) -> int | None:
    """``value × factor`` as an integer, half up (``None`` stays ``None``)."""
    if value is None:
        return None
    return int((Decimal(str(value)) * factor).quantize(Decimal(1), rounding=ROUND_HALF_UP))
