/** The demo's sizes and settings: the full run (`npm run demo`) and the reduced `--quick` one (tests). */
export interface DemoConfig {
  readonly quick: boolean;
  /** The low-resolution feed. */
  readonly source: { readonly width: number; readonly height: number };
  /** The LED wall (source × 2: the shipped x2 model). */
  readonly wall: { readonly width: number; readonly height: number };
  readonly module: { readonly width: number; readonly height: number };
  readonly cabinet: { readonly modulesX: number; readonly modulesY: number };
  readonly fps: number;
  readonly seconds: number;
  /** Cabinet temperature when the clip starts (the wall has been on for a while), °C. */
  readonly startCelsius: number;
  readonly model: string;
}

export const SHIPPED_MODEL = 'ledpipe-sr-x2-luma-s2d-blend-c28';

/**
 * 320x180 → 640x360. A 960x540 wall was measured first: `calibrate solve` alone took 78 s there on
 * this shared 2-core machine, which leaves no room under the 2-minute target.
 */
export const FULL_DEMO: DemoConfig = {
  quick: false,
  source: { width: 320, height: 180 },
  wall: { width: 640, height: 360 },
  module: { width: 80, height: 45 },
  cabinet: { modulesX: 2, modulesY: 2 },
  fps: 30,
  seconds: 3,
  startCelsius: 50,
  model: SHIPPED_MODEL,
};

export const QUICK_DEMO: DemoConfig = {
  ...FULL_DEMO,
  quick: true,
  source: { width: 160, height: 90 },
  wall: { width: 320, height: 180 },
  module: { width: 40, height: 30 },
  seconds: 1,
};

/** The screen profile of the demo wall (docs/PROFILES.md), written next to the outputs and passed as --profile. */
export function demoProfile(c: DemoConfig): Record<string, unknown> {
  return {
    name: c.quick ? 'demo-wall-quick' : 'demo-wall',
    description: `Demo indoor wall: ${c.wall.width}x${c.wall.height} px, ${c.module.width}x${c.module.height} modules, ${c.cabinet.modulesX}x${c.cabinet.modulesY} modules per cabinet.`,
    environment: 'indoor',
    pixelPitchMm: 1.5,
    resolution: { width: c.wall.width, height: c.wall.height },
    module: { width: c.module.width, height: c.module.height },
    cabinet: { modulesX: c.cabinet.modulesX, modulesY: c.cabinet.modulesY },
    driverIc: { family: 'ICN2153', grayscaleBits: 16, scan: 32 },
    led: { package: 'SMD1515', type: 'smd-rgb' },
    peakNits: 1200,
    brightness: { mode: 'show', percent: 80 },
    targetCct: 6500,
    targetGamut: 'bt709',
    refreshHz: 3840,
    viewingDistanceM: 4,
  };
}
