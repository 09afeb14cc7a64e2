/**
 * The transfer curves a calibration names (input signal and output drive), as normalised functions:
 * signal in [0, 1] <-> relative linear light in [0, 1]. PQ is relative to `peakNits` (clipped above).
 */
import type { TransferCurve } from './ledcal-format.js';
import { gammaDecode, gammaEncode, pqDecode, pqEncode, srgbDecode, srgbEncode } from './transfer-functions.js';

export function transferDecode(t: TransferCurve): (v: number) => number {
  switch (t.curve) {
    case 'linear':
      return (v) => (v <= 0 ? 0 : v);
    case 'srgb':
      return srgbDecode;
    case 'gamma':
      return (v) => gammaDecode(v, t.gamma);
    case 'pq':
      return (v) => Math.min(pqDecode(v) / t.peakNits, 1);
  }
}

export function transferEncode(t: TransferCurve): (l: number) => number {
  switch (t.curve) {
    case 'linear':
      return (l) => (l <= 0 ? 0 : l);
    case 'srgb':
      return srgbEncode;
    case 'gamma':
      return (l) => gammaEncode(l, t.gamma);
    case 'pq':
      return (l) => pqEncode(Math.min(Math.max(l, 0), 1) * t.peakNits);
  }
}

export function describeTransfer(t: TransferCurve): string {
  return t.curve === 'gamma' ? `gamma ${t.gamma}` : t.curve === 'pq' ? `PQ (${t.peakNits} cd/m² = 1)` : t.curve;
}
