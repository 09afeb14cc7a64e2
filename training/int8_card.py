"""Ship an INT8 (QDQ) variant of a shipped luma student: copy the ONNX into models/ and write its card
from the float32 card, quantize.py's `--json` (Set5 / held-out LED, float vs INT8), evaluate.py's JSON
(temporal stability, SSIM, BT.709 PSNR) and bench_int8.py's JSON (speed, fp32 peer in the same run):
`python -m training.int8_card --fp32-card models/<id>.json --onnx runs/int8/<x>.onnx --id <id>-int8
 --quant-json runs/int8/<x>.json --eval-json runs/int8/eval_<x>.json --bench runs/int8/bench_<x>.json --pair NAME`.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path


def conv_stats(path: str) -> tuple[int, int, list[str]]:
    """(params, 3x3 MACs per input pixel of the quantised graph's convs (x 1/4 for s2d graphs), float32 convs)."""
    import onnx
    from onnx import numpy_helper
    m = onnx.load(path)
    init = {i.name: numpy_helper.to_array(i) for i in m.graph.initializer}
    dq = {n.output[0]: n.input[0] for n in m.graph.node if n.op_type == "DequantizeLinear"}
    params, macs, fp32 = 0, 0, []
    s2d = any(n.op_type == "DepthToSpace" for n in m.graph.node) and not any(n.op_type == "Resize" for n in m.graph.node)
    for n in m.graph.node:
        if n.op_type == "Conv":
            w = init[dq.get(n.input[1], n.input[1])]
            params += w.size + (w.shape[0] if len(n.input) > 2 else 0)
            macs += w.size
            if n.input[1] not in dq:
                fp32.append(n.name)
        elif n.op_type == "PRelu":
            params += init[n.input[1]].size
    return params, macs // 4 if s2d else macs, fp32


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fp32-card", required=True)
    ap.add_argument("--onnx", required=True)
    ap.add_argument("--id", required=True)
    ap.add_argument("--quant-json", required=True)
    ap.add_argument("--eval-json", required=True)
    ap.add_argument("--bench", required=True)
    ap.add_argument("--pair", required=True, help="the pair name in the bench JSON")
    ap.add_argument("--notes", default="")
    ap.add_argument("--tier", help="the card's tier (default: the fp32 card's); a cheaper rung of its family's ladder goes one tier lower")
    ap.add_argument("--out-dir", default="models")
    args = ap.parse_args(argv)
    base = json.loads(Path(args.fp32_card).read_text())
    q = json.loads(Path(args.quant_json).read_text())
    ev = json.loads(Path(args.eval_json).read_text())
    bench = json.loads(Path(args.bench).read_text())
    stem = Path(args.onnx).stem + ".onnx"
    params, macs, fp32_convs = conv_stats(args.onnx)
    import onnx
    # the bicubic Resize skip counts 64 MACs per input pixel on the float32 card (x2: 4 outputs x 16 taps)
    skip_macs = 64 if any(n.op_type == "Resize" for n in onnx.load(args.onnx).graph.node) else 0
    r = lambda v, n=3: round(float(v), n)
    card = dict(base)
    card["$comment"] = (f"Written by training/int8_card.py: INT8 QDQ variant of {base['id']} (training/quantize.py), "
                        f"speed from training/bench_int8.py")
    card["id"] = args.id
    if args.tier:
        card["tier"] = args.tier
    card["precision"] = "mixed"
    card["params"] = params
    card["macsPerInputPixel"] = macs + skip_macs
    card["description"] = (
        f"INT8 variant of {base['id']} (same function up to quantisation): static QDQ from training/quantize.py, "
        f"int8 symmetric per-output-channel weights, uint8 activations ({q['calibrate']} calibration"
        f"{' at ' + str(q['percentile']) + '%' if q.get('percentile') else ''}, {q['samples']} training-LR luma crops of {q['size']} px), "
        f"Q/DQ on Conv only; kept float32: {', '.join(fp32_convs) or 'no conv'} and every non-conv op "
        f"(precision 'mixed'). Float32 ports: a drop-in for the stage. "
        f"{'The learned skip is a separate float32 conv (not folded into identity channels). ' if q.get('split_skip_parity') is not None else ''}"
        f"Set5 x2 PSNR-Y {r(q['int8']['set5']['psnr_y'])} dB vs {r(q['fp32']['set5']['psnr_y'])} float32 "
        f"({q['int8']['set5']['psnr_y'] - q['fp32']['set5']['psnr_y']:+.3f} dB). {args.notes}").strip()
    sid = stem
    card["measured"] = {
        "quality": {
            "set5x2PsnrY": r(ev["set5_x2"][sid]["psnr_y"]), "set5x2SsimY": r(ev["set5_x2"][sid]["ssim_y"], 4),
            "bicubicSet5x2PsnrY": r(ev["set5_x2"]["bicubic"]["psnr_y"]),
            "set5x2PsnrY709": r(ev["set5_x2_runtime_luma709"][sid]["psnr_y709"]),
            "temporalStdRatioVsBicubic": r(ev["temporal"][sid]["ratio_to_bicubic"]),
            "fp32Set5x2PsnrY": r(q["fp32"]["set5"]["psnr_y"]),
            "int8CostSet5x2PsnrYDb": r(q["int8"]["set5"]["psnr_y"] - q["fp32"]["set5"]["psnr_y"]),
            "ledHoldoutMeanDeltaE2000": r(q["int8"]["led"]["mean_delta_e2000"], 4),
            "fp32LedHoldoutMeanDeltaE2000": r(q["fp32"]["led"]["mean_delta_e2000"], 4),
        },
        "speed": [],
    }
    machine = "AMD EPYC, 2 logical CPUs (shared VM, nice 19, load average {:.1f}), {} {} (Python), median of {} alternating with the float32 peer at {:.2f} ms"
    for row in bench["rows"]:
        if row["model"] != args.pair:
            continue
        card["measured"]["speed"].append({
            "backend": row["backend"], "inputSize": row["input"], "threads": row["threads"],
            "msPerFrame": r(row["int8_median_ms"], 2),
            "machine": machine.format(row["load_avg_1min_before"], row["backend"], bench["versions"].get(row["backend"], ""),
                                      row["rounds"], row["fp32_median_ms"])})
    card["provenance"] = dict(base["provenance"])
    card["provenance"]["source"] = f"training/quantize.py from models/{base['id']}.onnx ({base['provenance']['source']})"
    card["provenance"]["derivedFrom"] = base["id"]
    out = Path(args.out_dir)
    shutil.copyfile(args.onnx, out / f"{args.id}.onnx")
    (out / f"{args.id}.json").write_text(json.dumps(card, indent=2, ensure_ascii=False) + "\n")
    print(f"[int8-card] {out / (args.id + '.onnx')} + card ({params} params, {card['macsPerInputPixel']} MACs/px)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
