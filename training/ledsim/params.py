"""Degradation parameters: one dataclass per stage, documented ranges, seeded sampling.

`DegradationRanges` holds every range and probability (JSON-overridable from a config); 
`sample_degradation(rng, ranges, scale)` draws one `DegradationParams` from a
`numpy.random.Generator`. A params object fully determines a pair (it carries its own seed for
noise and mura), and `dataclasses.asdict(params)` is what the manifest records.
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field

import numpy as np

from .classic_ops import RESIZE_MODES
from .colour import white_point_gains


@dataclass
class ClassicStageRanges:
    """One order of Real-ESRGAN's classic chain. Ranges are (low, high), uniform unless said."""
    p_blur: float = 1.0                     # probability the stage blurs
    kernel_sizes: tuple = (7, 9, 11, 13, 15, 17, 19, 21)
    sigma: tuple = (0.2, 3.0)               # px, per axis
    p_anisotropic: float = 0.5
    p_generalised: float = 0.15             # generalised Gaussian, beta in `beta`
    beta: tuple = (0.5, 4.0)
    resize_scale: tuple = (0.5, 1.5)        # relative resize of this order
    resize_modes: tuple = RESIZE_MODES
    p_gaussian_noise: float = 0.5           # else Poisson
    gaussian_sigma_255: tuple = (1.0, 20.0) # noise std in 8-bit code values
    poisson_scale: tuple = (0.05, 2.0)
    p_gray_noise: float = 0.4
    jpeg_quality: tuple = (40, 95)


def _second_order_defaults() -> ClassicStageRanges:
    return ClassicStageRanges(p_blur=0.8, sigma=(0.2, 1.5), resize_scale=(0.7, 1.2),
                              gaussian_sigma_255=(1.0, 15.0), poisson_scale=(0.05, 1.5),
                              jpeg_quality=(50, 95))


@dataclass
class LedRanges:
    """LED wall ranges, in the screen profile's vocabulary."""
    pixel_pitch_mm: tuple = (1.2, 1.5, 1.9, 2.5, 2.6, 2.9, 3.9)   # choices
    module_mm: tuple = ((320, 160), (250, 250), (160, 160))        # choices, (width, height)
    driver_gray_bits: tuple = (10, 16)      # integer, inclusive (MBI5353-class: 13-16 bit)
    brightness: tuple = (0.05, 1.0)         # fraction of peak, log-uniform (digital dimming)
    p_gamma_mismatch: float = 0.6
    gamma_ratio: tuple = (0.90, 1.12)       # g_wall / g_source, e.g. 2.35 / 2.2 = 1.068
    p_cct_mismatch: float = 0.6
    cct_kelvin: tuple = (5000.0, 9300.0)    # wall white point; content is 6504 K
    low_gray_knee: tuple = (0.0, 0.003)     # linear-light droop knee per channel
    low_gray_cast_r: tuple = (0.0, 0.4)     # relative low-gray gain; red positive (pinkish)
    low_gray_cast_gb: tuple = (-0.15, 0.1)
    low_gray_cast_scale: tuple = (0.003, 0.02)
    p_mura: float = 0.9
    module_gain_sigma: tuple = (0.0, 0.04)
    module_chroma_sigma: tuple = (0.0, 0.02)
    pixel_sigma: tuple = (0.0, 0.03)
    p_seams: float = 0.7
    seam_gain: tuple = (-0.3, 0.3)          # per direction; < 0 dark line, > 0 bright line
    p_motion_blur: float = 0.3
    motion_blur_px: tuple = (1.5, 6.0)
    p_ghost: float = 0.5
    ghost_strength: tuple = (0.01, 0.08)
    ghost_shift_px: tuple = (1, 3)          # |shift|, inclusive; mostly vertical (scan)


@dataclass
class DegradationRanges:
    p_second_order: float = 0.8
    first: ClassicStageRanges = field(default_factory=ClassicStageRanges)
    second: ClassicStageRanges = field(default_factory=_second_order_defaults)
    final_resize_modes: tuple = RESIZE_MODES
    final_jpeg_quality: tuple = (60, 95)
    p_final_jpeg: float = 0.5
    led: LedRanges = field(default_factory=LedRanges)

    @staticmethod
    def from_dict(d: dict) -> "DegradationRanges":
        """Defaults overridden by a JSON config's values (lists become tuples). An unknown key
        or a wrongly typed value is an error that names the dotted field."""
        ranges = DegradationRanges()
        _override(ranges, d, "")
        return ranges


def _tuplify(v):
    return tuple(_tuplify(e) for e in v) if isinstance(v, (list, tuple)) else v


def _override(obj, values: dict, prefix: str) -> None:
    names = {f.name for f in dataclasses.fields(obj)}
    for key, value in values.items():
        if key not in names:
            raise ValueError(f"Unknown degradation range {prefix}{key}; expected one of {sorted(names)}")
        current = getattr(obj, key)
        if dataclasses.is_dataclass(current):
            if not isinstance(value, dict):
                raise ValueError(f"Expected an object for {prefix}{key} but received {value!r}")
            _override(current, value, f"{prefix}{key}.")
        elif isinstance(current, tuple) != isinstance(value, (list, tuple)):
            raise ValueError(f"Expected {type(current).__name__} for {prefix}{key} but received {value!r}")
        else:
            setattr(obj, key, _tuplify(value))


@dataclass
class ClassicStageParams:
    blur: bool
    kernel_size: int
    sigma_x: float
    sigma_y: float
    angle_deg: float
    beta: float
    resize_scale: float
    resize_mode: str
    noise: str              # 'gaussian' | 'poisson'
    noise_level: float      # sigma in [0,1] units, or the Poisson scale
    noise_gray: bool
    jpeg_quality: int


@dataclass
class LedParams:
    pixel_pitch_mm: float
    module_mm: tuple
    module_px: tuple        # (width, height) in LED pixels = module_mm / pitch
    module_phase: tuple     # (dx, dy) grid offset in pixels
    driver_gray_bits: int
    brightness: float
    gamma_ratio: float      # 1.0 = no mismatch
    cct_kelvin: float       # 6504 = no mismatch
    white_gains: tuple      # linear RGB gains derived from cct_kelvin
    low_gray_knee: tuple    # per channel
    low_gray_cast: tuple    # per channel
    low_gray_cast_scale: float
    module_gain_sigma: float
    module_chroma_sigma: float
    pixel_sigma: float
    seam_vertical_gain: float
    seam_horizontal_gain: float
    motion_blur_px: float   # <= 1: none
    motion_angle_deg: float
    ghost_strength: float   # 0: none
    ghost_shift: tuple      # (dx, dy)


@dataclass
class DegradationParams:
    seed: int               # seeds noise and mura generators
    scale: int              # HR / LR size ratio
    first: ClassicStageParams
    second: ClassicStageParams | None
    final_resize_mode: str
    final_jpeg_quality: int | None
    led: LedParams


def _u(rng: np.random.Generator, lo_hi) -> float:
    return float(rng.uniform(lo_hi[0], lo_hi[1]))


def _sample_classic(rng: np.random.Generator, r: ClassicStageRanges) -> ClassicStageParams:
    blur = bool(rng.random() < r.p_blur)
    sx = _u(rng, r.sigma)
    sy = _u(rng, r.sigma) if rng.random() < r.p_anisotropic else sx
    beta = _u(rng, r.beta) if rng.random() < r.p_generalised else 2.0
    gaussian = bool(rng.random() < r.p_gaussian_noise)
    level = _u(rng, r.gaussian_sigma_255) / 255.0 if gaussian else _u(rng, r.poisson_scale)
    return ClassicStageParams(
        blur=blur, kernel_size=int(rng.choice(r.kernel_sizes)), sigma_x=sx, sigma_y=sy,
        angle_deg=_u(rng, (0.0, 180.0)), beta=beta, resize_scale=_u(rng, r.resize_scale),
        resize_mode=str(rng.choice(r.resize_modes)), noise="gaussian" if gaussian else "poisson",
        noise_level=level, noise_gray=bool(rng.random() < r.p_gray_noise),
        jpeg_quality=int(rng.integers(r.jpeg_quality[0], r.jpeg_quality[1] + 1)))


def _sample_led(rng: np.random.Generator, r: LedRanges) -> LedParams:
    pitch = float(rng.choice(r.pixel_pitch_mm))
    module_mm = tuple(int(v) for v in r.module_mm[int(rng.integers(len(r.module_mm)))])
    module_px = tuple(max(8, int(round(m / pitch))) for m in module_mm)
    phase = (int(rng.integers(module_px[0])), int(rng.integers(module_px[1])))
    lo, hi = r.brightness
    brightness = float(math.exp(rng.uniform(math.log(lo), math.log(hi))))
    gamma = _u(rng, r.gamma_ratio) if rng.random() < r.p_gamma_mismatch else 1.0
    cct = _u(rng, r.cct_kelvin) if rng.random() < r.p_cct_mismatch else 6504.0
    mura_on = rng.random() < r.p_mura
    seams_on = rng.random() < r.p_seams
    motion_on = rng.random() < r.p_motion_blur
    ghost_on = rng.random() < r.p_ghost
    shift = int(rng.integers(r.ghost_shift_px[0], r.ghost_shift_px[1] + 1)) * int(rng.choice((-1, 1)))
    ghost_shift = (0, shift) if rng.random() < 0.75 else (shift, 0)
    return LedParams(
        pixel_pitch_mm=pitch, module_mm=module_mm, module_px=module_px, module_phase=phase,
        driver_gray_bits=int(rng.integers(r.driver_gray_bits[0], r.driver_gray_bits[1] + 1)),
        brightness=brightness, gamma_ratio=gamma, cct_kelvin=cct, white_gains=tuple(white_point_gains(cct)),
        low_gray_knee=tuple(_u(rng, r.low_gray_knee) for _ in range(3)),
        low_gray_cast=(_u(rng, r.low_gray_cast_r), _u(rng, r.low_gray_cast_gb), _u(rng, r.low_gray_cast_gb)),
        low_gray_cast_scale=_u(rng, r.low_gray_cast_scale),
        module_gain_sigma=_u(rng, r.module_gain_sigma) if mura_on else 0.0,
        module_chroma_sigma=_u(rng, r.module_chroma_sigma) if mura_on else 0.0,
        pixel_sigma=_u(rng, r.pixel_sigma) if mura_on else 0.0,
        seam_vertical_gain=_u(rng, r.seam_gain) if seams_on else 0.0,
        seam_horizontal_gain=_u(rng, r.seam_gain) if seams_on else 0.0,
        motion_blur_px=_u(rng, r.motion_blur_px) if motion_on else 0.0,
        motion_angle_deg=_u(rng, (0.0, 180.0)),
        ghost_strength=_u(rng, r.ghost_strength) if ghost_on else 0.0, ghost_shift=ghost_shift)


def sample_degradation(rng: np.random.Generator, ranges: DegradationRanges, scale: int) -> DegradationParams:
    """Draw one complete parameter set. Deterministic for a given rng state."""
    if scale not in (1, 2, 3, 4):
        raise ValueError(f"Expected scale 1, 2, 3 or 4 but received {scale}")
    seed = int(rng.integers(0, 2**31 - 1))
    first = _sample_classic(rng, ranges.first)
    second = _sample_classic(rng, ranges.second) if rng.random() < ranges.p_second_order else None
    final_jpeg = (int(rng.integers(ranges.final_jpeg_quality[0], ranges.final_jpeg_quality[1] + 1))
                  if rng.random() < ranges.p_final_jpeg else None)
    return DegradationParams(seed=seed, scale=scale, first=first, second=second,
                             final_resize_mode=str(rng.choice(ranges.final_resize_modes)),
                             final_jpeg_quality=final_jpeg, led=_sample_led(rng, ranges.led))
