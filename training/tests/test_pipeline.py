"""Classic ops, parameter sampling and the composed simulator."""
from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest
import torch

from training.ledsim import DegradationRanges, degrade, sample_degradation
from training.ledsim import classic_ops


def test_gaussian_kernel_normalised_and_anisotropic():
    k = classic_ops.gaussian_kernel(21, 3.0, 0.5, 0.0)
    assert k.sum().item() == pytest.approx(1.0)
    var_x = (k.sum(0) * (torch.arange(21) - 10.0) ** 2).sum()
    var_y = (k.sum(1) * (torch.arange(21) - 10.0) ** 2).sum()
    assert var_x > 10 * var_y
    with pytest.raises(ValueError, match="odd"):
        classic_ops.gaussian_kernel(8, 1, 1, 0)


def test_noise_and_jpeg_measurable():
    g = torch.Generator().manual_seed(0)
    flat = torch.full((1, 3, 64, 64), 0.5)
    n = classic_ops.gaussian_noise(flat, 10 / 255, False, g)
    assert (n - flat).std().item() == pytest.approx(10 / 255, rel=0.1)
    gray = classic_ops.gaussian_noise(flat, 10 / 255, True, g)
    assert torch.allclose(gray[:, 0], gray[:, 1])
    p = classic_ops.poisson_noise(flat, 1.0, False, g)
    assert (p - flat).std().item() == pytest.approx((0.5 * 255) ** 0.5 / 255, rel=0.15)
    img = torch.rand(3, 32, 32, generator=g)
    j = classic_ops.jpeg(img, 30)
    assert j.shape == img.shape and 0.01 < (j - img).abs().mean() < 0.3
    assert torch.allclose(j * 255, (j * 255).round(), atol=1e-4)


def test_resize_modes_and_errors():
    x = torch.rand(3, 20, 30)
    for mode in classic_ops.RESIZE_MODES:
        assert classic_ops.resize(x, (10, 15), mode).shape == (3, 10, 15)
    with pytest.raises(ValueError, match="resize mode"):
        classic_ops.resize(x, (10, 15), "lanczos")


def test_sampling_is_seeded_and_json_serialisable():
    r = DegradationRanges()
    a = sample_degradation(np.random.default_rng(5), r, 2)
    b = sample_degradation(np.random.default_rng(5), r, 2)
    c = sample_degradation(np.random.default_rng(6), r, 2)
    assert a == b and a != c
    json.dumps(dataclasses.asdict(a))


def test_sampled_values_stay_in_documented_ranges():
    r = DegradationRanges()
    rng = np.random.default_rng(0)
    for _ in range(200):
        p = sample_degradation(rng, r, 2)
        assert r.led.driver_gray_bits[0] <= p.led.driver_gray_bits <= r.led.driver_gray_bits[1]
        assert r.led.brightness[0] <= p.led.brightness <= r.led.brightness[1]
        assert p.led.gamma_ratio == 1.0 or r.led.gamma_ratio[0] <= p.led.gamma_ratio <= r.led.gamma_ratio[1]
        assert abs(p.led.seam_vertical_gain) <= 0.3 and p.led.module_px[0] >= 8
        assert r.first.resize_scale[0] <= p.first.resize_scale <= r.first.resize_scale[1]
        assert r.first.jpeg_quality[0] <= p.first.jpeg_quality <= r.first.jpeg_quality[1]


def test_ranges_from_config_override_and_errors():
    r = DegradationRanges.from_dict({"p_second_order": 0.0, "led": {"driver_gray_bits": [12, 12]}})
    assert r.p_second_order == 0.0 and r.led.driver_gray_bits == (12, 12)
    assert r.led.brightness == DegradationRanges().led.brightness
    with pytest.raises(ValueError, match="led.gray_bits"):
        DegradationRanges.from_dict({"led": {"gray_bits": [1, 2]}})
    with pytest.raises(ValueError, match="led.brightness"):
        DegradationRanges.from_dict({"led": {"brightness": 0.5}})


def test_degrade_shape_range_determinism():
    g = torch.Generator().manual_seed(0)
    hr = torch.rand(3, 64, 96, generator=g)
    p = sample_degradation(np.random.default_rng(1), DegradationRanges(), 2)
    lr = degrade(hr, p)
    assert lr.shape == (3, 32, 48) and lr.min() >= 0 and lr.max() <= 1
    assert torch.equal(lr, degrade(hr, p))
    with pytest.raises(ValueError, match="divisible"):
        degrade(torch.rand(3, 63, 96), p)


def test_led_wall_keeps_low_gray_precision_beyond_8_bit():
    """A 16-bit driver on a smooth dark ramp gives many more than 256 distinct levels, which
    is why the dataset is stored as 16-bit PNG."""
    from training.ledsim.pipeline import apply_led_wall
    p = sample_degradation(np.random.default_rng(2), DegradationRanges.from_dict(
        {"led": {"driver_gray_bits": [16, 16], "brightness": [1.0, 1.0], "p_mura": 0.0, "p_seams": 0.0,
                 "p_ghost": 0.0, "p_motion_blur": 0.0}}), 1)
    ramp = torch.linspace(0, 0.2, 4096).view(1, 1, -1).expand(3, 4, -1).unsqueeze(0)
    out = apply_led_wall(ramp, p.led, torch.Generator().manual_seed(0))
    assert torch.unique(out[0, 1, 0]).numel() > 1000
