"""Title-block redaction: the server decodes what it received and checks the private pixels are blank."""

from __future__ import annotations

import numpy as np
from anthropic_fake import FakeAnthropic, page_png

from pipelineos.ai.tiling import tile_grid


def received_page(api: FakeAnthropic, width: int, height: int, tile_size: int, overlap: float) -> np.ndarray:
    """Reassemble the page from the tiles the server received (tile numbers give their positions)."""
    grid = tile_grid(width, height, tile_size, overlap)
    page = np.full((height, width), -1, dtype=int)
    for request in api.requests:
        tile = grid[request.tile_number - 1]
        pixels = np.asarray(request.image.convert("L"), dtype=int)
        assert pixels.shape == (tile.height, tile.width)
        page[tile.y0 : tile.y0 + tile.height, tile.x0 : tile.x0 + tile.width] = pixels
    assert len(api.requests) == len(grid)
    assert (page >= 0).all(), "some part of the page was never sent"
    return page


def test_default_title_block_is_blank_in_every_tile_sent(api: FakeAnthropic, make_provider) -> None:
    provider = make_provider(tile_size=160, overlap=0.2)

    provider.detect_page(page_png(300, 200, value=0), 300, 200, page_index=0)

    page = received_page(api, 300, 200, 160, 0.2)
    assert len(api.requests) == 6
    title_block = page[160:200, 225:300]  # right 25 % x bottom 20 %
    assert (title_block == 255).all()
    page[160:200, 225:300] = 0
    assert (page == 0).all(), "redaction spilled outside the title block"


def test_configured_and_per_page_regions_are_blanked(api: FakeAnthropic, make_provider) -> None:
    provider = make_provider(tile_size=1000, redact_regions=((0.0, 0.0, 0.5, 0.1),))

    provider.detect_page(page_png(200, 100), 200, 100, page_index=0, redact_regions=[(0.9, 0.0, 1.0, 1.0)])

    page = received_page(api, 200, 100, 1000, 0.15)
    expected = np.zeros((100, 200), dtype=int)
    expected[0:10, 0:100] = 255
    expected[:, 180:200] = 255
    assert (page == expected).all()


def test_redaction_off_sends_the_page_unchanged(api: FakeAnthropic, make_provider) -> None:
    provider = make_provider(tile_size=1000, redact_title_block=False)

    provider.detect_page(page_png(120, 80, value=7), 120, 80, page_index=0)

    assert (received_page(api, 120, 80, 1000, 0.15) == 7).all()


def test_png_metadata_never_leaves(api: FakeAnthropic, make_provider) -> None:
    provider = make_provider(tile_size=1000)
    png = page_png(60, 60, info={"Author": "Jane Homeowner", "Comment": "12 Elm St, 555-0100"})

    provider.detect_page(png, 60, 60, page_index=0)

    (request,) = api.requests
    assert b"Jane" not in request.png and b"Elm St" not in request.png
    assert "Author" not in request.image.info
