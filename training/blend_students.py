"""Merge two trained space-to-depth students (same fold/scale, one hidden layer each) into one plain
network computing beta * A + (1 - beta) * B exactly: hidden channels side by side, the identity
(skip) channels shared, the output convolution weighted. Trades A's sharpness against B's temporal
stability at the cost of A's and B's hidden channels together:
`python -m training.blend_students --a runs/A/student.pth --b runs/B/student.pth --beta 0.28 --id ID --out-dir models`.
The ONNX graph, parity check and card come from export_onnx (card quality from --eval-json).
"""
from __future__ import annotations

import argparse
import copy
import json
import sys
from pathlib import Path

import torch
import torch.nn as nn

from .export_onnx import export, load_student, model_card, parity, wrap_even_pad
from .models import LumaS2DStudent


@torch.no_grad()
def blend(a: LumaS2DStudent, b: LumaS2DStudent, beta: float) -> LumaS2DStudent:
    if a.blocks != 0 or b.blocks != 0 or a.fold != b.fold or a.scale != b.scale:
        raise ValueError("Expected two one-hidden-layer students of the same fold and scale")
    a, b = copy.deepcopy(a).reparameterize(), copy.deepcopy(b).reparameterize()
    k = a.cin
    ca, cb = a.channels, b.channels
    (a1, ap, a2), (b1, bp, b2) = list(a.body), list(b.body)
    c1 = nn.Conv2d(k, ca + cb + k, 3, 1, 1)
    c1.weight.data = torch.cat([a1.weight[:ca], b1.weight[:cb], a1.weight[ca:]])
    c1.bias.data = torch.cat([a1.bias[:ca], b1.bias[:cb], a1.bias[ca:]])
    p = nn.PReLU(ca + cb + k)
    p.weight.data = torch.cat([ap.weight[:ca], bp.weight[:cb], ap.weight[ca:]])
    c2 = nn.Conv2d(ca + cb + k, a.cout, 3, 1, 1)
    c2.weight.data = torch.cat([beta * a2.weight[:, :ca], (1 - beta) * b2.weight[:, :cb],
                                beta * a2.weight[:, ca:] + (1 - beta) * b2.weight[:, cb:]], dim=1)
    c2.bias.data = beta * a2.bias + (1 - beta) * b2.bias
    out = copy.deepcopy(a)
    out.body = nn.Sequential(c1, p, c2)
    out.channels = ca + cb
    return out.eval()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--a", required=True)
    ap.add_argument("--b", required=True)
    ap.add_argument("--beta", type=float, required=True)
    ap.add_argument("--id", required=True)
    ap.add_argument("--tier", default="balanced")
    ap.add_argument("--out-dir", default="models")
    ap.add_argument("--eval-json")
    args = ap.parse_args(argv)
    torch.set_num_threads(2)
    a, ck = load_student(args.a)
    b, ck_b = load_student(args.b)
    model = blend(a, b, args.beta)
    x = torch.rand(1, 1, 48, 64)
    ref = args.beta * a(x) + (1 - args.beta) * b(x)
    assert (model(x) - ref).abs().max().item() < 1e-5
    cfg = dict(ck["config"], id=args.id, tier=args.tier, blend={"a": ck["config"]["id"], "b": ck_b["config"]["id"], "beta": args.beta},
               loss_weights=ck_b["config"]["loss_weights"], stability_sigma=ck_b["config"].get("stability_sigma"))
    ck = dict(ck, config=cfg, steps_done=f"{ck.get('steps_done')} + {ck_b.get('steps_done')}",
              train_seconds=ck.get("train_seconds", 0) + ck_b.get("train_seconds", 0))
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{args.id}.onnx"
    export(model, path)
    wrap_even_pad(path, model.scale)
    worst = parity(model, path)
    print(f"[blend] {path}: ORT vs PyTorch max abs diff {worst:.2e}")
    quality = None
    if args.eval_json:
        ev = json.loads(Path(args.eval_json).read_text())
        r = lambda v, n=3: round(float(v), n)
        name = path.name
        quality = {"set5x2PsnrY": r(ev["set5_x2"][name]["psnr_y"]), "set5x2SsimY": r(ev["set5_x2"][name]["ssim_y"], 4),
                   "bicubicSet5x2PsnrY": r(ev["set5_x2"]["bicubic"]["psnr_y"]),
                   "fsrcnnSet5x2PsnrY": r(ev["set5_x2"]["fsrcnn_x2"]["psnr_y"]),
                   "set5x2PsnrY709": r(ev["set5_x2_runtime_luma709"][name]["psnr_y709"]),
                   "bicubicSet5x2PsnrY709": r(ev["set5_x2_runtime_luma709"]["bicubic"]["psnr_y709"]),
                   "temporalStdRatioVsBicubic": r(ev["temporal"][name]["ratio_to_bicubic"]),
                   "onnxParityMaxAbsDiff": float(f"{worst:.3g}")}
    card = model_card(model, ck, quality, None)
    card["description"] += (f" Blend of two students merged into one network: {args.beta} x {cfg['blend']['a']} (L1 + display "
                            f"losses) + {1 - args.beta:.2f} x {cfg['blend']['b']} (+ temporal-stability loss), exact.")
    (out / f"{args.id}.json").write_text(json.dumps(card, indent=2) + "\n")
    print(f"[blend] card -> {out / (args.id + '.json')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
