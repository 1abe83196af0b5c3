"""Where a bid line's quantity came from, kept in ``bid_lines.source`` as data and in words."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from pipelineos.pricing.money import from_cents


def _override(line: Mapping[str, Any]) -> dict[str, Any] | None:
    quantity, unit = line.get("override_q_milli"), line.get("override_unit_cents")
    if quantity is None and unit is None:
        return None
    return {
        "quantity": str(Decimal(quantity) / 1000) if quantity is not None else None,
        "unit_price": str(from_cents(unit)) if unit is not None else None,
        "reason": line.get("override_reason") or "",
    }


def explain_source(line: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON kept in ``bid_lines.source``: counts per sheet, detections, manual marks, override, assembly.

    ``explanation`` says it in one sentence, e.g. "5 counted; on P-101 (3), P-102 (2); from 4 detection(s)
    and 1 manual mark(s); quantity overridden to 6 (roof plan)."
    """
    sheets = list(line.get("sheets") or [])
    sheet_counts = [int(n) for n in (line.get("sheet_counts") or [])]
    counted = int(line.get("counted") or 0)
    manual = int(line.get("manual_count") or 0)
    parts = [f"{counted} counted"]
    if sheets:
        parts.append("on " + ", ".join(f"{s} ({n})" for s, n in zip(sheets, sheet_counts, strict=True)))
    parts.append(f"from {counted - manual} detection(s)" + (f" and {manual} manual mark(s)" if manual else ""))
    override = _override(line)
    if override and override["quantity"] is not None:
        parts.append(
            f"quantity overridden to {Decimal(override['quantity']).normalize():f} ({override['reason'] or 'manual'})"
        )
    if override and override["unit_price"] is not None:
        parts.append(f"unit price overridden to {override['unit_price']}")
    return {
        "counted": counted,
        "detections": counted - manual,
        "manual_marks": manual,
        "sheets": [{"sheet": s, "count": n} for s, n in zip(sheets, sheet_counts, strict=True)],
        "methods": list(line.get("methods") or []),
        "detection_ids": list(line.get("detection_ids") or []),
        "assembly": line.get("assembly_name"),
        "variant": line.get("assembly_variant"),
        "override": override,
        "explanation": "; ".join(parts) + ".",
    }
