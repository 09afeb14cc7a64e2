/**
 * Zones are cabinets on a COLS x ROWS grid over the frame, numbered row-major from 0 (top-left).
 * Values defined per zone are interpolated bilinearly between zone centres and held constant
 * beyond the outermost centres; pixel (x, y) is at its centre (x + 0.5, y + 0.5). The native
 * kernel (native/thermal.cc) uses the same definition.
 */
export interface ZoneGrid {
  readonly cols: number;
  readonly rows: number;
}

export const MAX_ZONES_PER_SIDE = 1024;

/** Parses 'COLSxROWS' (e.g. '8x4'); the error names the flag and the value. */
export function parseZoneGrid(text: string, flag = '--thermal-zones'): ZoneGrid {
  const m = /^\s*(\d+)\s*[xX]\s*(\d+)\s*$/.exec(text);
  const cols = m ? Number(m[1]) : NaN;
  const rows = m ? Number(m[2]) : NaN;
  if (!m || cols < 1 || rows < 1 || cols > MAX_ZONES_PER_SIDE || rows > MAX_ZONES_PER_SIDE) {
    throw new RangeError(`${flag}: expected COLSxROWS with 1..${MAX_ZONES_PER_SIDE} each (e.g. 8x4) but received '${text}'`);
  }
  return { cols, rows };
}

export function zoneCount(g: ZoneGrid): number {
  return g.cols * g.rows;
}

/** One axis: the two zones around pixel centre `p` and the weight of the second. */
export function axisWeights(p: number, n: number, extent: number): [number, number, number] {
  if (n === 1) return [0, 0, 0];
  const first = (0.5 * extent) / n;
  const last = ((n - 0.5) * extent) / n;
  if (p <= first) return [0, 0, 0];
  if (p >= last) return [n - 1, n - 1, 0];
  const i0 = Math.min(Math.floor((p * n) / extent - 0.5), n - 2);
  const c0 = ((i0 + 0.5) * extent) / n;
  const c1 = ((i0 + 1.5) * extent) / n;
  return [i0, i0 + 1, (p - c0) / (c1 - c0)];
}

/** Bilinear weights of the (up to four) zones at pixel (x, y): [zone, weight][]. */
export function pixelZoneWeights(g: ZoneGrid, width: number, height: number, x: number, y: number): [number, number][] {
  const [c0, c1, wx] = axisWeights(x + 0.5, g.cols, width);
  const [r0, r1, wy] = axisWeights(y + 0.5, g.rows, height);
  return [
    [r0 * g.cols + c0, (1 - wx) * (1 - wy)],
    [r0 * g.cols + c1, wx * (1 - wy)],
    [r1 * g.cols + c0, (1 - wx) * wy],
    [r1 * g.cols + c1, wx * wy],
  ];
}

/** A per-zone value interpolated at pixel (x, y). */
export function interpolateAt(g: ZoneGrid, width: number, height: number, values: ArrayLike<number>, x: number, y: number): number {
  let s = 0;
  for (const [z, w] of pixelZoneWeights(g, width, height, x, y)) s += values[z]! * w;
  return s;
}

/** The zone a pixel belongs to (the cabinet it is on). */
export function zoneOfPixel(g: ZoneGrid, width: number, height: number, x: number, y: number): number {
  return Math.min(Math.floor((y * g.rows) / height), g.rows - 1) * g.cols + Math.min(Math.floor((x * g.cols) / width), g.cols - 1);
}
