"""Compose the simulator: HR display-referred RGB -> degraded LR display-referred RGB.

Order (each step documented in its op):
  1. classic first order   (display-referred): blur -> resize(s1) -> noise -> JPEG
  2. classic second order  (display-referred, optional): blur -> resize(s2) -> noise -> JPEG
  3. final resize to HR / scale (+ optional final JPEG) -- the signal the wall receives
  4. LED wall, on the LR grid (one LED per LR pixel):
       gamma_mismatch (display-referred) -> sRGB decode -> colour_temperature -> pwm_quantise
       -> low_gray_response -> mura -> seams -> scan_ghost (all linear) -> sRGB encode
"""
from __future__ import annotations

import torch

from . import classic_ops, led_ops
from .colour import linear_to_srgb, srgb_to_linear
from .params import ClassicStageParams, DegradationParams, LedParams


def _generator(seed: int) -> torch.Generator:
    g = torch.Generator()
    g.manual_seed(int(seed))
    return g


def apply_classic_stage(x: torch.Tensor, p: ClassicStageParams, gen: torch.Generator) -> torch.Tensor:
    """One Real-ESRGAN order on (N,3,H,W) display-referred [0,1]."""
    if p.blur:
        x = classic_ops.blur(x, classic_ops.gaussian_kernel(p.kernel_size, p.sigma_x, p.sigma_y, p.angle_deg, p.beta))
    h, w = x.shape[-2:]
    x = classic_ops.resize(x, (max(8, round(h * p.resize_scale)), max(8, round(w * p.resize_scale))), p.resize_mode)
    if p.noise == "gaussian":
        x = classic_ops.gaussian_noise(x, p.noise_level, p.noise_gray, gen)
    else:
        x = classic_ops.poisson_noise(x, p.noise_level, p.noise_gray, gen)
    return classic_ops.jpeg(x, p.jpeg_quality)


def apply_led_wall(x: torch.Tensor, p: LedParams, gen: torch.Generator) -> torch.Tensor:
    """What the wall does to the display-referred frame it is sent; returns display-referred."""
    x = led_ops.gamma_mismatch(x, p.gamma_ratio)
    lin = srgb_to_linear(x)
    lin = led_ops.colour_temperature(lin, p.white_gains)
    lin = led_ops.pwm_quantise(lin, p.driver_gray_bits, p.brightness)
    lin = led_ops.low_gray_response(lin, p.low_gray_knee, p.low_gray_cast, p.low_gray_cast_scale)
    lin = led_ops.mura(lin, tuple(p.module_px), p.module_gain_sigma, p.module_chroma_sigma,
                       p.pixel_sigma, tuple(p.module_phase), gen)
    lin = led_ops.seams(lin, tuple(p.module_px), tuple(p.module_phase), p.seam_vertical_gain, p.seam_horizontal_gain)
    lin = led_ops.scan_ghost(lin, p.motion_blur_px, p.motion_angle_deg, p.ghost_strength, tuple(p.ghost_shift))
    return linear_to_srgb(lin)


def degrade(hr: torch.Tensor, p: DegradationParams) -> torch.Tensor:
    """HR (3,H,W) or (N,3,H,W) display-referred [0,1], H and W divisible by p.scale ->
    LR of size (H/scale, W/scale), display-referred [0,1], float (keeps > 8-bit precision)."""
    squeeze = hr.dim() == 3
    x = hr.unsqueeze(0) if squeeze else hr
    h, w = x.shape[-2:]
    if h % p.scale or w % p.scale:
        raise ValueError(f"Expected HR size divisible by scale {p.scale} but received {h}x{w}")
    gen = _generator(p.seed)
    x = apply_classic_stage(x, p.first, gen)
    if p.second is not None:
        x = apply_classic_stage(x, p.second, gen)
    x = classic_ops.resize(x, (h // p.scale, w // p.scale), p.final_resize_mode)
    if p.final_jpeg_quality is not None:
        x = classic_ops.jpeg(x, p.final_jpeg_quality)
    x = apply_led_wall(x, p.led, gen)
    return x.squeeze(0) if squeeze else x
