"""Build the LED HR/LR pair set: `python -m training.build_dataset --config training/configs/dataset.json`.

Writes <out_dir>/{train,holdout}/<id>_hr.png and <id>_lr.png (48-bit PNG, display-referred
sRGB), and <out_dir>/manifest.json with, per pair: id, split, source (photo file + crop box, or
generator kind + seed), the full degradation parameters, and the config used. The held-out split
is by source image (all crops of a held-out photo are held out), so no scene leaks across.
Reads ../shared (photos) here and nowhere else; Set5 is never touched.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from .content import generate, photo_crop
from .ledsim import DegradationRanges, degrade, sample_degradation
from .png16 import write_png16

FORBIDDEN_SOURCES = ("set5", "set14", "b100", "urban100")


def load_config(path: str | None, overrides: dict) -> dict:
    cfg = json.loads(Path(path).read_text()) if path else {}
    cfg.update({k: v for k, v in overrides.items() if v is not None})
    for key in ("seed", "scale", "hr_size", "photo_dir", "out_dir"):
        if key not in cfg:
            raise ValueError(f"Missing config field {key!r} (give --config or --{key.replace('_', '-')})")
    if any(name in str(cfg["photo_dir"]).lower() for name in FORBIDDEN_SOURCES):
        raise ValueError(f"photo_dir {cfg['photo_dir']!r} is an evaluation set; never train on it")
    if cfg["hr_size"] % cfg["scale"]:
        raise ValueError(f"Expected hr_size divisible by scale {cfg['scale']} but received {cfg['hr_size']}")
    return cfg


def plan_sources(cfg: dict, rng: np.random.Generator) -> list[dict]:
    """Every pair's source, with its split, before any pixels are made."""
    photos = sorted(p for p in Path(cfg["photo_dir"]).iterdir() if p.suffix.lower() in (".jpg", ".jpeg", ".png"))
    if not photos:
        raise ValueError(f"No photos found in photo_dir {cfg['photo_dir']!r}")
    n_hold = max(1, round(len(photos) * cfg.get("holdout_fraction", 0.1)))
    held = set(rng.choice(len(photos), n_hold, replace=False).tolist())
    sources = []
    for i, p in enumerate(photos):
        for k in range(cfg.get("photo_crops_per_image", 1)):
            sources.append({"kind": "photo", "file": p.name, "crop_index": k, "split": "holdout" if i in held else "train"})
    for kind, count in cfg.get("generated", {}).items():
        n_hold_gen = max(1, round(count * cfg.get("holdout_fraction", 0.1)))
        for k in range(count):
            sources.append({"kind": kind, "index": k, "split": "holdout" if k < n_hold_gen else "train"})
    return sources


def write_hr_pool(cfg: dict, sources: list[dict], out: Path, log) -> list[dict]:
    """Extra HR-only crops of the TRAIN photos (8-bit PNG, as the JPEG sources are 8-bit) for
    the fidelity tier, which makes its LR by bicubic downscaling on the fly."""
    per_image = int(cfg.get("hr_pool_crops_per_photo", 0))
    if per_image <= 0:
        return []
    (out / "hr_pool").mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(cfg["seed"] + 1)
    files = sorted({s["file"] for s in sources if s["kind"] == "photo" and s["split"] == "train"})
    pool = []
    for f in files:
        for k in range(per_image):
            hr, (x, y) = photo_crop(Path(cfg["photo_dir"]) / f, rng, cfg["hr_size"])
            name = f"hr_pool/{Path(f).stem}_{k}.png"
            Image.fromarray((hr * 255.0).round().astype(np.uint8)).save(out / name)
            pool.append({"hr": name, "source": {"dataset": "Sun_Hays80", "file": f, "crop_xywh": [x, y, cfg["hr_size"], cfg["hr_size"]]}})
    log(f"[build-dataset] hr_pool: {len(pool)} HR-only crops of {len(files)} train photos")
    return pool


def build(cfg: dict, log=print) -> dict:
    rng = np.random.default_rng(cfg["seed"])
    ranges = DegradationRanges.from_dict(cfg.get("degradation", {}))
    out = Path(cfg["out_dir"])
    for split in ("train", "holdout"):
        (out / split).mkdir(parents=True, exist_ok=True)
    sources = plan_sources(cfg, rng)
    pairs, t0 = [], time.time()
    for n, src in enumerate(sources):
        pair_id = f"{n:04d}_{src['kind']}"
        content_seed = int(rng.integers(0, 2**31 - 1))
        crng = np.random.default_rng(content_seed)
        if src["kind"] == "photo":
            hr, (x, y) = photo_crop(Path(cfg["photo_dir"]) / src["file"], crng, cfg["hr_size"])
            source = {"dataset": "Sun_Hays80", "file": src["file"], "crop_xywh": [x, y, cfg["hr_size"], cfg["hr_size"]]}
        else:
            hr = generate(src["kind"], crng, cfg["hr_size"])
            source = {"generator": src["kind"], "content_seed": content_seed}
        params = sample_degradation(rng, ranges, cfg["scale"])
        lr = degrade(torch.from_numpy(np.ascontiguousarray(hr)).permute(2, 0, 1), params)
        folder = out / src["split"]
        write_png16(folder / f"{pair_id}_hr.png", hr)
        write_png16(folder / f"{pair_id}_lr.png", lr.permute(1, 2, 0).numpy())
        pairs.append({"id": pair_id, "split": src["split"], "hr": f"{src['split']}/{pair_id}_hr.png",
                      "lr": f"{src['split']}/{pair_id}_lr.png", "source": source,
                      "degradation": dataclasses.asdict(params)})
        if (n + 1) % 20 == 0 or n + 1 == len(sources):
            log(f"[build-dataset] {n + 1}/{len(sources)} pairs, {time.time() - t0:.1f}s")
    pool = write_hr_pool(cfg, sources, out, log)
    manifest = {"version": 1, "hr_pool": pool, "scale": cfg["scale"], "hr_size": cfg["hr_size"], "config": cfg,
                "colour": "display-referred sRGB, 16-bit PNG", "counts": {
                    s: sum(p["split"] == s for p in pairs) for s in ("train", "holdout")},
                "degradation_ranges": dataclasses.asdict(ranges), "pairs": pairs}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1))
    return manifest


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", help="JSON config (training/configs/dataset.json)")
    ap.add_argument("--seed", type=int)
    ap.add_argument("--scale", type=int)
    ap.add_argument("--hr-size", dest="hr_size", type=int)
    ap.add_argument("--photo-dir", dest="photo_dir")
    ap.add_argument("--out-dir", dest="out_dir")
    args = ap.parse_args(argv)
    torch.set_num_threads(2)
    cfg = load_config(args.config, {k: v for k, v in vars(args).items() if k != "config"})
    m = build(cfg)
    print(f"[build-dataset] wrote {m['counts']} pairs to {cfg['out_dir']}/manifest.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
