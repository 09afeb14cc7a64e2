"""SRVGGNetCompact key layout and shared weights; ECB re-parameterisation is exact."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest
import torch

from training.models import EdgeConvBlock, LumaStudent, SRVGGNetCompact, count_params, load_realesr_general_x4v3

WEIGHTS = Path(__file__).resolve().parents[3] / "shared/weights/realesr-general-x4v3/realesr-general-x4v3-fp16.derived.pth"


def test_srvgg_official_keys_and_counts():
    m = SRVGGNetCompact(num_feat=64, num_conv=32, upscale=4)
    keys = list(m.state_dict())
    assert keys[0] == "body.0.weight" and keys[-1] == "body.66.bias" and len(keys) == 101
    assert count_params(m) == 1_213_296
    assert count_params(SRVGGNetCompact(num_feat=64, num_conv=16, upscale=4)) == 621_424


@pytest.mark.skipif(not WEIGHTS.exists(), reason="shared realesr-general-x4v3 weights not present")
def test_realesr_general_x4v3_loads_and_upscales():
    m = load_realesr_general_x4v3(str(WEIGHTS))
    assert next(m.parameters()).dtype == torch.float32
    with torch.no_grad():
        y = m(torch.full((1, 3, 16, 16), 0.5))
    assert y.shape == (1, 3, 64, 64) and torch.isfinite(y).all()
    assert (y - 0.5).abs().mean() < 0.05  # a flat gray stays (nearly) flat gray


def _perturbed_student(**kw) -> LumaStudent:
    torch.manual_seed(0)
    m = LumaStudent(**kw).double()
    with torch.no_grad():
        for p in m.parameters():
            p.add_(0.05 * torch.randn_like(p))
    return m.eval()


@pytest.mark.parametrize("kw", [dict(channels=8, blocks=2), dict(channels=16, blocks=4, skip="nearest")])
def test_reparameterize_matches_branches_to_1e_5(kw):
    m = _perturbed_student(**kw)
    x = torch.rand(2, 1, 23, 31, dtype=torch.float64)
    for mod in m.modules():
        if isinstance(mod, EdgeConvBlock):
            mod.explicit_branches = True
    with torch.no_grad():
        y_branches = m(x)
        plain = copy.deepcopy(m).reparameterize()
        y_plain = plain(x)
    assert plain.is_plain and all(isinstance(l, (torch.nn.Conv2d, torch.nn.PReLU)) for l in plain.body)
    assert (y_branches - y_plain).abs().max().item() < 1e-5
    # the float32 deploy model too
    with torch.no_grad():
        y32 = copy.deepcopy(plain).float()(x.float())
    assert (y32.double() - y_branches).abs().max().item() < 1e-5


def test_fast_folded_forward_equals_branches_and_has_gradients():
    m = _perturbed_student(channels=8, blocks=1)
    x = torch.rand(1, 1, 12, 12, dtype=torch.float64)
    y_fast = m(x)
    for mod in m.modules():
        if isinstance(mod, EdgeConvBlock):
            mod.explicit_branches = True
    assert (m(x) - y_fast).abs().max().item() < 1e-10
    y_fast.sum().backward()
    blk = m.body[2]
    assert blk.exp_1x1.weight.grad is not None and blk.edge_scale.grad.abs().sum() > 0


def test_student_shapes_cost_and_skip():
    m = LumaStudent(channels=16, blocks=4)
    assert m(torch.rand(1, 1, 10, 14)).shape == (1, 1, 20, 28)
    assert m.conv_macs_per_input_pixel() == 9 * (16 + 4 * 256 + 64)
    assert m.receptive_field() == 13
    plain = copy.deepcopy(m).reparameterize()
    assert count_params(plain) == 9 * (16 + 4 * 256 + 64) + (16 * 5 + 4) + 16 * 5
    with pytest.raises(ValueError, match="skip"):
        LumaStudent(skip="lanczos")
