import type { Lab } from './cielab.js';

/** Parametric weights of CIEDE2000; 1, 1, 1 are the reference conditions. */
export interface Ciede2000Weights {
  readonly kL: number;
  readonly kC: number;
  readonly kH: number;
}

const REFERENCE_WEIGHTS: Ciede2000Weights = { kL: 1, kC: 1, kH: 1 };
const POW25_7 = 25 ** 7;
const DEG = Math.PI / 180;

/** Hue angle in degrees, [0, 360); 0 for the achromatic case as Sharma et al. specify. */
function hueDegrees(b: number, aPrime: number): number {
  if (b === 0 && aPrime === 0) return 0;
  const h = Math.atan2(b, aPrime) / DEG;
  return h < 0 ? h + 360 : h;
}

/**
 * CIEDE2000 colour difference, implemented step by step as in G. Sharma, W. Wu, E. N. Dalal,
 * "The CIEDE2000 Color-Difference Formula: Implementation Notes, Supplementary Test Data, and
 * Mathematical Observations", Color Res. Appl. 30(1), 2005 (eqs. 2–22). The hue-difference and
 * mean-hue branches at |h1' - h2'| = 180° follow the paper exactly; its 34 test pairs pass to 1e-4.
 * Symmetric in its arguments.
 */
export function deltaE2000(lab1: Lab, lab2: Lab, weights: Ciede2000Weights = REFERENCE_WEIGHTS): number {
  // Step 1: a' rescaling that lifts neutral colours' chroma, then C' and h'.
  const cAb = (Math.hypot(lab1.a, lab1.b) + Math.hypot(lab2.a, lab2.b)) / 2;
  const cAb7 = cAb ** 7;
  const g = 0.5 * (1 - Math.sqrt(cAb7 / (cAb7 + POW25_7)));
  const a1 = (1 + g) * lab1.a;
  const a2 = (1 + g) * lab2.a;
  const c1 = Math.hypot(a1, lab1.b);
  const c2 = Math.hypot(a2, lab2.b);
  const h1 = hueDegrees(lab1.b, a1);
  const h2 = hueDegrees(lab2.b, a2);

  // Step 2: differences. A zero chroma makes the hue undefined, so its difference is 0.
  const dL = lab2.L - lab1.L;
  const dC = c2 - c1;
  const chromaProduct = c1 * c2;
  let dh = 0;
  if (chromaProduct !== 0) {
    dh = h2 - h1;
    if (dh > 180) dh -= 360;
    else if (dh < -180) dh += 360;
  }
  const dH = 2 * Math.sqrt(chromaProduct) * Math.sin((dh / 2) * DEG);

  // Step 3: means and the weighting functions.
  const lMean = (lab1.L + lab2.L) / 2;
  const cMean = (c1 + c2) / 2;
  let hMean = h1 + h2;
  if (chromaProduct !== 0) {
    if (Math.abs(h1 - h2) <= 180) hMean /= 2;
    else hMean = hMean < 360 ? (hMean + 360) / 2 : (hMean - 360) / 2;
  }
  const t =
    1 -
    0.17 * Math.cos((hMean - 30) * DEG) +
    0.24 * Math.cos(2 * hMean * DEG) +
    0.32 * Math.cos((3 * hMean + 6) * DEG) -
    0.2 * Math.cos((4 * hMean - 63) * DEG);
  const dTheta = 30 * Math.exp(-(((hMean - 275) / 25) ** 2));
  const cMean7 = cMean ** 7;
  const rC = 2 * Math.sqrt(cMean7 / (cMean7 + POW25_7));
  const l50 = (lMean - 50) ** 2;
  const sL = 1 + (0.015 * l50) / Math.sqrt(20 + l50);
  const sC = 1 + 0.045 * cMean;
  const sH = 1 + 0.015 * cMean * t;
  const rT = -Math.sin(2 * dTheta * DEG) * rC;

  const lTerm = dL / (weights.kL * sL);
  const cTerm = dC / (weights.kC * sC);
  const hTerm = dH / (weights.kH * sH);
  return Math.sqrt(lTerm * lTerm + cTerm * cTerm + hTerm * hTerm + rT * cTerm * hTerm);
}
