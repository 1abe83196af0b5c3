"""Turn a generated vector sheet into a realistic scan: resolution, skew, blur, noise, 1-bit, JPEG artefacts.

The ground truth moves with the pixels: box centres are rotated with the skew, sizes kept.
"""

from __future__ import annotations

import io
import json
import random
from dataclasses import asdict, dataclass
from pathlib import Path

import cv2
import numpy as np
import pymupdf
from PIL import Image


@dataclass(frozen=True)
class ScanOptions:
    """How badly to scan a sheet."""

    dpi: int = 200
    skew_deg: float = 0.0
    blur: float = 0.0
    noise: float = 0.0
    one_bit: bool = False
    jpeg_quality: int | None = None
    fmt: str = "png"


def random_scan(rng: random.Random) -> ScanOptions:
    """A random scan in the benchmark's range (150–300 DPI, ±2° skew, noise, blur, 1-bit or JPEG)."""
    one_bit = rng.random() < 0.3
    jpeg = None if one_bit or rng.random() < 0.5 else rng.randint(35, 70)
    fmt = "tiff" if one_bit else ("jpeg" if jpeg else rng.choice(["png", "pdf"]))
    return ScanOptions(
        dpi=rng.choice([150, 200, 300]),
        skew_deg=round(rng.uniform(-2, 2), 2),
        blur=rng.choice([0.0, 0.6, 1.0]),
        noise=rng.choice([0.0, 6.0, 12.0]),
        one_bit=one_bit,
        jpeg_quality=jpeg,
        fmt=fmt,
    )


def _rotate_truth(truth: dict, angle: float, width: int, height: int) -> dict:
    rot = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)

    def move(box: list[float]) -> list[float]:
        cx, cy = (box[0] + box[2]) / 2 * width, (box[1] + box[3]) / 2 * height
        nx = (rot[0, 0] * cx + rot[0, 1] * cy + rot[0, 2]) / width
        ny = (rot[1, 0] * cx + rot[1, 1] * cy + rot[1, 2]) / height
        hw, hh = (box[2] - box[0]) / 2, (box[3] - box[1]) / 2
        return [round(nx - hw, 6), round(ny - hh, 6), round(nx + hw, 6), round(ny + hh, 6)]

    moved = dict(truth)
    for key in ("fixtures", "references"):
        moved[key] = [{**item, "bbox": move(item["bbox"])} for item in truth.get(key, [])]
    moved["distractors"] = [move(b) for b in truth.get("distractors", [])]
    return moved


def degrade(gray: np.ndarray, options: ScanOptions, seed: int = 0) -> np.ndarray:
    """Apply skew, blur, noise and binarization to a grayscale render."""
    rng = np.random.default_rng(seed)
    h, w = gray.shape
    out = gray
    if options.skew_deg:
        rot = cv2.getRotationMatrix2D((w / 2, h / 2), options.skew_deg, 1.0)
        out = cv2.warpAffine(out, rot, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)
    if options.blur:
        out = cv2.GaussianBlur(out, (0, 0), options.blur)
    if options.noise:
        noisy = out.astype(np.float32) + rng.normal(0, options.noise, out.shape).astype(np.float32)
        specks = rng.random(out.shape, dtype=np.float32) < 0.0004
        noisy[specks] = 0
        out = np.clip(noisy, 0, 255).astype(np.uint8)
    if options.one_bit:
        out = np.where(out < 160, 0, 255).astype(np.uint8)
    return out


def scan_sheet(pdf: Path, out_path: Path, options: ScanOptions, seed: int = 0) -> Path:
    """Write a scanned version of page 1 of ``pdf`` (format from options) plus its moved truth JSON."""
    doc = pymupdf.open(pdf)
    page = doc[0]
    zoom = options.dpi / 72
    pix = page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), colorspace=pymupdf.csGRAY, alpha=False)
    gray = np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.stride)[:, : pix.width].copy()
    width_pt, height_pt = page.rect.width, page.rect.height
    doc.close()
    out = degrade(gray, options, seed)
    image = Image.fromarray(out).convert("1") if options.one_bit else Image.fromarray(out)
    out_path = out_path.with_suffix({"jpeg": ".jpg", "tiff": ".tif"}.get(options.fmt, f".{options.fmt}"))
    out_path.parent.mkdir(parents=True, exist_ok=True)
    dpi = (options.dpi, options.dpi)
    if options.fmt == "tiff":
        image.save(out_path, format="TIFF", compression="group4" if options.one_bit else "tiff_lzw", dpi=dpi)
    elif options.fmt == "jpeg":
        image.save(out_path, format="JPEG", quality=options.jpeg_quality or 60, dpi=dpi)
    elif options.fmt == "pdf":
        buffer = io.BytesIO()
        if options.jpeg_quality:
            image.save(buffer, format="JPEG", quality=options.jpeg_quality)
        else:
            image.save(buffer, format="PNG")
        scan = pymupdf.open()
        scan_page = scan.new_page(width=width_pt, height=height_pt)
        scan_page.insert_image(scan_page.rect, stream=buffer.getvalue())
        scan.save(out_path, deflate=True)
        scan.close()
    else:
        image.save(out_path, format="PNG", dpi=dpi)
    truth = json.loads(pdf.with_suffix(".truth.json").read_text())
    moved = _rotate_truth(truth, options.skew_deg, out.shape[1], out.shape[0])
    moved["scan"] = asdict(options)
    truth_path = out_path.parent / f"{out_path.stem}.truth.json"
    truth_path.write_text(json.dumps(moved, indent=1))
    return out_path
