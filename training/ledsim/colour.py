"""Transfer functions and white-point gains shared by the LED degradation ops.

Conventions (all functions): float tensors in [0, 1], channel axis -3 (shape (3, H, W) or
(N, 3, H, W)); "display-referred" means sRGB-encoded code values as a video signal carries
them, "linear" means relative emitted light (what a PWM duty cycle controls).
"""
from __future__ import annotations

import math

import torch


def srgb_to_linear(x: torch.Tensor) -> torch.Tensor:
    """IEC 61966-2-1 sRGB decode: display-referred [0,1] -> linear [0,1]."""
    x = x.clamp(0.0, 1.0)
    return torch.where(x <= 0.04045, x / 12.92, ((x + 0.055) / 1.055).clamp_min(1e-12) ** 2.4)


def linear_to_srgb(x: torch.Tensor) -> torch.Tensor:
    """IEC 61966-2-1 sRGB encode: linear [0,1] -> display-referred [0,1]."""
    x = x.clamp(0.0, 1.0)
    return torch.where(x <= 0.0031308, x * 12.92, 1.055 * x.clamp_min(1e-12) ** (1.0 / 2.4) - 0.055)


# Linear sRGB (BT.709 primaries, D65) <-> CIE XYZ, IEC 61966-2-1.
XYZ_TO_LINEAR_SRGB = (
    (3.2404542, -1.5371385, -0.4985314),
    (-0.9692660, 1.8760108, 0.0415560),
    (0.0556434, -0.2040259, 1.0572252),
)


def cct_to_xy(cct_kelvin: float) -> tuple[float, float]:
    """CIE 1931 xy of a Planckian radiator, Kim et al. (2002) cubic fit, valid 1667-25000 K."""
    t = float(cct_kelvin)
    if not 1667.0 <= t <= 25000.0:
        raise ValueError(f"Expected cct_kelvin between 1667 and 25000 but received {t}")
    if t <= 4000.0:
        x = -0.2661239e9 / t**3 - 0.2343589e6 / t**2 + 0.8776956e3 / t + 0.179910
    else:
        x = -3.0258469e9 / t**3 + 2.1070379e6 / t**2 + 0.2226347e3 / t + 0.240390
    if t <= 2222.0:
        y = -1.1063814 * x**3 - 1.34811020 * x**2 + 2.18555832 * x - 0.20219683
    elif t <= 4000.0:
        y = -0.9549476 * x**3 - 1.37418593 * x**2 + 2.09137015 * x - 0.16748867
    else:
        y = 3.0817580 * x**3 - 5.87338670 * x**2 + 3.75112997 * x - 0.37001483
    return x, y


def _planckian_linear_rgb(cct_kelvin: float) -> list[float]:
    x, y = cct_to_xy(cct_kelvin)
    xyz = (x / y, 1.0, (1.0 - x - y) / y)
    return [sum(m * v for m, v in zip(row, xyz)) for row in XYZ_TO_LINEAR_SRGB]


REFERENCE_CCT_K = 6504.0


def white_point_gains(cct_kelvin: float) -> tuple[float, float, float]:
    """Linear RGB gains that turn the white of a wall calibrated to 6504 K into the Planckian
    white of `cct_kelvin` (relative to the Planckian 6504 K, so 6504 K gives exactly (1,1,1)),
    scaled so the largest gain is 1 (a wall can only lower channels from full drive).
    Warmer than 6504 K -> blue gain < 1; cooler -> red gain < 1."""
    rgb = _planckian_linear_rgb(cct_kelvin)
    ref = _planckian_linear_rgb(REFERENCE_CCT_K)
    rel = [c / r for c, r in zip(rgb, ref)]
    if not all(math.isfinite(c) and c > 0 for c in rel):
        raise ValueError(f"cct_kelvin {cct_kelvin} gives a white outside the sRGB gamut")
    peak = max(rel)
    return tuple(c / peak for c in rel)  # type: ignore[return-value]
