"""Skew of a scanned page: estimate it, turn the image back, and map boxes found on the turned image."""

from __future__ import annotations

import cv2
import numpy as np

Box = tuple[float, float, float, float]

MIN_SKEW_DEG = 0.1
"""Skew below this is left alone."""


def estimate_skew(ink: np.ndarray, limit: float = 3.0) -> float:
    """Skew angle in degrees (projection-profile search), positive = counter-clockwise."""
    step = max(1, ink.shape[1] // 900)
    small = cv2.resize(ink * 255, (ink.shape[1] // step, ink.shape[0] // step), interpolation=cv2.INTER_AREA)
    h, w = small.shape
    center = (w / 2, h / 2)

    def sharpness(angle: float) -> float:
        rot = cv2.getRotationMatrix2D(center, angle, 1.0)
        turned = cv2.warpAffine(small, rot, (w, h), flags=cv2.INTER_LINEAR).astype(np.float32)
        return float(np.var(turned.sum(axis=1)) + np.var(turned.sum(axis=0)))

    best = max(np.arange(-limit, limit + 1e-6, 0.25), key=sharpness)
    fine = np.arange(best - 0.25, best + 0.25 + 1e-6, 0.05)
    return float(max(fine, key=sharpness))


def rotate(image: np.ndarray, angle: float, border: int | None, smooth: bool = False) -> np.ndarray:
    """Rotate about the centre by ``angle`` degrees (counter-clockwise), keeping the size.

    Corners turned in from outside take ``border``, or the nearest edge pixel when it is None (a crop whose
    walls must still run to its edges). ``smooth`` interpolates (for grayscale); otherwise pixels are copied
    as they are (binary masks).
    """
    h, w = image.shape
    rot = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    flags = cv2.INTER_LINEAR if smooth else cv2.INTER_NEAREST
    if border is None:
        return cv2.warpAffine(image, rot, (w, h), flags=flags, borderMode=cv2.BORDER_REPLICATE)
    return cv2.warpAffine(image, rot, (w, h), flags=flags, borderValue=border)


def unrotate_box(box: Box, angle: float, shape: tuple[int, int]) -> Box:
    """Map a box found on the deskewed image back to the original image (centre rotated, size kept)."""
    h, w = shape
    rot = cv2.getRotationMatrix2D((w / 2, h / 2), -angle, 1.0)
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    nx = rot[0, 0] * cx + rot[0, 1] * cy + rot[0, 2]
    ny = rot[1, 0] * cx + rot[1, 1] * cy + rot[1, 2]
    hw, hh = (box[2] - box[0]) / 2, (box[3] - box[1]) / 2
    return (nx - hw, ny - hh, nx + hw, ny + hh)
