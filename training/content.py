"""HR content for the LED dataset: crops of natural photos plus generated LED-typical frames.

Generated frames are what walls show all day: text and tickers in a bitmap font, flat logos,
sports-graphics bars, smooth gradients and low-gray ramps. Every generator takes a
numpy Generator and a size and returns float32 (H, W, 3) display-referred sRGB in [0, 1]
(gradients and ramps keep full float precision, which is why pairs are stored as 16-bit PNG).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

WORDS = ("GOAL", "LIVE", "SALE", "OPEN", "NEWS", "SCORE", "HOME", "AWAY", "NEXT", "GATE 12",
         "FINAL", "TICKETS", "WELCOME", "STAGE A", "ledpipe", "Breaking", "Weather 21C", "Q3 +4.2%",
         "EXIT", "VIP", "Round 2", "Half time", "00:45:12", "NASDAQ", "EUR/USD 1.0842")
TICKERS = ("AAPL +1.2", "MSFT -0.4", "NVDA +3.1", "TSLA -2.2", "AMZN +0.8", "BTC +5.0", "OIL -1.1")


def bitmap_font() -> ImageFont.ImageFont:
    """PIL's built-in bitmap font (Pillow >= 10.1 would otherwise hand out a TrueType one)."""
    loader = getattr(ImageFont, "load_default_imagefont", None)
    return loader() if loader is not None else ImageFont.load_default()


def _colour(rng: np.random.Generator, dark: bool | None = None) -> tuple[int, int, int]:
    if dark is None:
        return tuple(int(v) for v in rng.integers(0, 256, 3))
    lo, hi = (0, 60) if dark else (150, 256)
    return tuple(int(v) for v in rng.integers(lo, hi, 3))


def _saturated(rng: np.random.Generator) -> tuple[int, int, int]:
    palette = ((230, 30, 40), (20, 170, 60), (30, 80, 220), (250, 200, 20), (255, 255, 255),
               (250, 120, 0), (0, 200, 220), (200, 0, 200), (20, 20, 20))
    return palette[int(rng.integers(len(palette)))]


def _draw_text(img: Image.Image, rng: np.random.Generator, text: str, xy: tuple[int, int],
               colour, zoom: int) -> None:
    """Bitmap text rendered at 1x and pixel-replicated by `zoom` (LED walls show pixel fonts)."""
    font = bitmap_font()
    box = ImageDraw.Draw(img).textbbox((0, 0), text, font=font)
    tw, th = box[2] - box[0] + 1, box[3] - box[1] + 2
    mask = Image.new("L", (tw, th), 0)
    ImageDraw.Draw(mask).text((-box[0], -box[1]), text, fill=255, font=font)
    mask = mask.resize((tw * zoom, th * zoom), Image.NEAREST)
    img.paste(Image.new("RGB", mask.size, colour), xy, mask)


def _to_float(img: Image.Image) -> np.ndarray:
    return np.asarray(img.convert("RGB"), dtype=np.float32) / 255.0


def text_card(rng: np.random.Generator, size: int) -> np.ndarray:
    """Lines of bitmap text on a flat background, zoom 1-4, dark or light theme."""
    dark = bool(rng.random() < 0.7)
    img = Image.new("RGB", (size, size), _colour(rng, dark=dark))
    y = int(rng.integers(0, 12))
    while y < size:
        zoom = int(rng.integers(1, 5))
        text = " ".join(rng.choice(WORDS, size=int(rng.integers(1, 4))))
        _draw_text(img, rng, text, (int(rng.integers(-10, size // 3)), y), _colour(rng, dark=not dark), zoom)
        y += 12 * zoom + int(rng.integers(2, 14))
    return _to_float(img)


def ticker(rng: np.random.Generator, size: int) -> np.ndarray:
    """Stock/news ticker bands: coloured bars, separators, green/red values, over a photo-free
    dark background with a gradient."""
    base = gradient(rng, size) * 0.35
    img = Image.fromarray((base * 255).round().astype(np.uint8))
    draw = ImageDraw.Draw(img)
    y = int(rng.integers(0, size // 4))
    while y < size - 20:
        zoom = int(rng.integers(1, 4))
        band = 12 * zoom + 6
        draw.rectangle((0, y, size, y + band), fill=_saturated(rng))
        x = int(rng.integers(-40, 0))
        while x < size:
            item = str(rng.choice(TICKERS))
            colour = (40, 230, 80) if "+" in item else (240, 50, 50)
            _draw_text(img, rng, item, (x, y + 3), colour if rng.random() < 0.7 else (255, 255, 255), zoom)
            x += (len(item) + 2) * 6 * zoom
            draw.rectangle((x - 4 * zoom, y + 2, x - 3 * zoom, y + band - 2), fill=(255, 255, 255))
        y += band + int(rng.integers(8, 60))
    return _to_float(img)


def logo(rng: np.random.Generator, size: int) -> np.ndarray:
    """Flat-colour shapes (circles, rounded boxes, polygons, rings) drawn at 4x and box-filtered
    down, so edges are anti-aliased like a rendered logo."""
    big = size * 4
    img = Image.new("RGB", (big, big), _colour(rng, dark=bool(rng.random() < 0.6)))
    draw = ImageDraw.Draw(img)
    for _ in range(int(rng.integers(2, 7))):
        cx, cy = rng.integers(0, big, 2)
        r = int(rng.integers(big // 12, big // 3))
        kind = int(rng.integers(4))
        box = (int(cx - r), int(cy - r), int(cx + r), int(cy + r))
        if kind == 0:
            draw.ellipse(box, fill=_saturated(rng))
        elif kind == 1:
            draw.rounded_rectangle(box, radius=r // 3, fill=_saturated(rng))
        elif kind == 2:
            pts = [(int(cx + r * np.cos(a)), int(cy + r * np.sin(a)))
                   for a in np.sort(rng.uniform(0, 2 * np.pi, int(rng.integers(3, 7))))]
            draw.polygon(pts, fill=_saturated(rng))
        else:
            draw.ellipse(box, outline=_saturated(rng), width=max(4, r // 5))
    img = img.resize((size, size), Image.BOX)
    if rng.random() < 0.5:
        _draw_text(img, rng, str(rng.choice(WORDS)), (int(rng.integers(0, size // 2)), int(rng.integers(0, size - 40))),
                   _saturated(rng), int(rng.integers(2, 4)))
    return _to_float(img)


def sports_bars(rng: np.random.Generator, size: int) -> np.ndarray:
    """Score bug / lower-third: team colour blocks, score digits, clock, thin rules and a
    vertical gradient strip, over a darkened gradient backdrop."""
    img = Image.fromarray((gradient(rng, size) * 0.5 * 255).round().astype(np.uint8))
    draw = ImageDraw.Draw(img)
    for _ in range(int(rng.integers(1, 4))):
        y = int(rng.integers(0, size - 40))
        h = int(rng.integers(18, 44))
        x0 = int(rng.integers(0, size // 3))
        w_team = int(rng.integers(40, 90))
        draw.rectangle((x0, y, x0 + w_team, y + h), fill=_saturated(rng))
        draw.rectangle((x0 + w_team, y, x0 + 2 * w_team, y + h), fill=(20, 20, 24))
        draw.rectangle((x0 + 2 * w_team, y, x0 + 3 * w_team, y + h), fill=_saturated(rng))
        draw.line((x0, y + h, x0 + 3 * w_team, y + h), fill=(255, 255, 255), width=2)
        zoom = max(1, h // 14)
        _draw_text(img, rng, f"{int(rng.integers(0, 9))}-{int(rng.integers(0, 9))}", (x0 + w_team + 6, y + 2), (255, 255, 255), zoom)
        _draw_text(img, rng, str(rng.choice(("HOM", "AWY", "FCB", "RMA", "LAL", "BOS"))), (x0 + 4, y + 2), (255, 255, 255), zoom)
    return _to_float(img)


def gradient(rng: np.random.Generator, size: int) -> np.ndarray:
    """Smooth linear or radial colour gradient between two random colours (float precision)."""
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32) / max(size - 1, 1)
    if rng.random() < 0.6:
        a = rng.uniform(0, 2 * np.pi)
        t = (xx * np.cos(a) + yy * np.sin(a))
    else:
        cx, cy = rng.uniform(0, 1, 2)
        t = np.sqrt((xx - cx) ** 2 + (yy - cy) ** 2)
    t = (t - t.min()) / max(float(t.max() - t.min()), 1e-6)
    c0, c1 = rng.uniform(0, 1, 3), rng.uniform(0, 1, 3)
    return (c0 + (c1 - c0) * t[..., None]).astype(np.float32)


def low_gray_ramp(rng: np.random.Generator, size: int) -> np.ndarray:
    """Ramps confined to the darkest few percent of the signal range (where PWM depth, low-gray
    cast and droop show): smooth ramps, fine steps of 1/1023, neutral or tinted."""
    top = float(rng.uniform(0.03, 0.2))
    xx = np.tile(np.linspace(0.0, 1.0, size, dtype=np.float32), (size, 1))
    if rng.random() < 0.5:
        xx = xx.T
    if rng.random() < 0.4:
        xx = np.floor(xx * top * 1023) / 1023 / top  # 10-bit steps
    tint = np.ones(3, np.float32) if rng.random() < 0.6 else rng.uniform(0.5, 1.0, 3).astype(np.float32)
    bands = int(rng.integers(1, 4))
    band_scale = np.repeat(np.linspace(1.0, 0.3, bands, dtype=np.float32), int(np.ceil(size / bands)))[:size]
    img = xx[..., None] * top * tint * band_scale[:, None, None]
    return np.clip(img, 0, 1).astype(np.float32)


GENERATORS = {"text": text_card, "ticker": ticker, "logo": logo, "sports": sports_bars,
              "gradient": gradient, "low_gray_ramp": low_gray_ramp}


def generate(kind: str, rng: np.random.Generator, size: int) -> np.ndarray:
    if kind not in GENERATORS:
        raise ValueError(f"Expected content kind one of {sorted(GENERATORS)} but received {kind!r}")
    return GENERATORS[kind](rng, size)


def photo_crop(path: Path, rng: np.random.Generator, size: int) -> tuple[np.ndarray, tuple[int, int]]:
    """A random size x size crop of an 8-bit photo; returns (float32 HWC, (x, y) of the crop)."""
    img = np.asarray(Image.open(path).convert("RGB"), dtype=np.float32) / 255.0
    h, w, _ = img.shape
    if h < size or w < size:
        raise ValueError(f"{path} is {w}x{h}, smaller than the {size}px crop")
    y, x = int(rng.integers(0, h - size + 1)), int(rng.integers(0, w - size + 1))
    return img[y:y + size, x:x + size], (x, y)
