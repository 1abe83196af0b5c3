"""Render the proposal PDF: Jinja2 HTML (autoescaped) → WeasyPrint.

``ctx`` is a plain mapping (built by :func:`pipelineos.proposals.service.build_context`) with ``org``,
``customer``, ``project``, ``bid``, ``lines``, ``sheets``, ``price_rows``, ``options``, ``scope``,
``exclusions``, ``terms``, ``fixture_units``, ``thumbnails`` and ``dates``. Every string is escaped by the
template engine; brand colours are accepted only as hex colours and images only as PNG/JPEG bytes, so user
data cannot inject markup or CSS. The renderer fetches nothing but ``data:`` URIs, so no text that slipped
through could make it read a local file or call a URL.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from pipelineos.proposals.thumbnails import class_colors, mark_fixtures

TEMPLATE_DIR = Path(__file__).with_name("templates")
_HEX = re.compile(r"^#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?$")
DEFAULT_PRIMARY, DEFAULT_ACCENT = "#0b5394", "#f1c232"


@cache
def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=jinja2.select_autoescape(["html", "j2"], default=True),
        undefined=jinja2.StrictUndefined,
    )


def safe_color(value: Any, default: str) -> str:
    """``value`` when it is a hex colour such as ``#0b5394``, else ``default``."""
    return value if isinstance(value, str) and _HEX.match(value) else default


def data_uri(image: bytes | None) -> str | None:
    """A ``data:`` URI for PNG or JPEG bytes (anything else is dropped)."""
    if not image:
        return None
    if image.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = "png"
    elif image.startswith(b"\xff\xd8\xff"):
        kind = "jpeg"
    else:
        return None
    return f"data:image/{kind};base64,{base64.b64encode(image).decode()}"


def render_html(ctx: Mapping[str, Any]) -> str:
    """The proposal as HTML (useful for previews and tests)."""
    org = dict(ctx["org"])
    brand = org.get("brand") or {}
    thumbs = []
    all_classes = [b["fixture_class"] for t in ctx.get("thumbnails", []) for b in t.get("boxes", [])]
    colors = class_colors(all_classes)
    for thumb in ctx.get("thumbnails", []):
        if data_uri(thumb["png"]) is None:
            continue  # not a PNG or JPEG page image
        uri = data_uri(mark_fixtures(thumb["png"], thumb.get("boxes", []), colors=colors))
        if uri:
            counts: dict[str, int] = {}
            for b in thumb.get("boxes", []):
                counts[b["fixture_class"]] = counts.get(b["fixture_class"], 0) + 1
            thumbs.append({"sheet": thumb.get("sheet") or "", "uri": uri, "counts": sorted(counts.items())})
    return (
        _env()
        .get_template("proposal.html.j2")
        .render(
            **{k: v for k, v in ctx.items() if k not in ("org", "thumbnails")},
            org=org,
            primary=safe_color(brand.get("primary_color"), DEFAULT_PRIMARY),
            accent=safe_color(brand.get("accent_color"), DEFAULT_ACCENT),
            logo=data_uri(org.get("logo_png")),
            thumbnails=thumbs,
            legend=sorted(colors.items()),
        )
    )


def html_to_pdf(html: str) -> bytes:
    """PDF bytes of ``html``; only ``data:`` URIs are fetched, so markup can never read files or call URLs."""
    fetcher = URLFetcher(allowed_protocols=("data",), allow_redirects=False)
    return HTML(string=html, base_url=str(TEMPLATE_DIR), url_fetcher=fetcher).write_pdf(
        pdf_identifier=b"pipelineos-proposal", uncompressed_pdf=False
    )


def render_proposal_pdf(ctx: Mapping[str, Any]) -> bytes:
    """The proposal PDF bytes. Deterministic for the same ``ctx`` (fixed document identifier, no dates)."""
    return html_to_pdf(render_html(ctx))
