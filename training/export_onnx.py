"""Export the re-parameterised student to ONNX and write its model card:
`python -m training.export_onnx --checkpoint training/runs/<id>/student.pth --out-dir models`.

The graph: input 'input' [1,1,H,W] float32 (Y' in [0,1], H and W dynamic) -> output 'output'
[1,1,2H,2W]. Opset 17. The exported file is checked with onnxruntime against PyTorch on several
sizes (max abs diff <= 1e-4) before the card is written; the card merges measured metrics from
evaluate.py's JSON when given.
"""
from __future__ import annotations

import argparse
import inspect
import json
import sys
import time
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import torch
import torch.nn.functional as F

from .models import LumaS2DStudent, LumaStudent, build_student, count_params

PARITY_TOL = 1e-4
PARITY_SIZES = ((64, 64), (135, 240), (97, 131))


def load_student(checkpoint: str) -> tuple[LumaStudent, dict]:
    ck = torch.load(checkpoint, map_location="cpu", weights_only=False)
    mc = ck["config"]["model"]
    model = build_student(mc)
    model.load_state_dict(ck["model"])
    return model.eval(), ck


def export(model: LumaStudent, path: Path) -> None:
    model = model.eval()
    dummy = torch.rand(1, 1, 64, 64)
    kwargs = dict(input_names=["input"], output_names=["output"], opset_version=17,
                  dynamic_axes={"input": {2: "height", 3: "width"}, "output": {2: "height_out", 3: "width_out"}})
    if "dynamo" in inspect.signature(torch.onnx.export).parameters:
        kwargs["dynamo"] = False  # TorchScript exporter: no onnxscript dependency, same graph on 1.13 and 2.x
    torch.onnx.export(model, (dummy,), str(path), **kwargs)
    onnx.checker.check_model(onnx.load(str(path)))


def wrap_even_pad(path: Path, scale: int) -> None:
    """Make a space-to-depth model take any H x W: pad the input to even H and W by edge replication
    (Shape -> Mod 2 -> Pad 'edge', a no-op copy for even frames) and crop the output back to
    scale*H x scale*W (Slice). Edits the file in place; the ports keep their names."""
    from onnx import TensorProto, helper, numpy_helper
    m = onnx.load(str(path))
    g = m.graph
    inp, out = g.input[0].name, g.output[0].name
    for node in g.node:
        node.input[:] = ["input_even" if i == inp else i for i in node.input]
        node.output[:] = ["output_even" if o == out else o for o in node.output]
    c = lambda name, arr: numpy_helper.from_array(np.asarray(arr, dtype=np.int64), name)
    g.initializer.extend([c("ep_start", [2]), c("ep_end", [4]), c("ep_two", [2]), c("ep_zeros", [0] * 6),
                          c("ep_scale", [scale]), c("ep_crop_start", [0, 0]), c("ep_axes", [2, 3])])
    pre = [
        helper.make_node("Shape", [inp], ["ep_shape"]),
        helper.make_node("Slice", ["ep_shape", "ep_start", "ep_end"], ["ep_hw"]),
        helper.make_node("Mod", ["ep_hw", "ep_two"], ["ep_rem"]),
        helper.make_node("Concat", ["ep_zeros", "ep_rem"], ["ep_pads"], axis=0),
        helper.make_node("Pad", [inp, "ep_pads"], ["input_even"], mode="edge"),
    ]
    post = [
        helper.make_node("Mul", ["ep_hw", "ep_scale"], ["ep_out_hw"]),
        helper.make_node("Slice", ["output_even", "ep_crop_start", "ep_out_hw", "ep_axes"], [out]),
    ]
    nodes = pre + list(g.node) + post
    del g.node[:]
    g.node.extend(nodes)
    del g.value_info[:]
    onnx.checker.check_model(m)
    onnx.save(m, str(path))
    _ = TensorProto


def ort_session(path: Path, threads: int = 2) -> ort.InferenceSession:
    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    return ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])


def reference(model, x: torch.Tensor) -> torch.Tensor:
    """PyTorch output for any size: space-to-depth students see the input edge-padded to even H, W
    and their output cropped back (what wrap_even_pad puts in the ONNX graph)."""
    fold = getattr(model, "fold", 1)
    h, w = x.shape[-2:]
    ph, pw = (-h) % fold, (-w) % fold
    if ph or pw:
        x = F.pad(x, (0, pw, 0, ph), mode="replicate")
    with torch.no_grad():
        return model(x)[..., : model.scale * h, : model.scale * w]


def parity(model: LumaStudent, path: Path) -> float:
    """Max |ORT - PyTorch| over PARITY_SIZES; raises if above PARITY_TOL or shapes differ."""
    sess = ort_session(path)
    worst = 0.0
    gen = torch.Generator().manual_seed(0)
    for h, w in PARITY_SIZES:
        x = torch.rand(1, 1, h, w, generator=gen)
        ref = reference(model, x).numpy()
        got = sess.run(["output"], {"input": x.numpy()})[0]
        if got.shape != (1, 1, model.scale * h, model.scale * w):
            raise AssertionError(f"ORT output shape {got.shape} for input {h}x{w}")
        worst = max(worst, float(np.abs(got - ref).max()))
    if worst > PARITY_TOL:
        raise AssertionError(f"ORT vs PyTorch max abs diff {worst:.2e} exceeds {PARITY_TOL:.0e}")
    return worst


def time_ort(path: Path, h: int = 540, w: int = 960, threads: int = 2, runs: int = 10) -> dict:
    """Median / min ms per frame of ORT CPU at h x w input, `threads` intra-op threads."""
    sess = ort_session(path, threads)
    x = np.random.default_rng(0).random((1, 1, h, w), dtype=np.float32)
    for _ in range(2):
        sess.run(["output"], {"input": x})
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        sess.run(["output"], {"input": x})
        times.append((time.perf_counter() - t) * 1000)
    return {"input": [h, w], "threads": threads, "median_ms": float(np.median(times)), "min_ms": float(np.min(times)),
            "runs": runs, "onnxruntime": ort.__version__}


def machine_words() -> str:
    """'<CPU model>, <n> logical CPUs' from /proc/cpuinfo (Linux), else the platform string."""
    import os
    import platform
    try:
        names = [l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text().splitlines() if l.startswith("model name")]
        return f"{names[0]}, {os.cpu_count()} logical CPUs (shared VM)"
    except (OSError, IndexError):
        return f"{platform.processor() or platform.machine()}, {os.cpu_count()} logical CPUs"


def model_card(model: LumaStudent, ck: dict, quality: dict | None, timing: dict | None) -> dict:
    """The card in src/models/model-card.ts's schema (docs/MODELS.md): only its fields."""
    cfg = ck["config"]
    rf = model.receptive_field()
    tensor = {"layout": "NCHW", "dtype": "float32", "range": [0, 1], "colour": "luma"}
    s2d = isinstance(model, LumaS2DStudent)
    if s2d:
        family, tier = "ledpipe-s2d-luma", cfg.get("tier", "realtime")
        dims = " -> ".join(str(d) for d in [model.cin] + [model.channels + model.cin] * (model.blocks + 1) + [model.cout])
        description = (f"x{model.scale} luma super-resolution at half resolution: pixel_unshuffle(2), {model.blocks + 2} plain "
                       f"3x3 convolutions ({dims} channels, PReLU) re-parameterised from ECBSR-style edge blocks, "
                       f"DepthToSpace(4). The learned bicubic-initialised skip is folded into {model.cin} identity channels "
                       "(PReLU slope 1), so the graph is a plain chain. Odd sizes are edge-padded to even in the graph and "
                       "cropped back. Trained on Y' with BT.709 (70%) and BT.601 (30%) luma weights, with per-frame LR noise "
                       "(temporal stability). Output is not clamped. macsPerInputPixel = the 3x3 convolutions per LR pixel. "
                       "Quality: Set5 x2, MATLAB bicubic LR, BT.601 Y, border 2 (training/evaluate.py); set5x2PsnrY709 is "
                       "the same on BT.709 full-range luma, the runtime's contract. Tiles (frames over 2048 px) should start "
                       "on even pixels to match the whole-frame result exactly.")
        tile = {"size": 2048, "overlap": rf}
        macs = model.conv_macs_per_input_pixel()
        params = sum(p.numel() for p in model.body.parameters())
    else:
        family, tier = "ledpipe-ecb-luma", cfg.get("tier", "quality")
        description = (f"x{model.scale} luma super-resolution, fidelity tier: {model.blocks + 2} plain 3x3 convolutions "
                       f"({model.channels} features, PReLU) re-parameterised from ECBSR-style edge blocks, PixelShuffle "
                       "output plus a bicubic skip. Trained on Y' with BT.709 (70%) and BT.601 (30%) luma weights. "
                       "Output is not clamped. macsPerInputPixel = 3x3 convolutions + 64 for the bicubic x2 skip. "
                       "Quality: Set5 x2, MATLAB bicubic LR, BT.601 Y, border 2 (training/evaluate.py); "
                       "set5x2PsnrY709 is the same on BT.709 full-range luma, the runtime's contract.")
        tile = {"size": 256, "overlap": rf}
        macs = model.conv_macs_per_input_pixel() + 64
        params = count_params(model)
    noise = cfg.get("lr_noise")
    if cfg.get("residual_scale", 1.0) != 1.0:
        description += f" Deployed with the residual scaled by {cfg['residual_scale']} (skip + s * residual) for temporal stability."
    stab = cfg.get("loss_weights", {}).get("stability")
    noise_note = (f" Temporal-stability loss (weight {stab}: output frame-to-frame MSE over bicubic's on noisy LR pairs, "
                  f"sigma {cfg.get('stability_sigma')} codes)." if stab else "")
    noise_note += (f" LR noise augmentation: p={noise['p']}, sigma up to {noise['sigma_max']} codes (clean HR target)."
                  if noise else "")
    card = {
        "$comment": "Written by training/export_onnx.py from " + str(cfg.get("run_dir", "training/runs")) + "/" + cfg["id"],
        "id": cfg["id"],
        "task": "sr",
        "scale": model.scale,
        "family": family,
        "tier": tier,
        "description": description,
        "input": {"name": "input", **tensor},
        "output": {"name": "output", **tensor},
        "tile": tile,
        "receptiveField": rf,
        "params": params,
        "macsPerInputPixel": macs,
        "precision": "fp32",
        "provenance": {
            "source": f"ledpipe training/train_student.py, config {cfg['id']} (trained from scratch, seed {cfg['seed']})",
            "licence": "Weights trained in this project; training data: Sun_Hays80 is an academic-use research dataset",
            "notes": "Trained on Sun_Hays80 crops (Sun & Hays, ICCP 2012; academic-use research dataset, "
                     "redistributed via majedelhelou/denoising_datasets) + generated LED content (bitmap-font text, "
                     "tickers, logos, sports bars, gradients, low-gray ramps); LR = MATLAB bicubic x1/2, no LED "
                     f"degradations (fidelity tier). {ck.get('steps_done')} steps of batch {cfg['batch']} "
                     f"{cfg['patch_hr']}px patches, {ck.get('train_seconds', 0) / 60:.1f} min on a 2-core CPU, "
                     f"torch {torch.__version__}.{noise_note} Set5 was used for evaluation only.",
        },
        "trainedFor": {"content": "mixed", "notes": "natural video and LED graphics (text, tickers, logos); clean "
                                                     "(bicubic-downscaled) sources, no compression or LED artefacts"},
    }
    measured: dict = {}
    if quality:
        measured["quality"] = quality
    if timing:
        measured["speed"] = [{"backend": "onnxruntime", "inputSize": f"{timing['input'][1]}x{timing['input'][0]}",
                              "threads": timing["threads"], "msPerFrame": round(timing["median_ms"], 2),
                              "machine": machine_words() + f", onnxruntime {timing['onnxruntime']} (Python), median of {timing['runs']}"}]
    if measured:
        card["measured"] = measured
    return card


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--checkpoint", required=True)
    ap.add_argument("--out-dir", default="models")
    ap.add_argument("--eval-json", help="evaluate.py output to copy Set5 numbers from")
    ap.add_argument("--no-timing", action="store_true")
    ap.add_argument("--tier", help="the card's tier (default: the config's, else realtime)")
    ap.add_argument("--residual-scale", type=float, default=1.0,
                    help="space-to-depth students: deploy skip + s * residual (s < 1 trades sharpness for temporal stability)")
    ap.add_argument("--id", help="the exported model's id (default: the config's)")
    args = ap.parse_args(argv)
    torch.set_num_threads(2)
    model, ck = load_student(args.checkpoint)
    if args.tier:
        ck["config"]["tier"] = args.tier
    if args.id:
        ck["config"]["id"] = args.id
    if args.residual_scale != 1.0:
        if not isinstance(model, LumaS2DStudent):
            raise SystemExit("--residual-scale applies to space-to-depth students only")
        model.reparameterize(args.residual_scale)
        ck["config"]["residual_scale"] = args.residual_scale
    else:
        model.reparameterize()
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{ck['config']['id']}.onnx"
    export(model, path)
    if getattr(model, "fold", 1) > 1:
        wrap_even_pad(path, model.scale)
    worst = parity(model, path)
    print(f"[export] {path}: ORT vs PyTorch max abs diff {worst:.2e} (<= {PARITY_TOL:.0e}) on {PARITY_SIZES}")
    timing = None if args.no_timing else time_ort(path)
    if timing:
        print(f"[export] ORT CPU {timing['threads']} threads, 960x540 -> 1920x1080: median {timing['median_ms']:.1f} ms")
    quality = None
    if args.eval_json:
        ev = json.loads(Path(args.eval_json).read_text())
        sid = ck["config"]["id"]
        r = lambda v, n=3: round(float(v), n)
        quality = {"set5x2PsnrY": r(ev["set5_x2"][sid]["psnr_y"]), "set5x2SsimY": r(ev["set5_x2"][sid]["ssim_y"], 4),
                   "bicubicSet5x2PsnrY": r(ev["set5_x2"]["bicubic"]["psnr_y"]),
                   "fsrcnnSet5x2PsnrY": r(ev["set5_x2"]["fsrcnn_x2"]["psnr_y"]),
                   "set5x2PsnrY709": r(ev["set5_x2_runtime_luma709"][sid]["psnr_y709"]),
                   "bicubicSet5x2PsnrY709": r(ev["set5_x2_runtime_luma709"]["bicubic"]["psnr_y709"]),
                   "temporalStdRatioVsBicubic": r(ev["temporal"][sid]["ratio_to_bicubic"]),
                   "onnxParityMaxAbsDiff": float(f"{worst:.3g}")}
    card = model_card(model, ck, quality, timing)
    (out / f"{ck['config']['id']}.json").write_text(json.dumps(card, indent=2) + "\n")
    print(f"[export] card -> {out / (ck['config']['id'] + '.json')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
