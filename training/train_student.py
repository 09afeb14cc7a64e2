"""Train the real-time x2 luma student (fidelity tier) on CPU:
`python -m training.train_student --config training/configs/student_x2_realtime.json`.

Loss: L1 on Y' + small display-aware terms (low-gray L1 on Y', uniformity on Y', CIEDE2000 on the
RGB composed from predicted Y' and bicubic-upsampled chroma). Seeds fixed; a progress line
every `log_every` steps; the config is copied into runs/<id>/ with the checkpoint and a log.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from .colour_ycc import BT601, BT709, rgb_to_ycbcr, ycbcr_to_rgb
from .data_fidelity import PatchSampler, load_fidelity_pool
from .losses import ciede2000_loss, low_gray_l1, uniformity_loss
from .models import build_student, count_params


def seed_everything(seed: int) -> None:
    torch.manual_seed(seed)
    np.random.seed(seed)


def add_lr_noise(lr_rgb: torch.Tensor, noise: dict, rng: np.random.Generator) -> torch.Tensor:
    """Per-sample Gaussian noise on the LR input (clean HR target), re-quantised to 8 bit: with
    probability `p`, sigma uniform in [0, `sigma_max`] codes. Teaches the student not to amplify
    frame-to-frame sensor / codec noise (the temporal-stability criterion)."""
    if not noise or noise.get("p", 0) <= 0:
        return lr_rgb
    n = lr_rgb.shape[0]
    on = rng.random(n) < noise["p"]
    sigma = np.where(on, rng.uniform(0, noise["sigma_max"], n), 0.0) / 255.0
    eps = torch.from_numpy(rng.standard_normal(lr_rgb.shape).astype(np.float32))
    out = lr_rgb + eps * torch.from_numpy(sigma.astype(np.float32)).view(-1, 1, 1, 1)
    return torch.where(torch.from_numpy(on).view(-1, 1, 1, 1), torch.round(out.clamp(0, 1) * 255) / 255, lr_rgb)


def noisy_pair(lr_rgb: torch.Tensor, sigma_range, rng: np.random.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """Two copies of the LR batch with independent Gaussian noise of the same per-sample sigma
    (uniform in `sigma_range` codes), re-quantised to 8 bit: two frames of a static scene."""
    n = lr_rgb.shape[0]
    sigma = torch.from_numpy((rng.uniform(sigma_range[0], sigma_range[1], n) / 255.0).astype(np.float32)).view(-1, 1, 1, 1)
    def draw():
        eps = torch.from_numpy(rng.standard_normal(lr_rgb.shape).astype(np.float32))
        return torch.round((lr_rgb + eps * sigma).clamp(0, 1) * 255) / 255
    return draw(), draw()


def stability_ratio(model, pair: tuple[torch.Tensor, torch.Tensor], scale: int, luma=BT709) -> torch.Tensor:
    """Mean squared frame-to-frame difference of the student's output on a noisy pair, relative to
    bicubic's on the same pair: the square of evaluate.py's temporal-std ratio, differentiable."""
    ya, yb = (rgb_to_ycbcr(x, luma)[:, :1] for x in pair)
    fa, fb = model(ya), model(yb)
    bic = lambda y: F.interpolate(y, scale_factor=scale, mode="bicubic", align_corners=False)
    return (fa - fb).pow(2).mean() / ((bic(ya) - bic(yb)).pow(2).mean() + 1e-12)


def student_losses(model, lr_rgb, hr_rgb, weights: dict, scale: int, luma=BT709, pair=None) -> dict:
    """Loss terms for one batch; `luma` = (kr, kb) of the Y' the student sees; `pair` (two noisy
    copies of the clean LR) adds the temporal-stability term."""
    lr_ycc, hr_ycc = rgb_to_ycbcr(lr_rgb, luma), rgb_to_ycbcr(hr_rgb, luma)
    pred_y = model(lr_ycc[:, :1])
    hr_y = hr_ycc[:, :1]
    terms = {"l1": F.l1_loss(pred_y, hr_y)}
    if pair is not None and weights.get("stability", 0):
        ratio = stability_ratio(model, pair, scale, luma)
        # A hinge at `stability_target` (a squared temporal-std ratio) stops pushing once met.
        terms["stability"] = F.relu(ratio - weights.get("stability_target", 0.0))
    if weights.get("low_gray_l1", 0):
        terms["low_gray_l1"] = low_gray_l1(pred_y, hr_y)
    if weights.get("uniformity", 0):
        terms["uniformity"] = uniformity_loss(pred_y, hr_y)
    if weights.get("ciede2000", 0):
        chroma = F.interpolate(lr_ycc[:, 1:], scale_factor=scale, mode="bicubic", align_corners=False)
        terms["ciede2000"] = ciede2000_loss(ycbcr_to_rgb(torch.cat([pred_y, chroma], 1), luma), hr_rgb)
    terms["total"] = sum(weights[k] * v for k, v in terms.items() if k in weights)
    return terms


@torch.no_grad()
def validate(model, pool, scale: int) -> float:
    """Mean PSNR on full-range BT.709 Y' (border = scale) over held-out HR images, bicubic-downscaled."""
    model.eval()
    out = []
    for hr, lr in pool:
        lr_y = rgb_to_ycbcr(torch.from_numpy(lr).permute(2, 0, 1)[None].float() / 255.0)[:, :1]
        hr_y = rgb_to_ycbcr(torch.from_numpy(hr).permute(2, 0, 1)[None].float() / 255.0)[:, :1]
        sr = model(lr_y).clamp(0, 1)
        d = (sr - hr_y)[..., scale:-scale, scale:-scale]
        out.append(10 * math.log10(1.0 / d.pow(2).mean().item()))
    model.train()
    return float(np.mean(out))


def train(cfg: dict, log=print) -> Path:
    torch.set_num_threads(int(cfg.get("threads", 2)))
    seed_everything(cfg["seed"])
    mc = cfg["model"]
    model = build_student(mc)
    run = Path(cfg["run_dir"]) / cfg["id"]
    run.mkdir(parents=True, exist_ok=True)
    (run / "config.json").write_text(json.dumps(cfg, indent=1))
    logf = (run / "train.log").open("w")
    def say(msg):
        log(msg)
        logf.write(msg + "\n")
        logf.flush()
    t_load = time.time()
    train_pool = load_fidelity_pool(cfg["dataset"], mc["scale"], "train")
    val_pool = load_fidelity_pool(cfg["dataset"], mc["scale"], "holdout")
    say(f"[train-student] {cfg['id']}: {count_params(model)} train-time params, "
        f"{model.conv_macs_per_input_pixel()} deploy MACs/input px; {len(train_pool)} train / "
        f"{len(val_pool)} held-out HR images ({time.time() - t_load:.1f}s to load)")
    sampler = PatchSampler(train_pool, cfg["patch_hr"], mc["scale"], cfg["seed"])
    luma_rng = np.random.default_rng(cfg["seed"] + 7)
    noise_rng = np.random.default_rng(cfg["seed"] + 11)
    opt = torch.optim.Adam(model.parameters(), lr=cfg["lr"])
    steps, lr0, lr_min = cfg["steps"], cfg["lr"], cfg["lr_min"]
    weights = cfg["loss_weights"]
    t0, budget = time.time(), 60.0 * cfg.get("max_minutes", 1e9)
    running: dict = {}
    history = []
    step = 0
    for step in range(1, steps + 1):
        # Cosine decay over the run; progress is the larger of steps done and time used, so a
        # shared, slow CPU that hits max_minutes still ends with an annealed learning rate.
        progress = min(1.0, max((step - 1) / steps, (time.time() - t0) / budget))
        for g in opt.param_groups:
            g["lr"] = lr_min + 0.5 * (lr0 - lr_min) * (1 + math.cos(math.pi * progress))
        lr_rgb, hr_rgb = sampler.batch(cfg["batch"])
        pair = noisy_pair(lr_rgb, cfg["stability_sigma"], noise_rng) if weights.get("stability", 0) else None
        lr_rgb = add_lr_noise(lr_rgb, cfg.get("lr_noise", {}), noise_rng)
        # Luma weights: BT.709 (the runtime's) or BT.601 (the benchmark's), one per batch.
        luma = BT601 if luma_rng.random() < cfg.get("p_bt601_luma", 0.0) else BT709
        terms = student_losses(model, lr_rgb, hr_rgb, weights, mc["scale"], luma, pair)
        opt.zero_grad(set_to_none=True)
        terms["total"].backward()
        opt.step()
        for k, v in terms.items():
            running[k] = running.get(k, 0.0) + v.item()
        if step % cfg["log_every"] == 0 or step == steps:
            el = time.time() - t0
            n = cfg["log_every"] if step % cfg["log_every"] == 0 else step % cfg["log_every"]
            parts = " ".join(f"{k}={v / n:.5f}" for k, v in running.items())
            say(f"[train-student] step {step}/{steps} {parts} lr={opt.param_groups[0]['lr']:.2e} "
                f"{step / el:.1f} it/s elapsed {el / 60:.1f} min eta {(steps - step) * el / step / 60:.1f} min")
            running = {}
        if step % cfg["val_every"] == 0 or step == steps:
            v = validate(model, val_pool, mc["scale"])
            history.append({"step": step, "holdout_psnr_y_full": v, "elapsed_s": time.time() - t0})
            say(f"[train-student] step {step} held-out PSNR-Y' {v:.3f} dB")
        if time.time() - t0 > budget or progress >= 1.0 and step < steps:
            say(f"[train-student] time budget of {cfg['max_minutes']} min reached at step {step}; stopping")
            break
    elapsed = time.time() - t0
    torch.save({"model": model.state_dict(), "config": cfg, "steps_done": step, "train_seconds": elapsed,
                "history": history}, run / "student.pth")
    (run / "summary.json").write_text(json.dumps({"steps_done": step, "train_seconds": elapsed,
                                                  "history": history, "torch": torch.__version__}, indent=1))
    say(f"[train-student] done: {step} steps in {elapsed / 60:.1f} min -> {run / 'student.pth'}")
    logf.close()
    return run / "student.pth"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", required=True)
    ap.add_argument("--steps", type=int, help="override the config's step count")
    ap.add_argument("--max-minutes", dest="max_minutes", type=float)
    ap.add_argument("--id", help="override the run id")
    args = ap.parse_args(argv)
    cfg = json.loads(Path(args.config).read_text())
    for k in ("steps", "max_minutes", "id"):
        if getattr(args, k) is not None:
            cfg[k] = getattr(args, k)
    train(cfg)
    return 0


if __name__ == "__main__":
    sys.exit(main())
