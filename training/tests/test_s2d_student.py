"""Space-to-depth luma student: exact re-parameterisation (ECB blocks and the folded skip), the
bicubic skip initialisation, and the exported graph's even-padding for odd sizes."""
from __future__ import annotations

import copy
import json

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from training.models import EdgeConvBlock, LumaS2DStudent, build_student


def _perturbed(**kw) -> LumaS2DStudent:
    torch.manual_seed(0)
    m = LumaS2DStudent(**kw).double()
    with torch.no_grad():
        for p in m.parameters():
            p.add_(0.05 * torch.randn_like(p))
    return m.eval()


@pytest.mark.parametrize("kw", [dict(channels=12, blocks=0), dict(channels=8, blocks=1)])
def test_reparameterize_is_exact_and_plain(kw):
    m = _perturbed(**kw)
    for mod in m.modules():
        if isinstance(mod, EdgeConvBlock):
            mod.explicit_branches = True
    x = torch.rand(2, 1, 22, 30, dtype=torch.float64) * 1.4 - 0.2  # negative inputs too: PReLU slope 1 keeps the skip exact
    with torch.no_grad():
        ref = m(x)
        plain = copy.deepcopy(m).reparameterize()
        got = plain(x)
    assert plain.is_plain and all(isinstance(l, (torch.nn.Conv2d, torch.nn.PReLU)) for l in plain.body)
    assert (got - ref).abs().max().item() < 1e-10
    widths = [l.out_channels for l in plain.body if isinstance(l, torch.nn.Conv2d)]
    assert widths == [kw["channels"] + 4] * (kw["blocks"] + 1) + [16]
    assert plain.conv_macs_per_input_pixel() == sum(9 * a * b for a, b in zip([4] + widths[:-1], widths)) / 4


def test_skip_starts_as_bicubic():
    m = LumaS2DStudent(12, 0).eval()
    x = torch.rand(1, 1, 32, 40)
    z = F.pixel_unshuffle(x, 2)
    skip = F.pixel_shuffle(m.skip_conv(z), 4)
    bic = F.interpolate(x, scale_factor=2, mode="bicubic", align_corners=False)
    assert (skip - bic)[..., 8:-8, 8:-8].abs().max().item() < 1e-5


def test_build_student_from_config():
    cfg = json.load(open("training/configs/student_x2_s2d_rt.json"))
    m = build_student(cfg["model"])
    assert isinstance(m, LumaS2DStudent) and m.receptive_field() == 10


def test_export_pads_odd_sizes(tmp_path):
    ort = pytest.importorskip("onnxruntime")
    from training.export_onnx import export, parity, reference, wrap_even_pad
    m = _perturbed(channels=4, blocks=0).float().reparameterize()
    path = tmp_path / "s2d.onnx"
    export(m, path)
    wrap_even_pad(path, 2)
    assert parity(m, path) < 1e-4  # 64x64, 135x240, 97x131
    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    x = torch.rand(1, 1, 9, 7)
    got = sess.run(["output"], {"input": x.numpy()})[0]
    assert got.shape == (1, 1, 18, 14)
    assert np.abs(got - reference(m, x).numpy()).max() < 1e-4


def test_blend_is_exact():
    pytest.importorskip("onnx", reason="onnx is not installed (pip install -r training/requirements.txt)")
    from training.blend_students import blend
    a, b = _perturbed(channels=6, blocks=0).float(), _perturbed(channels=5, blocks=0).float()
    with torch.no_grad():
        b.body[0].conv3.weight.add_(0.1)
    m = blend(a, b, 0.3)
    x = torch.rand(1, 1, 20, 24)
    with torch.no_grad():
        want = 0.3 * a(x) + 0.7 * b(x)
        got = m(x)
    assert m.is_plain and [l.out_channels for l in m.body if isinstance(l, torch.nn.Conv2d)] == [6 + 5 + 4, 16]
    assert (got - want).abs().max().item() < 1e-5
