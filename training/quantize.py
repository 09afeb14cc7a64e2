"""INT8 static quantisation (QDQ ONNX) of an exported luma student, calibrated on training LR luma:
`python -m training.quantize --model models/<id>.onnx --out /tmp/<id>-int8.onnx`.

Calibration: `--samples` LR crops (`--size` px, BT.709 Y' in [0,1], the runtime's contract) from the
fidelity pool's train split (MATLAB bicubic x1/2 of the HR training images; Set5 is never seen).
Weights int8 symmetric per output channel, activations uint8 (MinMax), QDQ format, so ONNX Runtime
and OpenVINO both read it. The graph keeps float32 ports: it is a drop-in for the stage.
"""
from __future__ import annotations

import argparse
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


def quantize(model: str, out: str, manifest: str, samples: int = 64, size: int = 128) -> None:
    from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_static
    from onnxruntime.quantization.shape_inference import quant_pre_process

    batches = calibration_batches(manifest, samples, size)

    class Reader(CalibrationDataReader):
        def __init__(self):
            self.it = iter({"input": b} for b in batches)

        def get_next(self):
            return next(self.it, None)

    pre = Path(out).with_suffix(".pre.onnx")
    quant_pre_process(model, str(pre), skip_symbolic_shape=True)
    quantize_static(str(pre), out, Reader(), quant_format=QuantFormat.QDQ, per_channel=True,
                    activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8,
                    extra_options={"ActivationSymmetric": False, "WeightSymmetric": True})
    pre.unlink()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--manifest", default="training/data/led_x2/manifest.json")
    ap.add_argument("--samples", type=int, default=64)
    ap.add_argument("--size", type=int, default=128)
    args = ap.parse_args(argv)
    quantize(args.model, args.out, args.manifest, args.samples, args.size)
    print(f"[quantize] {args.model} -> {args.out} (QDQ, int8 per-channel weights, uint8 activations, "
          f"{args.samples} calibration crops of {args.size} px)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
