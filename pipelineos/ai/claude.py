"""Fixture detection with Claude vision: tile the page, ask for `report_fixtures`, map and merge the boxes."""

from __future__ import annotations

import base64
import io
import logging
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

import anthropic
from anthropic.types import Message, MessageParam
from PIL import Image, UnidentifiedImageError

from pipelineos.settings import Settings
from pipelineos.takeoff.models import BBox, Detection, TakeoffInputError

from .base import PageUsage, VisionProviderError
from .geometry import merge_duplicates, tile_box_to_page
from .parsing import parse_tool_output
from .pricing import cost_usd
from .prompting import PROMPT_VERSION, forced_tool_choice, load_prompt, report_fixtures_tool, tile_instruction
from .retry import RetryPolicy, call_with_retries
from .tiling import DEFAULT_TITLE_BLOCK, EncodedTile, encode_tile, flatten, redact, tile_grid

logger = logging.getLogger(__name__)

METHOD = "claude_vision"


@dataclass(frozen=True)
class ClaudeVisionConfig:
    """Every knob of :class:`ClaudeVisionProvider`; defaults suit production, tests shrink them."""

    model: str = "claude-sonnet-4-5"
    base_url: str | None = None
    tile_size: int = 1568
    overlap: float = 0.15
    max_send_edge: int = 1568
    max_send_pixels: int = 1_150_000
    """Tiles larger than this are downscaled before sending, so the API does not rescale them itself."""
    max_tokens: int = 4096
    timeout_seconds: float = 120.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    max_concurrency: int = 4
    redact_title_block: bool = True
    redact_regions: tuple[BBox, ...] = (DEFAULT_TITLE_BLOCK,)
    """Normalized page regions blanked before anything is sent (when ``redact_title_block`` is on)."""
    iou_threshold: float = 0.5
    containment_threshold: float = 0.85
    prompt_version: str = PROMPT_VERSION


@dataclass
class _TileResult:
    """What one tile produced and cost; filled in by the worker thread that handles the tile."""

    detections: list[Detection] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    input_tokens: int = 0
    output_tokens: int = 0
    requests: int = 0


class ClaudeVisionProvider:
    """A :class:`~pipelineos.ai.base.VisionProvider` backed by the Anthropic Messages API."""

    name = METHOD

    def __init__(
        self,
        api_key: str,
        config: ClaudeVisionConfig | None = None,
        *,
        client: anthropic.Anthropic | None = None,
    ) -> None:
        self.config = config or ClaudeVisionConfig()
        self.usage: list[PageUsage] = []
        self._prompt = load_prompt(self.config.prompt_version)
        self._client = client or anthropic.Anthropic(
            api_key=api_key,
            base_url=self.config.base_url,
            timeout=self.config.timeout_seconds,
            max_retries=0,
        )

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: Any) -> ClaudeVisionProvider:
        """Provider built from settings; ``overrides`` replace :class:`ClaudeVisionConfig` fields."""
        key = settings.anthropic_api_key.get_secret_value().strip() if settings.anthropic_api_key else ""
        config = ClaudeVisionConfig(
            model=settings.anthropic_model,
            base_url=settings.anthropic_base_url,
            redact_title_block=settings.ai_redact_title_block,
        )
        return cls(key, replace(config, **overrides))

    def close(self) -> None:
        """Release the HTTP connections."""
        self._client.close()

    def __enter__(self) -> ClaudeVisionProvider:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def detect_page(
        self,
        png: bytes,
        width_px: int,
        height_px: int,
        page_index: int,
        *,
        redact_regions: Sequence[BBox] = (),
    ) -> list[Detection]:
        """Fixtures on one rendered page, boxes normalized to the page; usage is appended to ``self.usage``.

        ``redact_regions`` adds page-specific normalized boxes (e.g. a detected title block) to the configured
        ones; they are blanked even when title-block redaction is switched off. Raises
        :class:`VisionProviderError` when a tile still fails after retries (the usage is recorded first).
        """
        page = self._prepare(png, width_px, height_px, page_index, redact_regions)
        cfg = self.config
        grid = tile_grid(page.width, page.height, cfg.tile_size, cfg.overlap)
        tiles = [encode_tile(page, tile, cfg.max_send_edge, cfg.max_send_pixels) for tile in grid]
        results = [_TileResult() for _ in tiles]
        with ThreadPoolExecutor(max_workers=max(1, min(cfg.max_concurrency, len(tiles)))) as pool:
            futures = [
                pool.submit(self._detect_tile, enc, len(tiles), page.size, page_index, result)
                for enc, result in zip(tiles, results, strict=True)
            ]
        failures = [exc for f in futures if isinstance(exc := f.exception(), BaseException)]
        for exc in failures:
            if not isinstance(exc, VisionProviderError):
                logger.error("claude vision page %d: unexpected tile error", page_index, exc_info=exc)
        usage = self._record(page_index, len(tiles), results)
        if failures:
            raise VisionProviderError(
                f"page {page_index}: {len(failures)} of {len(tiles)} tiles failed. {failures[0]}"
            ) from failures[0]
        merged = merge_duplicates(
            [d for r in results for d in r.detections], cfg.iou_threshold, cfg.containment_threshold
        )
        logger.info(
            "claude vision page %d: %d fixtures from %d tiles, %d+%d tokens",
            page_index,
            len(merged),
            len(tiles),
            usage.input_tokens,
            usage.output_tokens,
        )
        return merged

    def _prepare(
        self, png: bytes, width_px: int, height_px: int, page_index: int, extra: Sequence[BBox]
    ) -> Image.Image:
        """Decode the page, flatten it and blank every region that must not leave the machine."""
        try:
            image = Image.open(io.BytesIO(png))
            image.load()
        except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
            raise TakeoffInputError(f"page {page_index}: the rendered image is not a readable PNG ({exc})") from exc
        if image.size != (width_px, height_px):
            logger.warning(
                "page %d: image is %dx%d px, caller said %dx%d; using the image's size",
                page_index,
                *image.size,
                width_px,
                height_px,
            )
        regions = list(self.config.redact_regions) if self.config.redact_title_block else []
        return redact(flatten(image), [*regions, *extra])

    def _detect_tile(
        self, enc: EncodedTile, count: int, page_size: tuple[int, int], page_index: int, result: _TileResult
    ) -> None:
        """Send one tile (with retries) and fill ``result`` with its detections, tokens and problems."""
        where = f"page {page_index} tile {enc.tile.index + 1}/{count}"
        cfg = self.config
        image = base64.b64encode(enc.png).decode("ascii")
        text = tile_instruction(enc.tile.index + 1, count, enc.sent_width, enc.sent_height)
        messages: list[MessageParam] = [
            {
                "role": "user",
                "content": [
                    {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": image}},
                    {"type": "text", "text": text},
                ],
            }
        ]

        def send() -> Message:
            result.requests += 1
            return self._client.messages.create(
                model=cfg.model,
                max_tokens=cfg.max_tokens,
                system=self._prompt,
                tools=[report_fixtures_tool()],
                tool_choice=forced_tool_choice(),
                messages=messages,
            )

        message, _ = call_with_retries(send, cfg.retry, where=where, errors=result.errors)
        usage = getattr(message, "usage", None)
        result.input_tokens = int(getattr(usage, "input_tokens", 0) or 0)
        result.output_tokens = int(getattr(usage, "output_tokens", 0) or 0)
        if message.stop_reason == "max_tokens":
            result.errors.append(f"{where}: answer cut off at max_tokens={cfg.max_tokens}; fixtures may be missing")
            logger.warning("claude vision %s: answer cut off at max_tokens=%d", where, cfg.max_tokens)
        fixtures, problems = parse_tool_output(message.content or [], enc.sent_width, enc.sent_height, where)
        result.errors.extend(problems)
        result.detections = [
            Detection(
                fixture_class=f.fixture_class,
                bbox=tile_box_to_page(f.box, enc.tile, (enc.sent_width, enc.sent_height), page_size),
                confidence=f.confidence,
                method=METHOD,
                page_index=page_index,
                methods=(METHOD,),
            )
            for f in fixtures
        ]

    def _record(self, page_index: int, tiles: int, results: list[_TileResult]) -> PageUsage:
        """Sum the tiles' tokens into one :class:`PageUsage` and append it to ``self.usage``."""
        input_tokens = sum(r.input_tokens for r in results)
        output_tokens = sum(r.output_tokens for r in results)
        usage = PageUsage(
            page_index=page_index,
            tiles=tiles,
            input_tokens=input_tokens,
            output_tokens=output_tokens,
            cost_usd=cost_usd(self.config.model, input_tokens, output_tokens),
            prompt_version=self.config.prompt_version,
            model=self.config.model,
            errors=[e for r in results for e in r.errors],
            requests=sum(r.requests for r in results),
        )
        self.usage.append(usage)
        return usage
