"""LED-display degradation ops: what a wall does to the frame it is given.

Every op is a pure function of a float tensor of shape (3, H, W) or (N, 3, H, W), values in
[0, 1], float32 or float64, and returns a tensor of the same shape and dtype. The docstring of
each op says whether it works on LINEAR light (relative emitted luminance, what PWM duty
controls) or on DISPLAY-REFERRED code values (sRGB-encoded). Randomness (fixed-pattern mura)
comes from an explicit `torch.Generator`, so the same seed gives the same wall.

Vocabulary matches the screen profile: pixel pitch (mm), module size in pixels, driver-IC
grayscale bits, brightness (fraction of peak).
"""
from __future__ import annotations

import math
from typing import Sequence

import torch
import torch.nn.functional as F


def _channel_view(values: Sequence[float], like: torch.Tensor) -> torch.Tensor:
    """(3,) values -> a tensor broadcastable over (..., 3, H, W)."""
    return torch.tensor(list(values), dtype=like.dtype, device=like.device).view(3, 1, 1)


def gamma_mismatch(x: torch.Tensor, gamma_ratio: float) -> torch.Tensor:
    """DISPLAY-REFERRED. The wall decodes with gamma g_wall while the content was mastered for
    g_src: out = x ** (g_wall / g_src). gamma_ratio > 1 darkens mid-tones (e.g. 2.35 / 2.2 =
    1.068, Tessera's default against a 2.2 source); 1.0 is the identity. Endpoints 0 and 1 stay."""
    return x.clamp(0.0, 1.0).clamp_min(1e-12).pow(gamma_ratio) * (x > 0).to(x.dtype)


def colour_temperature(x: torch.Tensor, gains: Sequence[float]) -> torch.Tensor:
    """LINEAR. Per-channel white-point gains (from `colour.white_point_gains(cct)`): the wall
    is set to a different colour temperature than the content's D65 white."""
    return (x * _channel_view(gains, x)).clamp(0.0, 1.0)


def pwm_quantise(x: torch.Tensor, gray_bits: int, brightness: float = 1.0) -> torch.Tensor:
    """LINEAR. Driver-IC PWM grayscale: the light of each channel is one of 2**gray_bits - 1
    duty-cycle steps of the *current* peak. Running the wall at `brightness` (fraction of peak,
    digital dimming) leaves only floor(brightness * (2**bits - 1)) steps for the full content range,
    so low brightness costs bit depth (banding in dark ramps). The result is re-normalised to
    the content's range (as a camera or the adapted eye sees it)."""
    if not 1 <= gray_bits <= 24:
        raise ValueError(f"Expected gray_bits between 1 and 24 but received {gray_bits}")
    if not 0.0 < brightness <= 1.0:
        raise ValueError(f"Expected brightness in (0, 1] but received {brightness}")
    steps = max(1.0, math.floor((2.0**gray_bits - 1.0) * brightness))
    return torch.round(x.clamp(0.0, 1.0) * steps) / steps


def low_gray_response(x: torch.Tensor, knee: Sequence[float], cast: Sequence[float],
                      cast_scale: float = 0.01) -> torch.Tensor:
    """LINEAR. The LED's light vs commanded duty at low gray. Two effects per channel c:
    - droop: short PWM pulses lose light to rise/fall time, out = x * x / (x + knee_c) * (1 + knee_c)
      (knee 0 -> identity; knee 0.002 loses ~half the light at linear 0.002, nothing at 1);
    - cast: a relative gain that fades out above `cast_scale`: out *= 1 + cast_c * exp(-x / cast_scale)
      (red's lower forward voltage gives the commonly reported pinkish low-gray cast: cast_r > 0).
    Near white both terms vanish, so the op changes only the low-gray part of the range."""
    k = _channel_view(knee, x)
    c = _channel_view(cast, x)
    x = x.clamp(0.0, 1.0)
    droop = x * x / (x + k).clamp_min(1e-12) * (1.0 + k)
    return (droop * (1.0 + c * torch.exp(-x / cast_scale))).clamp(0.0, 1.0)


def _grid_labels(size: int, module: int, phase: int, device) -> torch.Tensor:
    """Module index of each pixel along one axis, grid shifted by `phase` pixels."""
    return torch.div(torch.arange(size, device=device) + phase, module, rounding_mode="floor")


def mura(x: torch.Tensor, module_px: tuple[int, int], module_gain_sigma: float,
         module_chroma_sigma: float, pixel_sigma: float, phase: tuple[int, int],
         generator: torch.Generator) -> torch.Tensor:
    """LINEAR. Fixed-pattern non-uniformity of a wall of modules (module_px = (width, height)
    in pixels, grid shifted by `phase` = (dx, dy)):
    - per module, a luminance gain 1 + N(0, module_gain_sigma) shared by R, G, B;
    - per module, a chromaticity offset: per-channel gains 1 + N(0, module_chroma_sigma);
    - per pixel and channel, a gain 1 + N(0, pixel_sigma) (LED binning spread).
    The pattern is drawn from `generator` (CPU), so a seed names one physical wall; the same
    pattern applies to every image in a batch (one wall)."""
    h, w = x.shape[-2:]
    mw, mh = module_px
    cols = _grid_labels(w, mw, phase[0], "cpu")
    rows = _grid_labels(h, mh, phase[1], "cpu")
    n_rows, n_cols = int(rows.max()) + 1, int(cols.max()) + 1
    lum = 1.0 + module_gain_sigma * torch.randn(1, n_rows, n_cols, generator=generator, dtype=torch.float64)
    chroma = 1.0 + module_chroma_sigma * torch.randn(3, n_rows, n_cols, generator=generator, dtype=torch.float64)
    module_gain = (lum * chroma)[:, rows][:, :, cols]
    pixel_gain = 1.0 + pixel_sigma * torch.randn(3, h, w, generator=generator, dtype=torch.float64)
    gain = (module_gain * pixel_gain).to(dtype=x.dtype, device=x.device)
    return (x * gain).clamp(0.0, 1.0)


def seams(x: torch.Tensor, module_px: tuple[int, int], phase: tuple[int, int],
          vertical_gain: float, horizontal_gain: float) -> torch.Tensor:
    """LINEAR. Bright or dark lines where modules meet: the last pixel column of each module gets
    gain 1 + vertical_gain and the last pixel row 1 + horizontal_gain (gap too wide -> dark,
    < 0; too narrow -> bright, > 0). Module grid and phase as in `mura`."""
    h, w = x.shape[-2:]
    mw, mh = module_px
    col_edge = ((torch.arange(w, device=x.device) + phase[0]) % mw) == mw - 1
    row_edge = ((torch.arange(h, device=x.device) + phase[1]) % mh) == mh - 1
    gain = torch.ones(h, w, dtype=x.dtype, device=x.device)
    gain = gain * torch.where(col_edge, 1.0 + vertical_gain, 1.0).to(x.dtype).view(1, w)
    gain = gain * torch.where(row_edge, 1.0 + horizontal_gain, 1.0).to(x.dtype).view(h, 1)
    return (x * gain).clamp(0.0, 1.0)


def motion_blur_kernel(length_px: float, angle_deg: float, size: int | None = None) -> torch.Tensor:
    """A normalised line kernel (float64, odd size) of `length_px` along `angle_deg` (0 =
    horizontal), anti-aliased by 4x supersampling. length_px <= 1 gives the identity."""
    length_px = max(float(length_px), 1.0)
    size = size or (2 * int(math.ceil(length_px / 2)) + 1)
    sub = 4
    coords = (torch.arange(size * sub, dtype=torch.float64) + 0.5) / sub - size / 2
    yy, xx = torch.meshgrid(coords, coords, indexing="ij")
    theta = math.radians(angle_deg)
    along = xx * math.cos(theta) + yy * math.sin(theta)
    across = -xx * math.sin(theta) + yy * math.cos(theta)
    fine = ((along.abs() <= length_px / 2) & (across.abs() <= 0.5)).to(torch.float64)
    k = fine.view(size, sub, size, sub).sum(dim=(1, 3))
    return k / k.sum()


def filter2d(x: torch.Tensor, kernel: torch.Tensor) -> torch.Tensor:
    """Depthwise 2-D filtering of (3,H,W)/(N,3,H,W) with reflect padding; kernel (k, k), odd k."""
    squeeze = x.dim() == 3
    xb = x.unsqueeze(0) if squeeze else x
    k = kernel.to(dtype=x.dtype, device=x.device)
    pad = k.shape[-1] // 2
    mode = "reflect" if min(xb.shape[-2:]) > pad else "replicate"
    xp = F.pad(xb, (pad, pad, pad, pad), mode=mode)
    out = F.conv2d(xp, k.expand(xb.shape[1], 1, *k.shape), groups=xb.shape[1])
    return out.squeeze(0) if squeeze else out


def shift_replicate(x: torch.Tensor, dx: int, dy: int) -> torch.Tensor:
    """out[..., y, x] = x[..., y - dy, x - dx], edges replicated (no wrap-around)."""
    squeeze = x.dim() == 3
    xb = x.unsqueeze(0) if squeeze else x
    h, w = xb.shape[-2:]
    xp = F.pad(xb, (max(dx, 0), max(-dx, 0), max(dy, 0), max(-dy, 0)), mode="replicate")
    y0, x0 = max(-dy, 0), max(-dx, 0)
    out = xp[..., y0:y0 + h, x0:x0 + w]
    return out.squeeze(0) if squeeze else out


def scan_ghost(x: torch.Tensor, blur_length_px: float, blur_angle_deg: float,
               ghost_strength: float, ghost_shift: tuple[int, int]) -> torch.Tensor:
    """LINEAR. Motion and refresh artefacts: a directional (line) blur of `blur_length_px` at
    `blur_angle_deg` (eye/camera tracking a moving picture over one refresh), plus a faint
    ghost: out = (blurred + ghost_strength * shift(blurred, ghost_shift)) / (1 + ghost_strength),
    normalised so flat fields keep their level. ghost_shift = (dx, dy) in pixels (edges
    replicated); a (0, +-1) shift is the up/down scan-line ghost from parasitic capacitance."""
    out = filter2d(x, motion_blur_kernel(blur_length_px, blur_angle_deg)) if blur_length_px > 1 else x
    if ghost_strength > 0:
        dx, dy = ghost_shift
        ghost = shift_replicate(out, dx, dy)
        out = (out + ghost_strength * ghost) / (1.0 + ghost_strength)
    return out.clamp(0.0, 1.0)
