"""Full-range Y'CbCr <-> R'G'B' on display-referred tensors (N, 3|1, H, W) in [0,1]: the luma the
student sees and the chroma that is upsampled beside it. `kr, kb` select the luma weights:
BT.709 (0.2126, 0.0722; the runtime's luma, docs/MODELS.md) or BT.601 (0.299, 0.114; the SR
benchmark's Y). Cb = (B - Y) / (2 - 2 kb) + 0.5, Cr = (R - Y) / (2 - 2 kr) + 0.5."""
from __future__ import annotations

import torch

BT709 = (0.2126, 0.0722)
BT601 = (0.299, 0.114)


def rgb_to_ycbcr(rgb: torch.Tensor, kr_kb: tuple[float, float] = BT709) -> torch.Tensor:
    kr, kb = kr_kb
    r, g, b = rgb.unbind(-3)
    y = kr * r + (1.0 - kr - kb) * g + kb * b
    return torch.stack([y, (b - y) / (2.0 - 2.0 * kb) + 0.5, (r - y) / (2.0 - 2.0 * kr) + 0.5], dim=-3)


def ycbcr_to_rgb(ycc: torch.Tensor, kr_kb: tuple[float, float] = BT709) -> torch.Tensor:
    kr, kb = kr_kb
    y, cb, cr = ycc.unbind(-3)
    r = y + (2.0 - 2.0 * kr) * (cr - 0.5)
    b = y + (2.0 - 2.0 * kb) * (cb - 0.5)
    g = (y - kr * r - kb * b) / (1.0 - kr - kb)
    return torch.stack([r, g, b], dim=-3)
