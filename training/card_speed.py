"""Copy measured speeds from the real-time benchmark into a model card:
`python -m training.card_speed --card models/<id>.json --bench bench-output/inference-realtime.json`.

Each row of benchmarks/inference/realtime.ts for the card's id becomes one `measured.speed` entry
(the schema's fields only: backend, inputSize, threads, msPerFrame, machine). msPerFrame is the SR
stage end to end (rgb24 frame in, rgb24 frame out); the bare model's time, the load average and the
machine go into `machine`, the schema's free-text field. Existing entries for the same backend,
size and threads are replaced.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def merge(card: dict, bench: dict, label: str = "") -> dict:
    rows = [r for r in bench["rows"] if r["model"] == card["id"]]
    if not rows:
        raise SystemExit(f"no rows for {card['id']} in the benchmark output")
    load = bench.get("loadAverage", {})
    la = f"load average {load.get('before', ['?'])[0]:.2f} -> {load.get('after', ['?'])[0]:.2f}" if load else ""
    speed = [s for s in card.get("measured", {}).get("speed", [])
             if not any(s["backend"] == r["backend"] and s["inputSize"] == r["input"] and s["threads"] == r["threads"] for r in rows)]
    for r in rows:
        speed.append({
            "backend": r["backend"], "inputSize": r["input"], "threads": r["threads"], "msPerFrame": r["stageMsPerFrame"],
            "machine": (f"{bench['machine']}; SR stage end to end rgb24 {r['input']} -> {r['output']} ({r['fps']} fps), bare model "
                        f"{r['peerMsPerRun']} ms; median of {r['runs']} interleaved runs, {la}; {bench['date'][:10]}{label}"),
        })
    card.setdefault("measured", {})["speed"] = speed
    return card


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--card", required=True)
    ap.add_argument("--bench", default="bench-output/inference-realtime.json")
    ap.add_argument("--label", default="")
    args = ap.parse_args(argv)
    card = json.loads(Path(args.card).read_text())
    merge(card, json.loads(Path(args.bench).read_text()), args.label)
    Path(args.card).write_text(json.dumps(card, indent=2) + "\n")
    print(f"[card-speed] {args.card}: {len(card['measured']['speed'])} speed entries")
    return 0


if __name__ == "__main__":
    sys.exit(main())
