"""Minimal 16-bit RGB PNG writer/reader (PIL cannot write 48-bit RGB PNG).

write_png16(path, rgb) takes float [0,1] (H, W, 3) or uint16 and writes colour type 2, bit depth
16, filter 0 rows. read_png(path) returns float32 (H, W, 3) in [0,1] for any PNG: 16-bit RGB
files are decoded here (all five row filters), everything else goes through PIL.
"""
from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np
from PIL import Image


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def write_png16(path: str | Path, rgb: np.ndarray) -> None:
    """Write (H, W, 3) float in [0,1] (rounded to 1/65535) or uint16 as a 48-bit PNG."""
    if rgb.ndim != 3 or rgb.shape[2] != 3:
        raise ValueError(f"Expected an (H, W, 3) array but received shape {rgb.shape}")
    if rgb.dtype != np.uint16:
        rgb = np.round(np.clip(rgb, 0.0, 1.0) * 65535.0).astype(np.uint16)
    h, w, _ = rgb.shape
    rows = rgb.astype(">u2").reshape(h, w * 6 // 2).view(np.uint8).reshape(h, w * 6)
    raw = np.concatenate([np.zeros((h, 1), np.uint8), rows], axis=1).tobytes()
    ihdr = struct.pack(">IIBBBBB", w, h, 16, 2, 0, 0, 0)
    data = b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", zlib.compress(raw, 6)) + _chunk(b"IEND", b"")
    Path(path).write_bytes(data)


def _unfilter(raw: bytes, h: int, stride: int, bpp: int) -> np.ndarray:
    out = np.zeros((h, stride), np.uint8)
    buf = np.frombuffer(raw, np.uint8).reshape(h, stride + 1)
    prev = np.zeros(stride, np.int32)
    for y in range(h):
        ftype, line = buf[y, 0], buf[y, 1:].astype(np.int32)
        if ftype == 0:
            cur = line
        elif ftype == 2:
            cur = (line + prev) & 0xFF
        else:  # Sub, Average, Paeth need the running left neighbour
            cur = np.zeros(stride, np.int32)
            for i in range(stride):
                left = cur[i - bpp] if i >= bpp else 0
                up = prev[i]
                upleft = prev[i - bpp] if i >= bpp else 0
                if ftype == 1:
                    pred = left
                elif ftype == 3:
                    pred = (left + up) // 2
                else:
                    pa, pb, pc = abs(up - upleft), abs(left - upleft), abs(left + up - 2 * upleft)
                    pred = left if pa <= pb and pa <= pc else (up if pb <= pc else upleft)
                cur[i] = (line[i] + pred) & 0xFF
        out[y] = cur
        prev = cur
    return out


def read_png(path: str | Path) -> np.ndarray:
    """(H, W, 3) float32 in [0,1]; exact for 8- and 16-bit RGB PNGs."""
    data = Path(path).read_bytes()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path} is not a PNG")
    w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", data[16:29])
    if not (depth == 16 and ctype == 2 and interlace == 0):
        return np.asarray(Image.open(path).convert("RGB"), dtype=np.float32) / 255.0
    pos, idat = 8, b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        if data[pos + 4:pos + 8] == b"IDAT":
            idat += data[pos + 8:pos + 8 + length]
        pos += 12 + length
    rows = _unfilter(zlib.decompress(idat), h, w * 6, 6)
    pairs = rows.reshape(h, w * 3, 2).astype(np.uint16)
    values = (pairs[..., 0] << 8) | pairs[..., 1]
    return values.reshape(h, w, 3).astype(np.float32) / 65535.0
