"""CIEDE2000 against Sharma et al. (2005) and the runtime's TypeScript deltaE2000; the
uniformity and low-gray losses do what they say; every loss has finite gradients."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
import torch

from training.losses import ciede2000, ciede2000_loss, low_gray_l1, srgb_to_lab, uniformity_loss
from training.tests.sharma2005 import SHARMA_PAIRS

REPO = Path(__file__).resolve().parents[2]
TS_SOURCE = REPO / "src" / "calibration" / "ciede2000.ts"


def _sharma_tensors(dtype=torch.float64):
    lab1 = torch.tensor([p[0] for p in SHARMA_PAIRS], dtype=dtype)
    lab2 = torch.tensor([p[1] for p in SHARMA_PAIRS], dtype=dtype)
    want = torch.tensor([p[2] for p in SHARMA_PAIRS], dtype=dtype)
    return lab1, lab2, want


def test_sharma_table_has_34_pairs():
    assert len(SHARMA_PAIRS) == 34


@pytest.mark.parametrize("order", ["forward", "swapped"])
def test_ciede2000_matches_sharma_2005_to_1e_4(order):
    lab1, lab2, want = _sharma_tensors()
    got = ciede2000(lab1, lab2) if order == "forward" else ciede2000(lab2, lab1)
    err = (got - want).abs()
    assert err.max().item() <= 1e-4, f"worst pair {int(err.argmax()) + 1}: {got[err.argmax()]:.6f} vs {want[err.argmax()]:.4f}"


def test_ciede2000_float32_close_to_float64():
    lab1, lab2, want = _sharma_tensors(torch.float32)
    assert (ciede2000(lab1, lab2).double() - want).abs().max().item() < 2e-3


def test_ciede2000_identical_is_exactly_zero_with_finite_gradient():
    lab = torch.tensor([[50.0, 0.0, 0.0], [0.0, 0.0, 0.0], [60.0, 10.0, -20.0]], dtype=torch.float64, requires_grad=True)
    d = ciede2000(lab, lab.detach().clone())
    assert torch.equal(d, torch.zeros(3, dtype=torch.float64))
    d.sum().backward()
    assert torch.isfinite(lab.grad).all()


def test_ciede2000_loss_gradients_finite_on_black_gray_and_saturated():
    target = torch.tensor([0.0, 0.5, 1.0, 0.2]).view(1, 1, 2, 2).repeat(1, 3, 1, 1)
    target[0, 0, 1, 1] = 1.0  # one saturated red-ish pixel
    pred = target.clone().requires_grad_(True)
    ciede2000_loss(pred, target).backward()
    assert torch.isfinite(pred.grad).all()
    pred2 = (target + 0.01).clamp(0, 1).requires_grad_(True)
    loss = ciede2000_loss(pred2, target)
    loss.backward()
    assert loss.item() > 0 and torch.isfinite(pred2.grad).all()


def test_srgb_to_lab_reference_colours():
    rgb = torch.tensor([[1.0, 1.0, 1.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [0.5, 0.5, 0.5]], dtype=torch.float64)
    lab = srgb_to_lab(rgb, dim=-1)
    want = torch.tensor([[100.0, 0.0, 0.0], [53.24, 80.09, 67.20], [87.73, -86.18, 83.18],
                         [32.30, 79.19, -107.86], [53.39, 0.0, 0.0]], dtype=torch.float64)
    assert (lab - want).abs().max().item() < 0.05


def _ts_delta_e2000(pairs: list[tuple[list[float], list[float]]], tmp_path: Path) -> list[float]:
    """Evaluate src/calibration's deltaE2000 with node on the given Lab pairs. The single TS file
    is compiled into tmp_path with the repo's own tsc (nothing in dist/ is touched)."""
    tsc = REPO / "node_modules" / ".bin" / "tsc"
    if shutil.which("node") is None or not tsc.exists():
        pytest.skip("node or the repo's tsc is not installed")
    out = tmp_path / "ts"
    build = subprocess.run(
        [str(tsc), "--outDir", str(out), "--rootDir", str(TS_SOURCE.parent), "--module", "nodenext",
         "--moduleResolution", "nodenext", "--target", "es2022", "--skipLibCheck", "--types", "node",
         "--strict", str(TS_SOURCE)], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert build.returncode == 0, f"tsc failed on {TS_SOURCE}:\n{build.stdout}\n{build.stderr}"
    (out / "package.json").write_text('{"type": "module"}')
    (tmp_path / "pairs.json").write_text(json.dumps(pairs))
    script = ("import {deltaE2000} from './ts/ciede2000.js'; import {readFileSync} from 'node:fs';"
              "const p = JSON.parse(readFileSync('pairs.json', 'utf8'));"
              "const L = ([L, a, b]) => ({L, a, b});"
              "console.log(JSON.stringify(p.map(([x, y]) => deltaE2000(L(x), L(y)))));")
    run = subprocess.run(["node", "--input-type=module", "-e", script], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


@pytest.mark.skipif(not TS_SOURCE.exists(), reason="src/calibration/ciede2000.ts (runtime deltaE2000) not present")
def test_ciede2000_matches_runtime_typescript_deltaE2000(tmp_path):
    rng = np.random.default_rng(7)
    rand = [(rng.uniform([0, -100, -100], [100, 100, 100]).tolist(), rng.uniform([0, -100, -100], [100, 100, 100]).tolist())
            for _ in range(150)]
    near = []
    for _ in range(50):  # small differences around near-neutral and saturated colours
        base = rng.uniform([5, -3, -3], [95, 3, 3]) if rng.random() < 0.5 else rng.uniform([20, -80, -80], [80, 80, 80])
        near.append((base.tolist(), (base + rng.normal(0, 1.5, 3)).tolist()))
    pairs = [(list(a), list(b)) for a, b, _ in SHARMA_PAIRS] + rand + near
    ts = torch.tensor(_ts_delta_e2000(pairs, tmp_path), dtype=torch.float64)
    py = ciede2000(torch.tensor([p[0] for p in pairs], dtype=torch.float64), torch.tensor([p[1] for p in pairs], dtype=torch.float64))
    assert (ts - py).abs().max().item() < 1e-9


def test_uniformity_loss_zero_for_identical_and_grows_with_mura():
    torch.manual_seed(0)
    flat = torch.full((1, 3, 32, 32), 0.5)
    assert uniformity_loss(flat, flat).item() == 0.0
    noisy = (flat + 0.02 * torch.randn(1, 1, 32, 32)).clamp(0, 1)
    noisier = (flat + 0.06 * torch.randn(1, 1, 32, 32)).clamp(0, 1)
    assert 0 < uniformity_loss(noisy, flat).item() < uniformity_loss(noisier, flat).item()
    seam = flat.clone()
    seam[..., :, 7] *= 0.7  # a dark column inside the first region column
    assert uniformity_loss(seam, flat).item() > 0.01


def test_uniformity_loss_gradient_finite_on_flat_regions():
    pred = torch.full((1, 3, 16, 16), 0.3, requires_grad=True)
    uniformity_loss(pred, torch.full((1, 3, 16, 16), 0.3)).backward()
    assert torch.isfinite(pred.grad).all()


def test_low_gray_l1_weights_dark_errors_more():
    dark = torch.full((1, 3, 8, 8), 0.02)
    bright = torch.full((1, 3, 8, 8), 0.8)
    assert low_gray_l1(dark + 0.01, dark).item() == pytest.approx(0.01, rel=1e-4)  # normalised
    target = torch.cat([dark, bright], dim=-1)
    err_dark = target.clone(); err_dark[..., :8] += 0.01
    err_bright = target.clone(); err_bright[..., 8:] += 0.01
    assert low_gray_l1(err_dark, target).item() > 3 * low_gray_l1(err_bright, target).item()
    assert torch.nn.functional.l1_loss(err_dark, target).item() == pytest.approx(torch.nn.functional.l1_loss(err_bright, target).item())
