/**
 * Double-precision reference for the native resize: same geometry (centre-aligned,
 * kernel stretched by src/dst when downscaling, edge taps folded onto the edge,
 * weights normalised), no float32 anywhere. The native result must stay within 1 LSB.
 */
export type ReferenceFilter = 'lanczos3' | 'cubic';

function sinc(x: number): number {
  if (x === 0) return 1;
  const px = Math.PI * x;
  return Math.sin(px) / px;
}

export function filterWeight(filter: ReferenceFilter, x: number): number {
  const ax = Math.abs(x);
  if (filter === 'lanczos3') return ax < 3 ? sinc(x) * sinc(x / 3) : 0;
  const a = -0.5;
  if (ax < 1) return (a + 2) * ax ** 3 - (a + 3) * ax ** 2 + 1;
  if (ax < 2) return a * ax ** 3 - 5 * a * ax ** 2 + 8 * a * ax - 4 * a;
  return 0;
}

/** Per output sample: a map source index -> weight (normalised). */
export function axisWeights(src: number, dst: number, filter: ReferenceFilter): Map<number, number>[] {
  const scale = src / dst;
  const stretch = Math.max(scale, 1);
  const support = (filter === 'lanczos3' ? 3 : 2) * stretch;
  const out: Map<number, number>[] = [];
  for (let i = 0; i < dst; i++) {
    const center = (i + 0.5) * scale;
    const w = new Map<number, number>();
    let sum = 0;
    for (let j = Math.ceil(center - support - 0.5); j <= Math.floor(center + support - 0.5); j++) {
      const wj = filterWeight(filter, (j + 0.5 - center) / stretch);
      const k = Math.min(Math.max(j, 0), src - 1);
      w.set(k, (w.get(k) ?? 0) + wj);
      sum += wj;
    }
    for (const [k, v] of w) w.set(k, v / sum);
    out.push(w);
  }
  return out;
}

/** Exact (unrounded) resized samples of interleaved RGB. */
export function referenceResize(
  src: ArrayLike<number>, srcWidth: number, srcHeight: number,
  dstWidth: number, dstHeight: number, filter: ReferenceFilter,
): Float64Array {
  const wx = axisWeights(srcWidth, dstWidth, filter);
  const wy = axisWeights(srcHeight, dstHeight, filter);
  // Horizontal first into a double buffer (order does not matter in exact arithmetic).
  const mid = new Float64Array(srcHeight * dstWidth * 3);
  for (let y = 0; y < srcHeight; y++) {
    for (let x = 0; x < dstWidth; x++) {
      for (let c = 0; c < 3; c++) {
        let acc = 0;
        for (const [k, w] of wx[x]!) acc += w * src[(y * srcWidth + k) * 3 + c]!;
        mid[(y * dstWidth + x) * 3 + c] = acc;
      }
    }
  }
  const out = new Float64Array(dstHeight * dstWidth * 3);
  for (let y = 0; y < dstHeight; y++) {
    for (const [k, w] of wy[y]!) {
      const row = k * dstWidth * 3;
      const o = y * dstWidth * 3;
      for (let i = 0; i < dstWidth * 3; i++) out[o + i] += w * mid[row + i]!;
    }
  }
  return out;
}

/** Rounds reference samples as the native store does (clamp, + 0.5, truncate). */
export function quantize(values: Float64Array, maxv: number): Float64Array {
  return values.map((v) => Math.trunc(Math.min(Math.max(v, 0), maxv) + 0.5));
}
