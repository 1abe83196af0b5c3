"""The renderer fetches nothing from the network or the disk, whatever markup reaches it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pymupdf
import pytest
from proposal_helpers import logo_png
from weasyprint import HTML

from pipelineos.proposals.render import data_uri, html_to_pdf


class _Counter(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:
        type(self).hits.append(self.path)
        self.send_response(404)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def server() -> Iterator[HTTPServer]:
    _Counter.hits = []
    srv = HTTPServer(("127.0.0.1", 0), _Counter)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield srv
    srv.shutdown()


def test_remote_and_file_urls_are_never_fetched(server: HTTPServer) -> None:
    url = f"http://127.0.0.1:{server.server_port}"
    html = (
        f'<img src="{url}/logo.png"><link rel="stylesheet" href="{url}/style.css">'
        f'<div style="background: url({url}/bg.png)">x</div><img src="file:///etc/passwd">'
    )
    assert html_to_pdf(html).startswith(b"%PDF")
    assert _Counter.hits == []
    HTML(string=html).write_pdf()  # the same markup with WeasyPrint's default fetcher does call out
    assert "/logo.png" in _Counter.hits, "the check above would have seen a fetch"


def test_data_uris_still_render_and_only_png_or_jpeg_are_accepted() -> None:
    pdf = html_to_pdf(f'<img src="{data_uri(logo_png())}">')
    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        assert len(doc[0].get_images()) == 1
    assert data_uri(b"<svg onload=alert(1)>") is None
