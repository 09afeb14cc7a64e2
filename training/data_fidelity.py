"""Fidelity-tier training data: HR content from the built dataset (train split HR crops and
the HR pool), LR made by MATLAB bicubic x1/scale and rounded to 8 bit (the benchmark's
degradation). Patches are aligned random crops with flips / 90-degree rotations."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch

from .imresize import imresize_uint8
from .png16 import read_png


def load_fidelity_pool(manifest_path: str, scale: int, split: str = "train") -> list[tuple[np.ndarray, np.ndarray]]:
    """[(hr_u8 HxWx3, lr_u8 (H/s)x(W/s)x3)] for every HR image of `split` (+ the HR pool for train)."""
    root = Path(manifest_path).parent
    m = json.loads(Path(manifest_path).read_text())
    files = [p["hr"] for p in m["pairs"] if p["split"] == split]
    if split == "train":
        files += [p["hr"] for p in m.get("hr_pool", [])]
    pool = []
    for f in files:
        hr = np.clip(np.round(read_png(root / f) * 255.0), 0, 255).astype(np.uint8)
        h, w = hr.shape[:2]
        hr = hr[: h - h % scale, : w - w % scale]
        pool.append((hr, imresize_uint8(hr, 1.0 / scale)))
    if not pool:
        raise ValueError(f"No HR images for split {split!r} in {manifest_path}")
    return pool


class PatchSampler:
    """Seeded sampler of aligned (lr, hr) RGB patches as float tensors in [0,1], NCHW."""

    def __init__(self, pool, patch_hr: int, scale: int, seed: int):
        self.pool, self.patch_hr, self.scale = pool, patch_hr, scale
        self.rng = np.random.default_rng(seed)

    def batch(self, n: int) -> tuple[torch.Tensor, torch.Tensor]:
        s, ph = self.scale, self.patch_hr
        pl = ph // s
        lrs, hrs = [], []
        for _ in range(n):
            hr, lr = self.pool[int(self.rng.integers(len(self.pool)))]
            y = int(self.rng.integers(0, lr.shape[0] - pl + 1))
            x = int(self.rng.integers(0, lr.shape[1] - pl + 1))
            lp, hp = lr[y:y + pl, x:x + pl], hr[y * s:y * s + ph, x * s:x * s + ph]
            k = int(self.rng.integers(4))
            flip = bool(self.rng.random() < 0.5)
            lp, hp = np.rot90(lp, k), np.rot90(hp, k)
            if flip:
                lp, hp = lp[:, ::-1], hp[:, ::-1]
            lrs.append(np.ascontiguousarray(lp))
            hrs.append(np.ascontiguousarray(hp))
        to_t = lambda a: torch.from_numpy(np.stack(a)).permute(0, 3, 1, 2).float() / 255.0
        return to_t(lrs), to_t(hrs)
