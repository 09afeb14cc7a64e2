import type { CubeLut, Lut1d, Lut3d } from './cube-lut.js';
import type { Vec3 } from './matrix3.js';

/**
 * Float reference interpolation of .cube tables, one RGB triple at a time. Clear rather than fast:
 * the frame stage (lut-stage.ts) is tested against these functions.
 * Inputs outside the table's domain are clamped to it, as OCIO and Resolve do.
 */
export type Lut3dInterpolation = 'tetrahedral' | 'trilinear';

/** Grid coordinate of `x` in [0, size - 1]: the domain mapping every lookup shares. */
export function gridCoordinate(x: number, min: number, max: number, size: number): number {
  const p = ((x - min) / (max - min)) * (size - 1);
  // `!(p > 0)` also sends NaN to the first grid point.
  return !(p > 0) ? 0 : p > size - 1 ? size - 1 : p;
}

/** Lower cell index and fraction; the last grid point is cell size-2 at fraction 1. */
export function cellOf(p: number, size: number): { index: number; fraction: number } {
  const index = Math.min(Math.floor(p), size - 2);
  return { index, fraction: p - index };
}

export function sampleLut1d(lut: Lut1d, rgb: Vec3): Vec3 {
  const out: [number, number, number] = [0, 0, 0];
  for (let c = 0; c < 3; c++) {
    const { index, fraction } = cellOf(gridCoordinate(rgb[c]!, lut.domainMin[c]!, lut.domainMax[c]!, lut.size), lut.size);
    const lo = lut.table[index * 3 + c]!;
    const hi = lut.table[(index + 1) * 3 + c]!;
    out[c] = lo + (hi - lo) * fraction;
  }
  return out;
}

export function sampleLut3d(lut: Lut3d, rgb: Vec3, method: Lut3dInterpolation = 'tetrahedral'): Vec3 {
  const n = lut.size;
  const r = cellOf(gridCoordinate(rgb[0], lut.domainMin[0], lut.domainMax[0], n), n);
  const g = cellOf(gridCoordinate(rgb[1], lut.domainMin[1], lut.domainMax[1], n), n);
  const b = cellOf(gridCoordinate(rgb[2], lut.domainMin[2], lut.domainMax[2], n), n);
  const t = lut.table;
  const base = (r.index + n * g.index + n * n * b.index) * 3;
  // Offsets of the cell's corners from `base`; cRGB names the corner by its r, g, b step.
  const sr = 3;
  const sg = 3 * n;
  const sb = 3 * n * n;
  const out: [number, number, number] = [0, 0, 0];
  const fr = r.fraction;
  const fg = g.fraction;
  const fb = b.fraction;
  for (let c = 0; c < 3; c++) {
    const at = (dr: number, dg: number, db: number): number => t[base + dr * sr + dg * sg + db * sb + c]!;
    const c000 = at(0, 0, 0);
    const c111 = at(1, 1, 1);
    if (method === 'trilinear') {
      const c100 = at(1, 0, 0);
      const c010 = at(0, 1, 0);
      const c110 = at(1, 1, 0);
      const c001 = at(0, 0, 1);
      const c101 = at(1, 0, 1);
      const c011 = at(0, 1, 1);
      const x00 = c000 + (c100 - c000) * fr;
      const x10 = c010 + (c110 - c010) * fr;
      const x01 = c001 + (c101 - c001) * fr;
      const x11 = c011 + (c111 - c011) * fr;
      const y0 = x00 + (x10 - x00) * fg;
      const y1 = x01 + (x11 - x01) * fg;
      out[c] = y0 + (y1 - y0) * fb;
      continue;
    }
    // Tetrahedral: the cube splits into six tetrahedra along its neutral diagonal c000→c111; the
    // ordering of the fractions picks one, and the walk c000 → … → c111 steps along the largest
    // fraction first. Neutral inputs therefore only ever touch neutral table entries.
    if (fr > fg) {
      if (fg > fb) out[c] = c000 + fr * (at(1, 0, 0) - c000) + fg * (at(1, 1, 0) - at(1, 0, 0)) + fb * (c111 - at(1, 1, 0));
      else if (fr > fb) out[c] = c000 + fr * (at(1, 0, 0) - c000) + fb * (at(1, 0, 1) - at(1, 0, 0)) + fg * (c111 - at(1, 0, 1));
      else out[c] = c000 + fb * (at(0, 0, 1) - c000) + fr * (at(1, 0, 1) - at(0, 0, 1)) + fg * (c111 - at(1, 0, 1));
    } else if (fb > fg) {
      out[c] = c000 + fb * (at(0, 0, 1) - c000) + fg * (at(0, 1, 1) - at(0, 0, 1)) + fr * (c111 - at(0, 1, 1));
    } else if (fb > fr) {
      out[c] = c000 + fg * (at(0, 1, 0) - c000) + fb * (at(0, 1, 1) - at(0, 1, 0)) + fr * (c111 - at(0, 1, 1));
    } else {
      out[c] = c000 + fg * (at(0, 1, 0) - c000) + fr * (at(1, 1, 0) - at(0, 1, 0)) + fb * (c111 - at(1, 1, 0));
    }
  }
  return out;
}

/** A whole .cube file: the 1D table (Resolve shaper) first, then the 3D table. */
export function sampleCubeLut(lut: CubeLut, rgb: Vec3, method: Lut3dInterpolation = 'tetrahedral'): Vec3 {
  let v = rgb;
  if (lut.lut1d) v = sampleLut1d(lut.lut1d, v);
  if (lut.lut3d) v = sampleLut3d(lut.lut3d, v, method);
  return v;
}
