"""Message templates (Jinja2, ``templates/``) and helpers that enqueue the standard messages.

Kinds: ``lead_autoreply`` (email + ``lead_autoreply_sms``), ``proposal``, ``follow_up`` (24 h / 72 h / 7 d),
``stale_bid_reminder``. Each has ``<kind>.subject.j2`` (email only), ``<kind>.txt.j2`` and optionally
``<kind>.html.j2``. HTML templates autoescape; text templates do not (plain text needs no escaping).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jinja2

TEMPLATE_DIR = Path(__file__).with_name("templates")


@dataclass(frozen=True)
class Rendered:
    subject: str
    body_text: str
    body_html: str | None


@cache
def _env(autoescape: bool) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=False,
        trim_blocks=False,
    )


def render_message(kind: str, **context: Any) -> Rendered:
    """Render the subject, text and (when a template exists) HTML body of ``kind``."""
    text_env, html_env = _env(False), _env(True)
    try:
        body_text = text_env.get_template(f"{kind}.txt.j2").render(**context).strip() + "\n"
    except jinja2.TemplateNotFound as exc:
        raise ValueError(f"No message template {kind!r} in {TEMPLATE_DIR}") from exc
    subject_path = TEMPLATE_DIR / f"{kind}.subject.j2"
    subject = (
        " ".join(text_env.get_template(subject_path.name).render(**context).split()) if subject_path.exists() else ""
    )
    html_path = TEMPLATE_DIR / f"{kind}.html.j2"
    body_html = html_env.get_template(html_path.name).render(**context) if html_path.exists() else None
    return Rendered(subject, body_text, body_html)
