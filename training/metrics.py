"""SR benchmark metrics as the literature computes them (MATLAB conventions)."""
from __future__ import annotations

import numpy as np


def rgb_to_y_bt601(rgb_u8_or_float255: np.ndarray) -> np.ndarray:
    """MATLAB rgb2ycbcr's Y (BT.601, studio range 16-235) from RGB in 0..255; float64 0..255."""
    x = rgb_u8_or_float255.astype(np.float64) / 255.0
    return 16.0 + 65.481 * x[..., 0] + 128.553 * x[..., 1] + 24.966 * x[..., 2]


def rgb_to_luma_full(rgb01: np.ndarray) -> np.ndarray:
    """Full-range BT.601 luma Y' = 0.299 R' + 0.587 G' + 0.114 B' (JFIF), [0,1] in and out:
    the student's input/output colour. Studio Y = 16/255 + 219/255 * Y' exactly."""
    return 0.299 * rgb01[..., 0] + 0.587 * rgb01[..., 1] + 0.114 * rgb01[..., 2]


def crop_border(img: np.ndarray, border: int) -> np.ndarray:
    return img[border:-border, border:-border] if border > 0 else img


def psnr(a: np.ndarray, b: np.ndarray, peak: float = 255.0) -> float:
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return float("inf") if mse == 0 else 10.0 * np.log10(peak * peak / mse)


def _gaussian_window(size: int = 11, sigma: float = 1.5) -> np.ndarray:
    r = np.arange(size) - size // 2
    g = np.exp(-(r**2) / (2 * sigma**2))
    w = np.outer(g, g)
    return w / w.sum()


def _filter_valid(img: np.ndarray, win: np.ndarray) -> np.ndarray:
    k = win.shape[0]
    h, w = img.shape
    out = np.zeros((h - k + 1, w - k + 1))
    for dy in range(k):
        for dx in range(k):
            out += win[dy, dx] * img[dy:dy + h - k + 1, dx:dx + w - k + 1]
    return out


def ssim(a: np.ndarray, b: np.ndarray, peak: float = 255.0) -> float:
    """Wang et al. (2004) SSIM, 11x11 Gaussian window sigma 1.5, 'valid' filtering, as in
    the SR literature's MATLAB ssim_index (single channel)."""
    a, b = a.astype(np.float64), b.astype(np.float64)
    c1, c2 = (0.01 * peak) ** 2, (0.03 * peak) ** 2
    win = _gaussian_window()
    mu_a, mu_b = _filter_valid(a, win), _filter_valid(b, win)
    saa = _filter_valid(a * a, win) - mu_a**2
    sbb = _filter_valid(b * b, win) - mu_b**2
    sab = _filter_valid(a * b, win) - mu_a * mu_b
    m = ((2 * mu_a * mu_b + c1) * (2 * sab + c2)) / ((mu_a**2 + mu_b**2 + c1) * (saa + sbb + c2))
    return float(m.mean())
