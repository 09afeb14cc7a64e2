"""Display-aware losses. All take display-referred sRGB (or luma) tensors in [0, 1], shape
(N, C, H, W), and return a scalar tensor that is differentiable everywhere (no NaN gradients
at achromatic colours, black, or identical inputs).

- `ciede2000_loss`: mean CIEDE2000 (Sharma, Wu & Dalal 2005) between two sRGB images via
  sRGB -> linear -> XYZ (D65) -> CIELAB.
- `uniformity_loss`: regional luminance spread that the target does not have (mura, seam lines,
  noise) or lacks (texture flattened away).
- `low_gray_l1`: L1 with extra weight where the target is dark.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from .ledsim.colour import srgb_to_linear

# Linear sRGB (D65) -> XYZ, IEC 61966-2-1; D65 white with Y = 1.
LINEAR_SRGB_TO_XYZ = ((0.4124564, 0.3575761, 0.1804375),
                      (0.2126729, 0.7151522, 0.0721750),
                      (0.0193339, 0.1191920, 0.9503041))
D65_WHITE = (0.95047, 1.0, 1.08883)
_LAB_EPS = (6.0 / 29.0) ** 3
_LAB_SLOPE = 1.0 / (3.0 * (6.0 / 29.0) ** 2)
_POW25_7 = 25.0**7


def _where_sqrt(x: torch.Tensor, eps: float = 0.0) -> torch.Tensor:
    """sqrt that is exact for x > eps and has a finite (zero) gradient at and below it
    (the double-where trick: the untaken branch never sees a value with an infinite slope)."""
    ok = x > eps
    return torch.where(ok, torch.sqrt(torch.where(ok, x, torch.ones_like(x))), torch.zeros_like(x))


def _where_atan2_deg(y: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """atan2 in degrees mapped to [0, 360); 0 with zero gradient at the origin (Sharma: the hue
    of an achromatic colour is 0)."""
    zero = (x == 0) & (y == 0)
    safe_x = torch.where(zero, torch.ones_like(x), x)
    h = torch.rad2deg(torch.atan2(y, safe_x))
    h = torch.where(h < 0, h + 360.0, h)
    return torch.where(zero, torch.zeros_like(h), h)


def srgb_to_lab(rgb: torch.Tensor, dim: int = -3) -> torch.Tensor:
    """Display-referred sRGB in [0,1] (channels on `dim`) -> CIELAB (L in 0..100), D65."""
    lin = srgb_to_linear(rgb).movedim(dim, -1)
    m = torch.tensor(LINEAR_SRGB_TO_XYZ, dtype=lin.dtype, device=lin.device)
    white = torch.tensor(D65_WHITE, dtype=lin.dtype, device=lin.device)
    t = (lin @ m.T) / white
    f = torch.where(t > _LAB_EPS, t.clamp_min(_LAB_EPS) ** (1.0 / 3.0), t * _LAB_SLOPE + 4.0 / 29.0)
    lab = torch.stack([116.0 * f[..., 1] - 16.0, 500.0 * (f[..., 0] - f[..., 1]), 200.0 * (f[..., 1] - f[..., 2])], dim=-1)
    return lab.movedim(-1, dim)


def ciede2000(lab1: torch.Tensor, lab2: torch.Tensor, dim: int = -1,
              kl: float = 1.0, kc: float = 1.0, kh: float = 1.0) -> torch.Tensor:
    """CIEDE2000 colour difference between CIELAB tensors (L, a, b on `dim`), Sharma et al.
    (2005) eqs. 2-22 including the hue branches at |dh'| = 180 deg. Returns the per-element
    difference (the `dim` axis removed). Gradients are finite everywhere."""
    l1, a1, b1 = lab1.unbind(dim)
    l2, a2, b2 = lab2.unbind(dim)
    # Step 1: C*, G, a', C', h'
    c_ab = (_where_sqrt(a1 * a1 + b1 * b1) + _where_sqrt(a2 * a2 + b2 * b2)) / 2.0
    c_ab7 = c_ab**7
    g = 0.5 * (1.0 - _where_sqrt(c_ab7 / (c_ab7 + _POW25_7)))
    a1p, a2p = (1.0 + g) * a1, (1.0 + g) * a2
    c1p, c2p = _where_sqrt(a1p * a1p + b1 * b1), _where_sqrt(a2p * a2p + b2 * b2)
    h1p, h2p = _where_atan2_deg(b1, a1p), _where_atan2_deg(b2, a2p)
    # Step 2: dL', dC', dh', dH'
    dl = l2 - l1
    dc = c2p - c1p
    chroma_product = c1p * c2p
    achromatic = chroma_product == 0
    dh = h2p - h1p
    dh = torch.where(dh > 180.0, dh - 360.0, torch.where(dh < -180.0, dh + 360.0, dh))
    dh = torch.where(achromatic, torch.zeros_like(dh), dh)
    d_big_h = 2.0 * _where_sqrt(chroma_product) * torch.sin(torch.deg2rad(dh / 2.0))
    # Step 3: means, weighting functions, rotation term
    l_mean = (l1 + l2) / 2.0
    c_mean = (c1p + c2p) / 2.0
    h_sum = h1p + h2p
    h_mean = torch.where(
        achromatic, h_sum,
        torch.where((h1p - h2p).abs() <= 180.0, h_sum / 2.0,
                    torch.where(h_sum < 360.0, (h_sum + 360.0) / 2.0, (h_sum - 360.0) / 2.0)))
    t = (1.0 - 0.17 * torch.cos(torch.deg2rad(h_mean - 30.0)) + 0.24 * torch.cos(torch.deg2rad(2.0 * h_mean))
         + 0.32 * torch.cos(torch.deg2rad(3.0 * h_mean + 6.0)) - 0.20 * torch.cos(torch.deg2rad(4.0 * h_mean - 63.0)))
    d_theta = 30.0 * torch.exp(-(((h_mean - 275.0) / 25.0) ** 2))
    c_mean7 = c_mean**7
    r_c = 2.0 * _where_sqrt(c_mean7 / (c_mean7 + _POW25_7))
    l50 = (l_mean - 50.0) ** 2
    s_l = 1.0 + 0.015 * l50 / torch.sqrt(20.0 + l50)
    s_c = 1.0 + 0.045 * c_mean
    s_h = 1.0 + 0.015 * c_mean * t
    r_t = -torch.sin(torch.deg2rad(2.0 * d_theta)) * r_c
    lt, ct, ht = dl / (kl * s_l), dc / (kc * s_c), d_big_h / (kh * s_h)
    return _where_sqrt(lt * lt + ct * ct + ht * ht + r_t * ct * ht)


def ciede2000_loss(pred_rgb: torch.Tensor, target_rgb: torch.Tensor) -> torch.Tensor:
    """Mean CIEDE2000 (in dE00 units) between two (N, 3, H, W) display-referred sRGB images."""
    return ciede2000(srgb_to_lab(pred_rgb.clamp(0, 1)), srgb_to_lab(target_rgb.clamp(0, 1)), dim=-3).mean()


def relative_luminance(x: torch.Tensor) -> torch.Tensor:
    """(N,3,H,W) sRGB -> (N,1,H,W) linear relative luminance Y (BT.709 / sRGB weights);
    a 1-channel input is taken as display-referred luma and decoded with the sRGB curve."""
    lin = srgb_to_linear(x)
    if x.shape[-3] == 1:
        return lin
    w = torch.tensor([0.2126729, 0.7151522, 0.0721750], dtype=x.dtype, device=x.device).view(3, 1, 1)
    return (lin * w).sum(dim=-3, keepdim=True)


def uniformity_loss(pred: torch.Tensor, target: torch.Tensor, region_px: int = 8) -> torch.Tensor:
    """Mean |spread(pred) - spread(target)| over non-overlapping region_px x region_px regions,
    where spread is the standard deviation of linear luminance inside the region, relative to the
    region's mean luminance (coefficient of variation, so dark and bright regions count alike).
    Zero when every region's spread matches; mura, seam lines and noise raise it."""
    def spread(x):
        y = relative_luminance(x)
        mean = F.avg_pool2d(y, region_px)
        var = (F.avg_pool2d(y * y, region_px) - mean * mean).clamp_min(0.0)
        return _where_sqrt(var, 1e-12) / (mean + 1e-3)
    return (spread(pred.clamp(0, 1)) - spread(target.clamp(0, 1))).abs().mean()


def low_gray_l1(pred: torch.Tensor, target: torch.Tensor, threshold: float = 0.15, gain: float = 4.0) -> torch.Tensor:
    """Weighted L1: weight 1 + gain * max(0, 1 - t / threshold), t = target's display-referred
    luma (channel mean), so pixels at black count (1 + gain) times, pixels above `threshold`
    (0.15 ~ code 38/255) once. Normalised by the weights' sum (same scale as plain L1)."""
    t = target.mean(dim=-3, keepdim=True)
    w = 1.0 + gain * (1.0 - t / threshold).clamp(0.0, 1.0)
    return ((pred - target).abs() * w).sum() / (w.sum() * pred.shape[-3])
