"""Real-ESRGAN-style classic degradations (Wang et al., ICCV-W 2021), second-order capable.

All ops take DISPLAY-REFERRED float tensors (N, 3, H, W) or (3, H, W) in [0, 1] (the signal
chain: camera, scaler, encoder act on code values) and return the same rank and dtype.
Randomness comes from an explicit generator or from the caller's already-sampled parameters.
"""
from __future__ import annotations

import io
import math

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from .led_ops import filter2d

RESIZE_MODES = ("area", "bilinear", "bicubic")


def gaussian_kernel(size: int, sigma_x: float, sigma_y: float, angle_deg: float,
                    beta: float = 2.0) -> torch.Tensor:
    """(size, size) float64 kernel, normalised to sum 1. Anisotropic (generalised) Gaussian:
    exp(-0.5 * (d^T S^-1 d) ** (beta / 2)), S = R diag(sx^2, sy^2) R^T rotated by angle_deg.
    beta = 2 is the Gaussian; beta < 2 heavier tails, beta > 2 plateau-like (Real-ESRGAN's
    generalised kernels). sigma_x == sigma_y gives the isotropic kernel."""
    if size % 2 != 1:
        raise ValueError(f"Expected an odd kernel size but received {size}")
    theta = math.radians(angle_deg)
    c, s = math.cos(theta), math.sin(theta)
    rot = torch.tensor([[c, -s], [s, c]], dtype=torch.float64)
    cov = rot @ torch.diag(torch.tensor([sigma_x**2, sigma_y**2], dtype=torch.float64)) @ rot.T
    inv = torch.linalg.inv(cov)
    r = torch.arange(size, dtype=torch.float64) - size // 2
    yy, xx = torch.meshgrid(r, r, indexing="ij")
    d = torch.stack([xx, yy], dim=-1)
    m = torch.einsum("...i,ij,...j->...", d, inv, d)
    k = torch.exp(-0.5 * m.clamp_min(0) ** (beta / 2))
    return k / k.sum()


def blur(x: torch.Tensor, kernel: torch.Tensor) -> torch.Tensor:
    """Convolve each channel with `kernel` (reflect padding)."""
    return filter2d(x, kernel).clamp(0.0, 1.0)


def resize(x: torch.Tensor, size_hw: tuple[int, int], mode: str) -> torch.Tensor:
    """Resize to size_hw = (H, W) with mode in RESIZE_MODES (PyTorch semantics, antialias off
    as in Real-ESRGAN; 'area' is the box filter)."""
    if mode not in RESIZE_MODES:
        raise ValueError(f"Expected resize mode one of {RESIZE_MODES} but received {mode!r}")
    squeeze = x.dim() == 3
    xb = x.unsqueeze(0) if squeeze else x
    kwargs = {} if mode == "area" else {"align_corners": False}
    out = F.interpolate(xb, size=tuple(size_hw), mode=mode, **kwargs).clamp(0.0, 1.0)
    return out.squeeze(0) if squeeze else out


def gaussian_noise(x: torch.Tensor, sigma: float, gray: bool, generator: torch.Generator) -> torch.Tensor:
    """Additive white Gaussian noise, std `sigma` in [0,1] units; gray=True uses one noise
    field for all channels (luma-only sensor noise)."""
    shape = (*x.shape[:-3], 1 if gray else 3, *x.shape[-2:])
    n = torch.randn(shape, generator=generator, dtype=torch.float64).to(x.dtype)
    return (x + sigma * n).clamp(0.0, 1.0)


def poisson_noise(x: torch.Tensor, scale: float, gray: bool, generator: torch.Generator) -> torch.Tensor:
    """Signal-dependent shot noise as Real-ESRGAN generates it: noise = Poisson(255 x) / 255 - x,
    multiplied by `scale` (0 = none); gray=True draws it on the luma and adds it to all channels."""
    base = x.mean(dim=-3, keepdim=True) if gray else x
    lam = (base.to(torch.float64) * 255.0).clamp_min(0)
    noise = (torch.poisson(lam, generator=generator) / 255.0 - base.to(torch.float64)).to(x.dtype)
    return (x + scale * noise).clamp(0.0, 1.0)


def jpeg(x: torch.Tensor, quality: int) -> torch.Tensor:
    """JPEG round trip through PIL (libjpeg, 4:2:0 chroma subsampling at quality < 90 as PIL
    defaults) at `quality` 1-95. The result is 8-bit by nature (values k/255)."""
    if not 1 <= quality <= 95:
        raise ValueError(f"Expected quality between 1 and 95 but received {quality}")
    squeeze = x.dim() == 3
    xb = x.unsqueeze(0) if squeeze else x
    outs = []
    for img in xb:
        arr = (img.detach().cpu().clamp(0, 1).permute(1, 2, 0).numpy() * 255.0).round().astype(np.uint8)
        buf = io.BytesIO()
        Image.fromarray(arr).save(buf, format="JPEG", quality=int(quality))
        dec = np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("RGB"), dtype=np.float32) / 255.0
        outs.append(torch.from_numpy(dec).permute(2, 0, 1))
    out = torch.stack(outs).to(dtype=x.dtype, device=x.device)
    return out.squeeze(0) if squeeze else out
