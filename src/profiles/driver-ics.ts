/**
 * LED driver IC families ledpipe knows, with the facts the profile resolver uses. Sources are in
 * docs/PROFILES.md; values marked `uncertain` come from secondary sources.
 */
export interface DriverIcFamily {
  readonly family: string;
  readonly vendor: string;
  /** PWM grayscale depth per colour the IC can display. */
  readonly grayscaleBits: number;
  /** Highest scan ratio supported (1 = static drive). */
  readonly maxScan: number;
  /** Whether grayscale is PWM inside the IC (true) or shaped by the receiving card (false). */
  readonly internalPwm: boolean;
  readonly uncertain?: boolean;
}

export const DRIVER_ICS: readonly DriverIcFamily[] = [
  // Macroblock MBI5353 datasheet: 13–16-bit PWM grayscale, scan up to 1:32, low-gray improvement.
  { family: 'MBI5353', vendor: 'Macroblock', grayscaleBits: 16, maxScan: 32, internalPwm: true },
  // TI TLC6983: 16-bit PWM grayscale, 1:32 scan, low-gray compensation (TI SLVAFM7 / datasheet).
  { family: 'TLC6983', vendor: 'Texas Instruments', grayscaleBits: 16, maxScan: 32, internalPwm: true },
  // Chipone ICN2153: PWM driver common on rental panels; 16-bit grayscale per vendor material (uncertain).
  { family: 'ICN2153', vendor: 'Chipone', grayscaleBits: 16, maxScan: 32, internalPwm: true, uncertain: true },
  // Generic shift-register constant-current drivers (MBI5124 class): PWM comes from the receiving card,
  // typically 13–14 bits at outdoor refresh rates (uncertain).
  { family: 'MBI5124', vendor: 'Macroblock', grayscaleBits: 13, maxScan: 16, internalPwm: false, uncertain: true },
];

export interface DriverIcMatch {
  readonly ic: DriverIcFamily;
  /** Set when the name was not a known family: why this family was chosen instead. */
  readonly fallbackReason?: string;
}

/** Exact family, then same vendor prefix (MBI…, TLC…, ICN…), then the most conservative generic. */
export function resolveDriverIc(name: string): DriverIcMatch {
  const wanted = name.trim().toUpperCase();
  const exact = DRIVER_ICS.find((ic) => ic.family === wanted);
  if (exact) return { ic: exact };
  const prefix = /^[A-Z]+/.exec(wanted)?.[0] ?? '';
  const sameVendor = DRIVER_ICS.filter((ic) => prefix.length >= 2 && ic.family.startsWith(prefix));
  if (sameVendor.length > 0) {
    // Same vendor line: take the one with the closest part number.
    const num = Number(/\d+/.exec(wanted)?.[0] ?? NaN);
    const best = [...sameVendor].sort((a, b) => Math.abs(Number(/\d+/.exec(a.family)![0]) - num) - Math.abs(Number(/\d+/.exec(b.family)![0]) - num))[0]!;
    return { ic: best, fallbackReason: `driver IC '${name}' is not documented; using the nearest documented family ${best.family} (same vendor prefix ${prefix})` };
  }
  const generic = DRIVER_ICS.find((ic) => ic.family === 'MBI5124')!;
  return { ic: generic, fallbackReason: `driver IC '${name}' is not documented; using ${generic.family} (${generic.grayscaleBits}-bit, the most conservative documented family)` };
}
