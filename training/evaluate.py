"""Set5 x2 fidelity and temporal stability:
`python -m training.evaluate --student training/runs/<id>/student.pth [--student-onnx models/<id>.onnx] --out training/runs/eval_x2.json`.

Protocol (the SR literature's): HR mod-cropped to a multiple of 2; LR = MATLAB bicubic
imresize(HR, 1/2) rounded to uint8 (training/imresize.py); Y = BT.601 studio range (MATLAB
rgb2ycbcr, float, not rounded); PSNR / SSIM on Y with a border of `scale` pixels cropped.
- bicubic: MATLAB imresize(LR, 2), rounded to uint8.
- FSRCNN: ../shared/weights/baselines-classic-sr/fsrcnn_x2.derived.onnx (input Y_studio/255).
- student: input Y' = (Y_studio - 16) / 219 (full-range BT.601 luma), output mapped back.
A second table uses the runtime's contract (BT.709 full-range luma in and out, PSNR on it).
Temporal stability: static HR frames (held-out LED-dataset HR crops), LR + independent per-frame
Gaussian noise (sigma 2/255, 8-bit), 8 frames; reported: mean over pixels of the frame-to-frame
std of the output Y', and its ratio to bicubic's (<= 1 is the target).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import onnxruntime as ort
import torch
from PIL import Image

from .imresize import imresize, imresize_uint8
from .metrics import crop_border, psnr, rgb_to_y_bt601, ssim
from .png16 import read_png

FSRCNN_X2 = "../shared/weights/baselines-classic-sr/fsrcnn_x2.derived.onnx"
SET5 = "../shared/datasets/Set5"
BT709 = (0.2126, 0.7152, 0.0722)


def _session(path: str) -> ort.InferenceSession:
    so = ort.SessionOptions()
    so.intra_op_num_threads = 2
    return ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])


class YModel:
    """A luma x2 model as a function float64 (H, W) in its own input range -> (2H, 2W)."""

    def __init__(self, name: str, fn):
        self.name, self.fn = name, fn

    def __call__(self, y: np.ndarray) -> np.ndarray:
        return self.fn(y)


def onnx_y_model(name: str, path: str) -> YModel:
    sess = _session(path)
    inp, out = sess.get_inputs()[0].name, sess.get_outputs()[0].name
    return YModel(name, lambda y: sess.run([out], {inp: y[None, None].astype(np.float32)})[0][0, 0].astype(np.float64))


def torch_y_model(name: str, checkpoint: str) -> YModel:
    from .export_onnx import load_student, reference
    model, _ = load_student(checkpoint)
    model.reparameterize()
    def run(y):
        return reference(model, torch.from_numpy(y[None, None]).float())[0, 0].double().numpy()
    return YModel(name, run)


def set5_images(root: str, scale: int):
    for f in sorted(Path(root).glob("*.png")):
        hr = np.asarray(Image.open(f).convert("RGB"))
        h, w = hr.shape[:2]
        yield f.stem, hr[: h - h % scale, : w - w % scale]


def evaluate_set5(models: list[YModel], scale: int = 2, set5: str = SET5) -> dict:
    """Standard protocol (BT.601 studio Y). FSRCNN takes Y/255; students take full-range Y'."""
    rows: dict = {m.name: {"psnr_y": [], "ssim_y": []} for m in models}
    rows["bicubic"] = {"psnr_y": [], "ssim_y": []}
    names = []
    for name, hr in set5_images(set5, scale):
        names.append(name)
        lr = imresize_uint8(hr, 1.0 / scale)
        hr_y = crop_border(rgb_to_y_bt601(hr), scale)
        lr_y = rgb_to_y_bt601(lr)
        outs = {"bicubic": rgb_to_y_bt601(imresize_uint8(lr, scale))}
        for m in models:
            if m.name.startswith("fsrcnn"):
                outs[m.name] = np.clip(m(lr_y / 255.0), 0, 1) * 255.0
            else:
                outs[m.name] = 16.0 + 219.0 * np.clip(m((lr_y - 16.0) / 219.0), 0, 1)
        for k, y in outs.items():
            rows[k]["psnr_y"].append(psnr(crop_border(y, scale), hr_y))
            rows[k]["ssim_y"].append(ssim(crop_border(y, scale), hr_y))
    return {k: {"psnr_y": float(np.mean(v["psnr_y"])), "ssim_y": float(np.mean(v["ssim_y"])),
                "per_image_psnr_y": dict(zip(names, map(float, v["psnr_y"])))} for k, v in rows.items()}


def luma709(rgb01: np.ndarray) -> np.ndarray:
    return rgb01[..., 0] * BT709[0] + rgb01[..., 1] * BT709[1] + rgb01[..., 2] * BT709[2]


def evaluate_set5_runtime_luma(models: list[YModel], scale: int = 2, set5: str = SET5) -> dict:
    """The runtime's contract: BT.709 full-range luma in [0,1] in and out; PSNR on it (x255)."""
    rows: dict = {"bicubic": []}
    for m in models:
        rows[m.name] = []
    for _, hr in set5_images(set5, scale):
        lr = imresize_uint8(hr, 1.0 / scale)
        hr_y = crop_border(luma709(hr / 255.0), scale) * 255
        rows["bicubic"].append(psnr(crop_border(luma709(imresize_uint8(lr, scale) / 255.0), scale) * 255, hr_y))
        for m in models:
            rows[m.name].append(psnr(crop_border(np.clip(m(luma709(lr / 255.0)), 0, 1), scale) * 255, hr_y))
    return {k: {"psnr_y709": float(np.mean(v))} for k, v in rows.items()}


def temporal_stability(models: list[YModel], hr_images: list[np.ndarray], scale: int = 2, frames: int = 8,
                       sigma: float = 2.0 / 255.0, seed: int = 0) -> dict:
    """Mean temporal std of the output luma (x255) on static content with per-frame noise."""
    rng = np.random.default_rng(seed)
    acc: dict = {"bicubic": []}
    for m in models:
        acc[m.name] = []
    for hr in hr_images:
        lr_clean = imresize(hr, 1.0 / scale)
        outs: dict = {k: [] for k in acc}
        for _ in range(frames):
            lr = np.clip(np.round((lr_clean + rng.normal(0, sigma, lr_clean.shape)) * 255), 0, 255).astype(np.uint8)
            lr_y = rgb_to_y_bt601(lr)
            outs["bicubic"].append(rgb_to_y_bt601(imresize_uint8(lr, scale)))
            for m in models:
                if m.name.startswith("fsrcnn"):
                    outs[m.name].append(np.clip(m(lr_y / 255.0), 0, 1) * 255.0)
                else:
                    outs[m.name].append(16.0 + 219.0 * np.clip(m((lr_y - 16.0) / 219.0), 0, 1))
        for k, seq in outs.items():
            acc[k].append(float(np.stack(seq).std(axis=0).mean()))
    bic = float(np.mean(acc["bicubic"]))
    return {k: {"temporal_std_y": float(np.mean(v)), "ratio_to_bicubic": float(np.mean(v)) / bic} for k, v in acc.items()}


def holdout_hr(manifest: str, limit: int = 8) -> list[np.ndarray]:
    m = json.loads(Path(manifest).read_text())
    root = Path(manifest).parent
    files = [p["hr"] for p in m["pairs"] if p["split"] == "holdout"][:limit]
    return [read_png(root / f).astype(np.float64) for f in files]


def ort_ms_per_frame(path: str, h: int = 540, w: int = 960, runs: int = 10) -> float:
    sess = _session(path)
    x = np.random.default_rng(0).random((1, 1, h, w), dtype=np.float32)
    name = sess.get_inputs()[0].name
    for _ in range(2):
        sess.run(None, {name: x})
    t = []
    for _ in range(runs):
        s = time.perf_counter()
        sess.run(None, {name: x})
        t.append((time.perf_counter() - s) * 1000)
    return float(np.median(t))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--student", action="append", default=[], help="student checkpoint (.pth); repeatable")
    ap.add_argument("--student-onnx", action="append", default=[], help="exported student (.onnx); repeatable")
    ap.add_argument("--fsrcnn", default=FSRCNN_X2)
    ap.add_argument("--set5", default=SET5)
    ap.add_argument("--manifest", default="training/data/led_x2/manifest.json")
    ap.add_argument("--out", default="training/runs/eval_x2.json")
    args = ap.parse_args(argv)
    torch.set_num_threads(2)
    models = [onnx_y_model("fsrcnn_x2", args.fsrcnn)]
    for ck in args.student:
        cfg = torch.load(ck, map_location="cpu", weights_only=False)["config"]
        models.append(torch_y_model(cfg["id"], ck))
    for p in args.student_onnx:
        models.append(onnx_y_model(Path(p).stem + ".onnx", p))
    students = [m for m in models if not m.name.startswith("fsrcnn")]
    res = {"protocol": "Set5 x2, MATLAB bicubic imresize LR (uint8), BT.601 studio Y (float), border 2",
           "set5_x2": evaluate_set5(models, 2, args.set5),
           "set5_x2_runtime_luma709": evaluate_set5_runtime_luma(students, 2, args.set5)}
    res["temporal"] = temporal_stability(models, holdout_hr(args.manifest))
    res["ort_ms_960x540_2threads"] = {Path(p).stem: ort_ms_per_frame(p) for p in args.student_onnx}
    res["ort_ms_960x540_2threads"]["fsrcnn_x2"] = ort_ms_per_frame(args.fsrcnn)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(res, indent=1))
    print(f"{'model':44s} {'Set5x2 PSNR-Y':>14s} {'SSIM-Y':>8s} {'PSNR-Y709':>10s} {'temporal std':>13s} {'vs bicubic':>10s}")
    for k, v in res["set5_x2"].items():
        t = res["temporal"].get(k, {})
        r709 = res["set5_x2_runtime_luma709"].get(k, {}).get("psnr_y709")
        print(f"{k:44s} {v['psnr_y']:14.3f} {v['ssim_y']:8.4f} {('%.3f' % r709) if r709 else '-':>10s} "
              f"{t.get('temporal_std_y', float('nan')):13.4f} {t.get('ratio_to_bicubic', float('nan')):10.3f}")
    for k, v in res["ort_ms_960x540_2threads"].items():
        print(f"ORT CPU 2 threads, 960x540 input: {k} {v:.1f} ms")
    print(f"-> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
