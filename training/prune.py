"""Channel pruning of a plain-conv luma student, with a brief fine-tune per ratio:
`python -m training.prune --config training/configs/prune_ecb_m4c16.json`.

Surgery (`prune_plain_student`): the student is re-parameterised (ECB blocks folded into plain 3x3
convolutions), then each hidden layer (conv -> PReLU) keeps its `keep` most important output
channels; the conv's rows, its bias, the PReLU slopes and the next conv's input columns are cut
consistently. The first conv's input (Y) and the last conv's output (scale^2 sub-pixels) are never
cut. Importance of hidden channel o of conv l (`channel_importance`):

    (||W_l[o]||_1 + |b_l[o]|) * ||W_{l+1}[:, o]||_1

the L1 norm of what feeds the channel times the L1 norm of what reads it. It is exactly 0 when the
channel cannot affect the output (zero in-weights and bias give PReLU(0) = 0; zero out-weights read
nothing), so removing zero-importance channels leaves the function unchanged (tests).

Per ratio (fraction of hidden channels removed, the same in every hidden layer): prune the shipped
checkpoint one-shot, fine-tune the plain network with train_student's data and losses (same seeds
for every ratio, cosine lr), then measure Set5 x2 PSNR-Y (evaluate.py's protocol), the held-out
LED-dataset mean CIEDE2000 (`led_holdout_delta_e`) and params / MACs; export + ORT parity check.
Writes `<out_dir>/prune_curve.json`, `prune_curve.md` and (matplotlib permitting) `prune_curve.png`.
"""
from __future__ import annotations

import argparse
import copy
import json
import math
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn

from .models import LumaStudent, build_student, count_params


# --------------------------------------------------------------------------- surgery

def plain_layers(model: nn.Module) -> list[tuple[nn.Conv2d, nn.PReLU | None]]:
    """[(conv, prelu-or-None)] of a re-parameterised student's body, in order."""
    body = list(model.body)
    out = []
    i = 0
    while i < len(body):
        conv = body[i]
        if not isinstance(conv, nn.Conv2d):
            raise TypeError(f"body[{i}] is {type(conv).__name__}; reparameterize() the student first")
        act = body[i + 1] if i + 1 < len(body) and isinstance(body[i + 1], nn.PReLU) else None
        out.append((conv, act))
        i += 2 if act is not None else 1
    return out


@torch.no_grad()
def channel_importance(model: nn.Module) -> list[torch.Tensor]:
    """Per hidden layer (every conv but the last), a [out_channels] importance score (see module doc)."""
    layers = plain_layers(model)
    scores = []
    for (conv, _), (nxt, _) in zip(layers[:-1], layers[1:]):
        w_in = conv.weight.abs().sum(dim=(1, 2, 3))
        if conv.bias is not None:
            w_in = w_in + conv.bias.abs()
        w_out = nxt.weight.abs().sum(dim=(0, 2, 3))
        scores.append(w_in * w_out)
    return scores


def select_keep(scores: list[torch.Tensor], keep: int | list[int]) -> list[torch.Tensor]:
    """Indices (sorted) of the `keep` highest-scoring channels per hidden layer; ties go to the lower index."""
    keeps = [keep] * len(scores) if isinstance(keep, int) else list(keep)
    out = []
    for s, k in zip(scores, keeps):
        if not 1 <= k <= s.numel():
            raise ValueError(f"keep must be in 1..{s.numel()}, got {k}")
        order = sorted(range(s.numel()), key=lambda i: (-float(s[i]), i))
        out.append(torch.tensor(sorted(order[:k]), dtype=torch.long))
    return out


@torch.no_grad()
def prune_plain_student(model: nn.Module, keep_idx: list[torch.Tensor]) -> nn.Module:
    """A copy of the re-parameterised student with hidden layer l reduced to channels keep_idx[l]."""
    layers = plain_layers(model)
    if len(keep_idx) != len(layers) - 1:
        raise ValueError(f"expected {len(layers) - 1} index sets (hidden layers), got {len(keep_idx)}")
    new = copy.deepcopy(model)
    body: list[nn.Module] = []
    prev = None  # kept input channels of the current conv
    for li, (conv, act) in enumerate(layers):
        w, b = conv.weight, conv.bias
        if prev is not None:
            w = w[:, prev]
        rows = keep_idx[li] if li < len(keep_idx) else None
        if rows is not None:
            w = w[rows]
            b = b[rows] if b is not None else None
        c = nn.Conv2d(w.shape[1], w.shape[0], conv.kernel_size, conv.stride, conv.padding, bias=b is not None)
        c = c.to(dtype=w.dtype, device=w.device)
        c.weight.copy_(w)
        if b is not None:
            c.bias.copy_(b)
        body.append(c)
        if act is not None:
            slopes = act.weight if rows is None or act.num_parameters == 1 else act.weight[rows]
            p = nn.PReLU(slopes.numel()).to(dtype=slopes.dtype, device=slopes.device)
            p.weight.copy_(slopes)
            body.append(p)
        prev = rows
    new.body = nn.Sequential(*body)
    new.hidden_channels = [int(k.numel()) for k in keep_idx]
    return new


def plain_macs_per_input_pixel(model: nn.Module) -> int:
    """3x3-conv MACs per LR input pixel of a plain (possibly pruned) LumaStudent."""
    return sum(c.in_channels * c.out_channels * c.kernel_size[0] * c.kernel_size[1] for c, _ in plain_layers(model))


# --------------------------------------------------------------------------- evaluation

BT709_RGB = (0.2126, 0.7152, 0.0722)


def led_holdout_delta_e(model: nn.Module, manifest: str, scale: int = 2, border: int = 2) -> dict:
    """Held-out LED-dataset HR crops (22 in the shipped dataset: 8 unseen photos + 10% of each generated
    kind), MATLAB bicubic LR (uint8), the model on BT.709 luma, chroma from the MATLAB bicubic RGB
    upscale with its luma swapped for the model's (rgb += y - Y(rgb), the runtime's luma path), clamped.
    Mean CIEDE2000 per pixel vs the HR (border cropped), mean over images; bicubic alone as the peer;
    also PSNR on BT.709 luma."""
    from .imresize import imresize_uint8
    from .losses import ciede2000, srgb_to_lab
    from .png16 import read_png

    m = json.loads(Path(manifest).read_text())
    root = Path(manifest).parent
    de_model, de_bic, psnr_model, psnr_bic = [], [], [], []
    if isinstance(model, nn.Module):
        model.eval()
    for p in (p for p in m["pairs"] if p["split"] == "holdout"):
        hr = np.clip(np.round(read_png(root / p["hr"]) * 255.0), 0, 255).astype(np.uint8)
        h, w = hr.shape[:2]
        hr = hr[: h - h % scale, : w - w % scale]
        lr = imresize_uint8(hr, 1.0 / scale)
        up = imresize_uint8(lr, scale).astype(np.float64) / 255.0
        lr_y = (lr.astype(np.float64) / 255.0) @ np.asarray(BT709_RGB)
        with torch.no_grad():
            y = model(torch.from_numpy(lr_y[None, None]).float())[0, 0].double().numpy()
        out = np.clip(up + (y - up @ np.asarray(BT709_RGB))[..., None], 0, 1)
        hr01 = hr.astype(np.float64) / 255.0
        sl = (slice(border, -border), slice(border, -border))
        lab_hr = srgb_to_lab(torch.from_numpy(hr01[sl]), dim=-1)
        for img, acc_de, acc_p in ((out, de_model, psnr_model), (up, de_bic, psnr_bic)):
            acc_de.append(float(ciede2000(srgb_to_lab(torch.from_numpy(img[sl]), dim=-1), lab_hr, dim=-1).mean()))
            d = (img[sl] - hr01[sl]) @ np.asarray(BT709_RGB)
            acc_p.append(10 * math.log10(1.0 / float(np.mean(d ** 2))))
    return {"images": len(de_model), "mean_delta_e2000": float(np.mean(de_model)),
            "bicubic_mean_delta_e2000": float(np.mean(de_bic)), "psnr_y709": float(np.mean(psnr_model)),
            "bicubic_psnr_y709": float(np.mean(psnr_bic))}


def set5_psnr(model: nn.Module, set5: str) -> dict:
    from .evaluate import YModel, evaluate_set5

    def run(y):
        with torch.no_grad():
            return model(torch.from_numpy(y[None, None]).float())[0, 0].double().numpy()
    res = evaluate_set5([YModel("student", run)], 2, set5)
    return {"psnr_y": res["student"]["psnr_y"], "ssim_y": res["student"]["ssim_y"],
            "bicubic_psnr_y": res["bicubic"]["psnr_y"]}


# --------------------------------------------------------------------------- fine-tune

def finetune(model: nn.Module, cfg: dict, pool, log=print) -> dict:
    """train_student's loop (same sampler, losses, luma mix, seeds) on a plain network: Adam, cosine lr
    from `ft.lr` to `ft.lr_min` over `ft.steps` (or `ft.max_minutes`, whichever ends first)."""
    from .colour_ycc import BT601, BT709
    from .data_fidelity import PatchSampler
    from .train_student import student_losses

    ft = cfg["finetune"]
    steps = int(ft["steps"])
    if steps <= 0:
        return {"steps_done": 0, "seconds": 0.0}
    torch.manual_seed(cfg["seed"])
    sampler = PatchSampler(pool, cfg["patch_hr"], 2, cfg["seed"])
    luma_rng = np.random.default_rng(cfg["seed"] + 7)
    opt = torch.optim.Adam(model.parameters(), lr=ft["lr"])
    t0, budget = time.time(), 60.0 * ft.get("max_minutes", 1e9)
    model.train()
    step, running = 0, 0.0
    for step in range(1, steps + 1):
        progress = min(1.0, max((step - 1) / steps, (time.time() - t0) / budget))
        for g in opt.param_groups:
            g["lr"] = ft["lr_min"] + 0.5 * (ft["lr"] - ft["lr_min"]) * (1 + math.cos(math.pi * progress))
        lr_rgb, hr_rgb = sampler.batch(cfg["batch"])
        luma = BT601 if luma_rng.random() < cfg.get("p_bt601_luma", 0.0) else BT709
        terms = student_losses(model, lr_rgb, hr_rgb, cfg["loss_weights"], 2, luma)
        opt.zero_grad(set_to_none=True)
        terms["total"].backward()
        opt.step()
        running += terms["total"].item()
        if step % ft.get("log_every", 100) == 0:
            log(f"[prune]   step {step}/{steps} loss {running / ft.get('log_every', 100):.5f} "
                f"lr {opt.param_groups[0]['lr']:.2e} {(time.time() - t0) / 60:.1f} min")
            running = 0.0
        if time.time() - t0 > budget:
            log(f"[prune]   time budget {ft['max_minutes']} min reached at step {step}")
            break
    model.eval()
    return {"steps_done": step, "seconds": time.time() - t0}


# --------------------------------------------------------------------------- driver

def load_plain_student(checkpoint: str) -> tuple[nn.Module, dict]:
    ck = torch.load(checkpoint, map_location="cpu", weights_only=False)
    model = build_student(ck["config"]["model"])
    model.load_state_dict(ck["model"])
    if not isinstance(model, LumaStudent):
        raise ValueError("prune.py handles the plain LumaStudent (ECB) family; s2d students fold a skip into the stack")
    return model.eval().reparameterize(), ck


def markdown_table(rows: list[dict], base: dict) -> str:
    lines = ["| removed channels | hidden channels | params | params cut | MACs/px | Set5 x2 PSNR-Y (dB) | Δ vs shipped | "
             "held-out LED mean ΔE2000 | held-out PSNR-Y709 | fine-tune steps |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    lines.append(f"| shipped (no fine-tune) | {base['hidden_channels'][0]} | {base['params']:,} | 0% | {base['macs']:,} | "
                 f"{base['set5']['psnr_y']:.3f} | 0 | {base['led']['mean_delta_e2000']:.3f} | {base['led']['psnr_y709']:.2f} | 0 |")
    for r in rows:
        lines.append(f"| {100 * r['ratio']:g}% | {r['hidden_channels'][0]} | {r['params']:,} | {100 * r['params_cut']:.1f}% | "
                     f"{r['macs']:,} | {r['set5']['psnr_y']:.3f} | {r['set5']['psnr_y'] - base['set5']['psnr_y']:+.3f} | "
                     f"{r['led']['mean_delta_e2000']:.3f} | {r['led']['psnr_y709']:.2f} | {r['finetune']['steps_done']} |")
    lines.append(f"\nBicubic: Set5 x2 PSNR-Y {base['set5']['bicubic_psnr_y']:.3f} dB; held-out LED mean ΔE2000 "
                 f"{base['led']['bicubic_mean_delta_e2000']:.3f}, PSNR-Y709 {base['led']['bicubic_psnr_y709']:.2f} dB.")
    return "\n".join(lines) + "\n"


def plot(rows: list[dict], base: dict, path: Path) -> bool:
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    fig, ax = plt.subplots(1, 2, figsize=(9, 3.5))
    x = [100 * r["params_cut"] for r in rows]
    ax[0].plot(x, [r["set5"]["psnr_y"] for r in rows], "o-")
    ax[0].axhline(base["set5"]["psnr_y"] - 0.2, ls="--", c="gray", label="shipped - 0.2 dB")
    ax[0].axvline(50, ls=":", c="gray")
    ax[0].set_xlabel("params cut (%)"); ax[0].set_ylabel("Set5 x2 PSNR-Y (dB)"); ax[0].legend()
    ax[1].plot(x, [r["led"]["mean_delta_e2000"] for r in rows], "o-")
    ax[1].set_xlabel("params cut (%)"); ax[1].set_ylabel("held-out LED mean dE2000")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    return True


def run(cfg: dict, log=print) -> dict:
    from .data_fidelity import load_fidelity_pool

    torch.set_num_threads(int(cfg.get("threads", 1)))
    out_dir = Path(cfg["out_dir"])
    out_dir.mkdir(parents=True, exist_ok=True)
    base_model, ck = load_plain_student(cfg["checkpoint"])
    tcfg = ck["config"]
    ft_cfg = {"seed": cfg["seed"], "patch_hr": tcfg["patch_hr"], "batch": tcfg["batch"],
              "p_bt601_luma": tcfg.get("p_bt601_luma", 0.0), "loss_weights": tcfg["loss_weights"],
              "finetune": cfg["finetune"]}
    pool = load_fidelity_pool(cfg["dataset"], 2, "train")
    full = plain_layers(base_model)[0][0].out_channels
    base = {"hidden_channels": [c.out_channels for c, _ in plain_layers(base_model)[:-1]],
            "params": count_params(base_model), "macs": plain_macs_per_input_pixel(base_model),
            "set5": set5_psnr(base_model, cfg["set5"]), "led": led_holdout_delta_e(base_model, cfg["dataset"])}
    log(f"[prune] shipped: {base['params']} params, Set5 {base['set5']['psnr_y']:.3f} dB, "
        f"LED dE {base['led']['mean_delta_e2000']:.3f}")
    rows = []
    for ratio in cfg["ratios"]:
        keep = max(1, int(round(full * (1 - ratio))))
        torch.manual_seed(cfg["seed"])
        scores = channel_importance(base_model)
        model = prune_plain_student(base_model, select_keep(scores, keep))
        pre = set5_psnr(model, cfg["set5"])["psnr_y"]
        log(f"[prune] ratio {ratio:g}: keep {keep}/{full}, {count_params(model)} params, Set5 before fine-tune {pre:.3f} dB")
        ftr = finetune(model, ft_cfg, pool, log)
        row = {"ratio": ratio, "hidden_channels": model.hidden_channels, "params": count_params(model),
               "params_cut": 1 - count_params(model) / base["params"], "macs": plain_macs_per_input_pixel(model),
               "set5_before_finetune": pre, "set5": set5_psnr(model, cfg["set5"]),
               "led": led_holdout_delta_e(model, cfg["dataset"]), "finetune": ftr}
        if cfg.get("export", True):
            try:
                from .export_onnx import export, parity
                path = out_dir / f"pruned_keep{keep}.onnx"
                export(model, path)
                row["onnx"] = {"path": str(path), "parity_max_abs_diff": parity(model, path)}
            except ImportError as e:  # light install without onnx
                row["onnx"] = {"skipped": str(e)}
        torch.save({"model": model.state_dict(), "hidden_channels": model.hidden_channels, "ratio": ratio,
                    "source_checkpoint": cfg["checkpoint"]}, out_dir / f"pruned_keep{keep}.pth")
        log(f"[prune] ratio {ratio:g}: Set5 {row['set5']['psnr_y']:.3f} dB ({row['set5']['psnr_y'] - base['set5']['psnr_y']:+.3f}), "
            f"LED dE {row['led']['mean_delta_e2000']:.3f}, params cut {100 * row['params_cut']:.1f}%, "
            f"{ftr['steps_done']} steps in {ftr['seconds'] / 60:.1f} min")
        rows.append(row)
        res = {"config": cfg, "shipped": base, "curve": rows, "torch": torch.__version__,
               "importance": "(|W_l[o]|_1 + |b_l[o]|) * |W_{l+1}[:, o]|_1, same keep in every hidden layer"}
        (out_dir / "prune_curve.json").write_text(json.dumps(res, indent=1))
        (out_dir / "prune_curve.md").write_text(markdown_table(rows, base))
    plot(rows, base, out_dir / "prune_curve.png")
    return res


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", required=True)
    ap.add_argument("--steps", type=int, help="override finetune.steps")
    ap.add_argument("--out-dir", dest="out_dir")
    args = ap.parse_args(argv)
    cfg = json.loads(Path(args.config).read_text())
    if args.steps is not None:
        cfg["finetune"]["steps"] = args.steps
    if args.out_dir:
        cfg["out_dir"] = args.out_dir
    res = run(cfg)
    print(markdown_table(res["curve"], res["shipped"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
