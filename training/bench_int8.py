"""fp32 vs INT8 speed of luma students on ONNX Runtime and OpenVINO (Python), peers timed alternately:
`python -m training.bench_int8 --pair NAME=FP32.onnx,INT8.onnx [--pair ...] --out training/runs/bench_int8.json`.

For every backend (onnxruntime CPU EP; OpenVINO CPU with f32 inference precision, compiled for the static input
shape as src/inference/openvino-backend.ts does) and thread count,
both files of a pair are loaded, warmed up, then run alternately on the same 960x540 luma tensor
(`--rounds` rounds, fp32 then int8, order swapped every round), so load from other processes hits
both alike; reported: median and min wall ms per frame, median process CPU ms per frame, the int8/fp32 ratio of medians, the 1-minute load
average before and after, and for OpenVINO the runtime precision its compiled INT8 convolutions run
in (real int8 kernels, or dequantised to f32). Also the max |int8_OV - int8_ORT| on the frame.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np


def ort_runner(path: str, threads: int, shape=None):
    import onnxruntime as ort
    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    sess = ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])
    return lambda x: sess.run(["output"], {"input": x})[0], {}


def ov_runner(path: str, threads: int, shape=None):
    import openvino as ov
    core = ov.Core()
    model = core.read_model(path)
    if shape is not None:  # static shape, as the runtime's OpenVINO backend compiles per input shape
        model.reshape({model.inputs[0]: ov.PartialShape(list(shape))})
    compiled = core.compile_model(model, "CPU", {
        "INFERENCE_NUM_THREADS": threads, "PERFORMANCE_HINT": "LATENCY", "INFERENCE_PRECISION_HINT": "f32"})
    req = compiled.create_infer_request()
    rt = [op.get_rt_info() for op in compiled.get_runtime_model().get_ops()]
    conv_prec = sorted(f"{i['runtimePrecision'].astype(str)}/{i['primitiveType'].astype(str)}"
                       for i in rt if i["layerType"].astype(str) == "Convolution")

    def run(x):
        req.infer({0: x})
        return req.get_output_tensor(0).data
    return run, {"conv_runtime_precision": conv_prec}


BACKENDS = {"onnxruntime": ort_runner, "openvino": ov_runner}


def bench_pair(fp32: str, int8: str, backend: str, threads: int, x: np.ndarray, rounds: int, warmup: int = 3) -> dict:
    make = BACKENDS[backend]
    (f, fi), (q, qi) = make(fp32, threads, x.shape), make(int8, threads, x.shape)
    for _ in range(warmup):
        f(x), q(x)
    tf, tq, cf, cq = [], [], [], []
    for r in range(rounds):
        order = ((f, tf, cf), (q, tq, cq)) if r % 2 == 0 else ((q, tq, cq), (f, tf, cf))
        for fn, acc, cpu in order:
            c = time.process_time()
            t = time.perf_counter()
            fn(x)
            acc.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)
    return {"fp32_median_ms": float(np.median(tf)), "int8_median_ms": float(np.median(tq)),
            "fp32_min_ms": float(np.min(tf)), "int8_min_ms": float(np.min(tq)),
            # CPU time of this process per frame: insensitive to waiting for a core on a loaded machine
            # (with 1 thread the fairest figure here; with 2 it adds both threads and their spin-waits)
            "fp32_cpu_median_ms": float(np.median(cf)), "int8_cpu_median_ms": float(np.median(cq)),
            "int8_over_fp32": float(np.median(tq) / np.median(tf)), "rounds": rounds,
            "fp32_info": fi, "int8_info": qi, "int8_out": np.array(q(x), copy=True)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pair", action="append", required=True, help="NAME=FP32.onnx,INT8.onnx")
    ap.add_argument("--backends", default="onnxruntime,openvino")
    ap.add_argument("--threads", default="2,1")
    ap.add_argument("--size", default="960x540")
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--out", default="training/runs/bench_int8.json")
    args = ap.parse_args(argv)
    w, h = map(int, args.size.split("x"))
    x = np.random.default_rng(0).random((1, 1, h, w), dtype=np.float32)
    versions = {}
    try:
        import onnxruntime
        versions["onnxruntime"] = onnxruntime.__version__
    except ImportError:
        pass
    try:
        import openvino
        versions["openvino"] = openvino.__version__
    except ImportError:
        pass
    rows = []
    load0 = os.getloadavg()[0]
    for spec in args.pair:
        name, files = spec.split("=", 1)
        fp32, int8 = files.split(",")
        outs = {}
        for backend in args.backends.split(","):
            for threads in map(int, args.threads.split(",")):
                la = os.getloadavg()[0]
                r = bench_pair(fp32, int8, backend, threads, x, args.rounds)
                outs[backend] = r.pop("int8_out")
                r.update({"model": name, "backend": backend, "threads": threads, "input": args.size,
                          "load_avg_1min_before": la, "load_avg_1min_after": os.getloadavg()[0]})
                rows.append(r)
                print(f"[bench-int8] {name:28s} {backend:11s} {threads}t  fp32 {r['fp32_median_ms']:8.2f} ms  "
                      f"int8 {r['int8_median_ms']:8.2f} ms  x{r['int8_over_fp32']:.2f}  (cpu {r['fp32_cpu_median_ms']:.1f} / "
                      f"{r['int8_cpu_median_ms']:.1f} ms)  min {r['fp32_min_ms']:.1f} / {r['int8_min_ms']:.1f}  load {la:.2f}"
                      + (f"  OV int8 convs {r['int8_info'].get('conv_runtime_precision')}" if backend == "openvino" else ""),
                      flush=True)
        if len(outs) == 2:
            d = float(np.abs(outs["onnxruntime"] - outs["openvino"]).max())
            for r in rows:
                if r["model"] == name:
                    r["int8_max_abs_diff_ov_vs_ort"] = d
            print(f"[bench-int8] {name}: INT8 output, OpenVINO vs ONNX Runtime max abs diff {d:.2e}")
    res = {"rows": rows, "versions": versions, "load_avg_1min_start": load0, "load_avg_1min_end": os.getloadavg()[0],
           "cpus": os.cpu_count(), "note": "medians of alternating runs; 2-core VM shared with other sessions (nice 19)"}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(res, indent=1))
    print(f"-> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
