"""INT8 static quantisation (QDQ ONNX) of an exported luma student, calibrated on training LR luma:
`python -m training.quantize --model models/<id>.onnx --out /tmp/<id>-int8.onnx`
(options: `--checkpoint runs/<id>/student.pth --split-skip`, `--calibrate minmax|entropy|percentile`,
`--samples`, `--size`, `--exclude first,last,skip`, `--ops Conv`, `--per-tensor`, `--eval`).

Calibration: `--samples` LR crops (`--size` px, BT.709 Y' in [0,1], the runtime's contract) from the
fidelity pool's train split + HR pool (MATLAB bicubic x1/2 of the HR training images; Set5 and the
held-out split are never seen). Weights int8 symmetric per output channel, activations uint8
asymmetric, QDQ format, so ONNX Runtime (QLinearConv) and OpenVINO (FakeQuantize -> int8 kernels)
both read it. Only the `--ops` node types (default: Conv) get Q/DQ pairs: the pad/crop wrapper,
PReLU, DepthToSpace and the bicubic Resize skip stay float32. The graph keeps float32 ports: it is a
drop-in for the stage.

`--split-skip` (space-to-depth students, needs `--checkpoint`): the shipped graph folds the learned
bicubic skip into 4 identity channels that ride through the stack beside the hidden features, so the
8-bit-grid luma shares one per-tensor activation scale with PReLU features several times its range,
and the last conv's per-channel weight scale with the bicubic taps. Split, the skip is its own 3x3
conv on the unshuffled input (whose uint8 scale is then ~1/255: the input is 8-bit luma) added
before DepthToSpace; same function (parity-checked), 12 instead of 16 hidden channels.
`--eval` prints Set5 x2 PSNR-Y and held-out LED mean CIEDE2000 of the float and INT8 graphs (ONNX Runtime;
`--eval-openvino` also on OpenVINO, whose int8 kernels round differently).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from .data_fidelity import load_fidelity_pool

BT709 = (0.2126, 0.7152, 0.0722)


def calibration_batches(manifest: str, samples: int, size: int, seed: int = 7) -> list[np.ndarray]:
    pool = load_fidelity_pool(manifest, 2, "train")
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(samples):
        _, lr = pool[int(rng.integers(len(pool)))]
        h, w = lr.shape[:2]
        s = min(size, h, w) // 2 * 2
        y0, x0 = int(rng.integers(0, h - s + 1)), int(rng.integers(0, w - s + 1))
        crop = lr[y0:y0 + s, x0:x0 + s].astype(np.float32) / 255.0
        y = crop[..., 0] * BT709[0] + crop[..., 1] * BT709[1] + crop[..., 2] * BT709[2]
        out.append(y[None, None].astype(np.float32))
    return out


def export_split_skip(checkpoint: str, out: str) -> float:
    """Float32 ONNX of a space-to-depth student with the skip as a separate conv (ECB blocks folded,
    skip not folded into identity channels), wrapped for any H x W; returns the ORT parity."""
    import torch
    from .export_onnx import export, load_student, parity, wrap_even_pad
    from .models import EdgeConvBlock, LumaS2DStudent

    model, _ = load_student(checkpoint)
    if not isinstance(model, LumaS2DStudent):
        raise SystemExit("--split-skip applies to space-to-depth students only")
    with torch.no_grad():
        for i, layer in enumerate(model.body):
            if isinstance(layer, EdgeConvBlock):
                model.body[i] = layer.to_conv()
    model.eval()
    export(model, Path(out))
    wrap_even_pad(Path(out), model.scale)
    return parity(model, Path(out))


def conv_nodes(model_path: str) -> list[str]:
    import onnx
    return [n.name for n in onnx.load(model_path).graph.node if n.op_type == "Conv"]


def quantize(model: str, out: str, manifest: str, samples: int = 64, size: int = 128, calibrate: str = "minmax",
             percentile: float = 99.999, exclude: tuple[str, ...] = (), ops: tuple[str, ...] = ("Conv",),
             per_channel: bool = True) -> dict:
    """Writes the QDQ model to `out`; returns what was done (for the record)."""
    from onnxruntime.quantization import (CalibrationDataReader, CalibrationMethod, QuantFormat, QuantType,
                                          quantize_static)
    from onnxruntime.quantization.shape_inference import quant_pre_process

    batches = calibration_batches(manifest, samples, size)

    class Reader(CalibrationDataReader):
        def __init__(self):
            self.it = iter({"input": b} for b in batches)

        def get_next(self):
            return next(self.it, None)

    pre = Path(out).with_suffix(".pre.onnx")
    quant_pre_process(model, str(pre), skip_symbolic_shape=True)
    convs = conv_nodes(str(pre))
    body = [c for c in convs if "skip" not in c]  # graph order; the split skip conv may come first
    names = {"first": body[:1], "last": body[-1:], "skip": [c for c in convs if "skip" in c]}
    excluded = sorted({n for e in exclude for n in names[e]})
    method = {"minmax": CalibrationMethod.MinMax, "entropy": CalibrationMethod.Entropy,
              "percentile": CalibrationMethod.Percentile}[calibrate]
    extra = {"ActivationSymmetric": False, "WeightSymmetric": True}
    if calibrate == "percentile":
        extra["CalibPercentile"] = percentile
    quantize_static(str(pre), out, Reader(), quant_format=QuantFormat.QDQ, per_channel=per_channel,
                    activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8, calibrate_method=method,
                    op_types_to_quantize=list(ops) if ops else None, nodes_to_exclude=excluded, extra_options=extra)
    pre.unlink()
    for f in Path(out).parent.glob("augmented_model*.onnx"):
        f.unlink()
    return {"calibrate": calibrate, "percentile": percentile if calibrate == "percentile" else None,
            "samples": samples, "size": size, "per_channel": per_channel, "ops": list(ops), "excluded": excluded}


def onnx_fn(path: str, threads: int = 1, backend: str = "onnxruntime"):
    """The ONNX model as a torch [1,1,H,W] -> [1,1,2H,2W] function (ONNX Runtime or OpenVINO, CPU)."""
    import torch
    if backend == "openvino":
        import openvino as ov
        core = ov.Core()
        compiled = core.compile_model(core.read_model(path), "CPU", {"INFERENCE_NUM_THREADS": threads,
                                                                      "INFERENCE_PRECISION_HINT": "f32"})
        req = compiled.create_infer_request()

        def run(x):
            req.infer({0: x.numpy().astype(np.float32)})
            return torch.from_numpy(np.array(req.get_output_tensor(0).data, copy=True))
        return run
    import onnxruntime as ort
    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    sess = ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])
    return lambda x: torch.from_numpy(sess.run(["output"], {"input": x.numpy().astype(np.float32)})[0])


def quality(path: str, manifest: str, set5: str, backend: str = "onnxruntime") -> dict:
    """Set5 x2 PSNR-Y (evaluate.py's protocol) and held-out LED mean CIEDE2000 of an ONNX file."""
    from .prune import led_holdout_delta_e, set5_psnr
    fn = onnx_fn(path, backend=backend)
    return {"set5": set5_psnr(fn, set5), "led": led_holdout_delta_e(fn, manifest)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", required=True, help="float32 ONNX (with --split-skip: written here from --checkpoint)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--checkpoint")
    ap.add_argument("--split-skip", action="store_true")
    ap.add_argument("--manifest", default="training/data/led_x2/manifest.json")
    ap.add_argument("--set5", default="../shared/datasets/Set5")
    ap.add_argument("--samples", type=int, default=64)
    ap.add_argument("--size", type=int, default=128)
    ap.add_argument("--calibrate", choices=("minmax", "entropy", "percentile"), default="minmax")
    ap.add_argument("--percentile", type=float, default=99.999)
    ap.add_argument("--exclude", default="", help="comma list of first, last, skip: convs kept float32")
    ap.add_argument("--ops", default="Conv", help="node types to quantize (comma list; empty = ORT's default set)")
    ap.add_argument("--per-tensor", action="store_true")
    ap.add_argument("--eval", action="store_true")
    ap.add_argument("--eval-openvino", action="store_true", help="with --eval: the same numbers run on OpenVINO")
    ap.add_argument("--json", help="write what was done (and --eval's numbers) here")
    args = ap.parse_args(argv)
    rec: dict = {"model": args.model, "out": args.out}
    if args.split_skip:
        if not args.checkpoint:
            ap.error("--split-skip needs --checkpoint")
        rec["split_skip_parity"] = export_split_skip(args.checkpoint, args.model)
        print(f"[quantize] split-skip float32 graph -> {args.model} (ORT parity {rec['split_skip_parity']:.1e})")
    rec.update(quantize(args.model, args.out, args.manifest, args.samples, args.size, args.calibrate, args.percentile,
                        tuple(e for e in args.exclude.split(",") if e), tuple(o for o in args.ops.split(",") if o),
                        not args.per_tensor))
    print(f"[quantize] {args.model} -> {args.out} (QDQ, int8 {'per-tensor' if args.per_tensor else 'per-channel'} weights, "
          f"uint8 activations, {args.calibrate} calibration on {args.samples} crops of {args.size} px, "
          f"float32 convs: {rec['excluded'] or 'none'})")
    if args.eval:
        import torch
        torch.set_num_threads(1)
        rec["fp32"], rec["int8"] = quality(args.model, args.manifest, args.set5), quality(args.out, args.manifest, args.set5)
        if args.eval_openvino:
            rec["fp32_openvino"] = quality(args.model, args.manifest, args.set5, "openvino")
            rec["int8_openvino"] = quality(args.out, args.manifest, args.set5, "openvino")
        for k in [k for k in ("fp32", "int8", "fp32_openvino", "int8_openvino") if k in rec]:
            print(f"[quantize] {k}: Set5 x2 PSNR-Y {rec[k]['set5']['psnr_y']:.3f} dB, held-out LED mean dE2000 "
                  f"{rec[k]['led']['mean_delta_e2000']:.4f}")
        for suffix in ("", "_openvino") if args.eval_openvino else ("",):
            f, q = rec["fp32" + suffix], rec["int8" + suffix]
            print(f"[quantize] INT8 cost{suffix.replace('_', ' on ')}: {q['set5']['psnr_y'] - f['set5']['psnr_y']:+.3f} dB, "
                  f"dE {q['led']['mean_delta_e2000'] - f['led']['mean_delta_e2000']:+.4f}")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(rec, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
