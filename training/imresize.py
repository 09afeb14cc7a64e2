"""MATLAB-compatible `imresize(img, scale, 'bicubic')` (antialiased when downscaling), the
resize the SR literature's benchmark protocol is defined with.

Same algorithm as MATLAB's imresize.m (and BasicSR's matlab_functions port): Keys cubic with
a = -0.5, kernel width 4 (widened to 4/scale when shrinking), symmetric boundary. Implemented as
two dense resampling matrices, out = Rh @ img @ Rw^T, in float64. Validated by reproducing
the published Set5 x2 bicubic PSNR-Y 33.66 dB (see evaluate.py / README).
"""
from __future__ import annotations

import math

import numpy as np


def _cubic(x: np.ndarray) -> np.ndarray:
    ax = np.abs(x)
    ax2, ax3 = ax**2, ax**3
    return ((1.5 * ax3 - 2.5 * ax2 + 1) * (ax <= 1) +
            (-0.5 * ax3 + 2.5 * ax2 - 4 * ax + 2) * ((ax > 1) & (ax <= 2)))


def resize_matrix(in_len: int, out_len: int, scale: float, antialias: bool = True) -> np.ndarray:
    """(out_len, in_len) float64 matrix whose rows are MATLAB's bicubic weights."""
    kernel_width = 4.0 / scale if (scale < 1 and antialias) else 4.0
    x = np.arange(1, out_len + 1, dtype=np.float64)
    u = x / scale + 0.5 * (1 - 1 / scale)
    left = np.floor(u - kernel_width / 2)
    taps = int(math.ceil(kernel_width)) + 2
    idx = left[:, None] + np.arange(taps)[None, :]
    dist = u[:, None] - idx
    weights = scale * _cubic(dist * scale) if (scale < 1 and antialias) else _cubic(dist)
    weights /= weights.sum(axis=1, keepdims=True)
    mirror = np.concatenate([np.arange(in_len), np.arange(in_len - 1, -1, -1)])  # symmetric padding
    src = mirror[np.mod(idx.astype(np.int64) - 1, 2 * in_len)]
    m = np.zeros((out_len, in_len), np.float64)
    np.add.at(m, (np.repeat(np.arange(out_len), taps), src.ravel()), weights.ravel())
    return m


def imresize(img: np.ndarray, scale: float) -> np.ndarray:
    """Resize (H, W) or (H, W, C) float array by `scale` (output size ceil(H*scale)), float64.
    For MATLAB's uint8 behaviour round and clip the result yourself (see `imresize_uint8`)."""
    h, w = img.shape[:2]
    oh, ow = int(math.ceil(h * scale)), int(math.ceil(w * scale))
    rh, rw = resize_matrix(h, oh, scale), resize_matrix(w, ow, scale)
    x = img.astype(np.float64)
    if x.ndim == 2:
        return rh @ x @ rw.T
    tmp = np.tensordot(rh, x, axes=(1, 0))            # (oh, w, c)
    return np.tensordot(tmp, rw, axes=(1, 1)).transpose(0, 2, 1)  # (oh, ow, c)


def imresize_uint8(img_u8: np.ndarray, scale: float) -> np.ndarray:
    """MATLAB imresize on a uint8 image: computed in float, rounded and clipped to uint8."""
    return np.clip(np.round(imresize(img_u8.astype(np.float64), scale)), 0, 255).astype(np.uint8)
