"""Each LED op: shape, range, dtype kept; deterministic with a seed; does what it says."""
from __future__ import annotations

import pytest
import torch

from training.ledsim import led_ops
from training.ledsim.colour import linear_to_srgb, srgb_to_linear, white_point_gains


@pytest.fixture
def img():
    g = torch.Generator().manual_seed(0)
    return torch.rand(2, 3, 48, 64, generator=g)


def _gen(seed=1):
    return torch.Generator().manual_seed(seed)


OPS = {
    "gamma_mismatch": lambda x: led_ops.gamma_mismatch(x, 1.1),
    "colour_temperature": lambda x: led_ops.colour_temperature(x, white_point_gains(5000)),
    "pwm_quantise": lambda x: led_ops.pwm_quantise(x, 10, 0.3),
    "low_gray_response": lambda x: led_ops.low_gray_response(x, (0.002, 0.001, 0.001), (0.3, 0.0, -0.1)),
    "mura": lambda x: led_ops.mura(x, (16, 16), 0.03, 0.02, 0.02, (3, 5), _gen()),
    "seams": lambda x: led_ops.seams(x, (16, 12), (0, 0), 0.2, -0.2),
    "scan_ghost": lambda x: led_ops.scan_ghost(x, 4.0, 30.0, 0.05, (0, 1)),
}


@pytest.mark.parametrize("name", sorted(OPS))
@pytest.mark.parametrize("batched", [True, False])
def test_op_keeps_shape_dtype_and_range(name, batched, img):
    x = img if batched else img[0]
    for dtype in (torch.float32, torch.float64):
        y = OPS[name](x.to(dtype))
        assert y.shape == x.shape and y.dtype == dtype
        assert y.min() >= 0 and y.max() <= 1 and torch.isfinite(y).all()


@pytest.mark.parametrize("name", sorted(OPS))
def test_op_is_deterministic(name, img):
    assert torch.equal(OPS[name](img), OPS[name](img))


def test_srgb_round_trip():
    x = torch.linspace(0, 1, 1001, dtype=torch.float64)
    assert (linear_to_srgb(srgb_to_linear(x)) - x).abs().max() < 1e-9


def test_gamma_mismatch_darkens_midtones_keeps_endpoints():
    x = torch.tensor([0.0, 0.5, 1.0]).view(3, 1, 1).expand(3, 1, 1).contiguous()
    y = led_ops.gamma_mismatch(torch.full((3, 1, 1), 0.5), 2.35 / 2.2)
    assert y[0, 0, 0] == pytest.approx(0.5 ** (2.35 / 2.2), rel=1e-5)
    assert led_ops.gamma_mismatch(torch.zeros(3, 1, 1), 1.1).max() == 0
    assert led_ops.gamma_mismatch(torch.ones(3, 1, 1), 1.1).min() == 1
    assert torch.equal(led_ops.gamma_mismatch(x, 1.0), x)


def test_white_point_gains_direction():
    assert white_point_gains(6504) == pytest.approx((1.0, 1.0, 1.0))
    warm, cool = white_point_gains(4000), white_point_gains(9300)
    assert warm[0] == 1.0 and warm[2] < warm[1] < 1.0     # warm: blue lowest
    assert cool[2] == 1.0 and cool[0] < cool[1] < 1.0     # cool: red lowest


def test_pwm_quantise_levels_and_brightness_cost_bits():
    ramp = torch.linspace(0, 1, 100000).view(1, 1, -1).expand(3, 1, -1)
    assert torch.unique(led_ops.pwm_quantise(ramp, 10)).numel() == 1024
    # at 25 % brightness a 12-bit driver has 1024 steps left for the content
    assert torch.unique(led_ops.pwm_quantise(ramp, 12, 0.25)).numel() == pytest.approx(1024, abs=2)
    err16 = (led_ops.pwm_quantise(ramp, 16) - ramp).abs().max().item()
    assert err16 <= 0.5 / 65535 + 1e-7
    with pytest.raises(ValueError, match="gray_bits"):
        led_ops.pwm_quantise(ramp, 0)


def test_low_gray_response_casts_dark_grays_only():
    dark = torch.full((3, 4, 4), 0.002)
    bright = torch.full((3, 4, 4), 0.8)
    knee, cast = (0.0, 0.0, 0.0), (0.3, 0.0, 0.0)
    d = led_ops.low_gray_response(dark, knee, cast, cast_scale=0.01)
    b = led_ops.low_gray_response(bright, knee, cast, cast_scale=0.01)
    assert d[0].mean() / d[1].mean() > 1.2                       # pinkish: red up at low gray
    assert (b - bright).abs().max() < 1e-6                         # white untouched
    droop = led_ops.low_gray_response(dark, (0.002, 0.002, 0.002), (0, 0, 0))
    assert droop.mean() / dark.mean() == pytest.approx(0.5 * 1.002, rel=1e-3)  # half the light at the knee


def test_mura_module_pattern_and_seed():
    flat = torch.full((3, 64, 64), 0.5)
    y = led_ops.mura(flat, (16, 16), 0.05, 0.0, 0.0, (0, 0), _gen(3))
    # constant inside each module, differing between modules
    block = y[:, :16, :16]
    assert (block - block[:, :1, :1]).abs().max() < 1e-6
    assert (y[:, 0, 0] - y[:, 0, 16]).abs().max() > 1e-4
    # chroma offsets make the channels differ within a module; pixel noise varies inside a module
    yc = led_ops.mura(flat, (16, 16), 0.0, 0.05, 0.0, (0, 0), _gen(3))
    assert (yc[0, 0, 0] - yc[1, 0, 0]).abs() > 1e-4
    yp = led_ops.mura(flat, (16, 16), 0.0, 0.0, 0.03, (0, 0), _gen(3))
    assert (yp / 0.5 - 1).std().item() == pytest.approx(0.03, rel=0.1)
    assert torch.equal(y, led_ops.mura(flat, (16, 16), 0.05, 0.0, 0.0, (0, 0), _gen(3)))
    assert not torch.equal(y, led_ops.mura(flat, (16, 16), 0.05, 0.0, 0.0, (0, 0), _gen(4)))


def test_seams_are_lines_at_module_edges():
    flat = torch.full((3, 32, 48), 0.5)
    y = led_ops.seams(flat, (16, 8), (0, 0), vertical_gain=0.2, horizontal_gain=-0.2)
    assert y[0, 2, 15].item() == pytest.approx(0.6)   # bright column at x = 15, 31, 47
    assert y[0, 7, 2].item() == pytest.approx(0.4)    # dark row at y = 7, 15, ...
    assert y[0, 2, 2].item() == pytest.approx(0.5)
    changed_cols = ((y - flat).abs() > 1e-6)[0, 2].nonzero().flatten().tolist()
    assert changed_cols == [15, 31, 47]


def test_scan_ghost_blur_and_ghost_measurably():
    x = torch.zeros(3, 21, 21)
    x[:, 10, 10] = 1.0
    blurred = led_ops.scan_ghost(x, 5.0, 0.0, 0.0, (0, 0))
    row = blurred[0, 10]
    assert (row > 0).sum().item() >= 5 and blurred[0, 9].abs().max() < 1e-6  # horizontal streak only
    assert blurred.sum().item() == pytest.approx(3.0, rel=1e-5)               # light conserved
    ghosted = led_ops.scan_ghost(x, 1.0, 0.0, 0.05, (0, 1))
    assert ghosted[0, 11, 10].item() == pytest.approx(0.05 / 1.05, rel=1e-5)  # faint copy one row down
    flat = torch.full((3, 8, 8), 0.4)
    assert (led_ops.scan_ghost(flat, 3.0, 45.0, 0.08, (2, 0)) - flat).abs().max() < 1e-6
