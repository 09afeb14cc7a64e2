/**
 * `--region x,y,w,h [--canvas WxH]` (docs/SCALING.md): the window of the wall this instance
 * drives. The canvas is --canvas, else the geometry of the --calibration file (which describes
 * the whole wall); the thermal zone grid covers the same canvas.
 */
import { readLedcal } from '../calibration/ledcal-format.js';
import { formatRegion, placeRegion, RegionError, type CanvasRegion, type RegionSpec } from '../pipeline/canvas-region.js';
import type { StageFlagValues } from '../stages/registry.js';

export async function resolveRegionOption(
  spec: RegionSpec | null,
  canvas: { width: number; height: number } | null,
  stageFlags: StageFlagValues,
): Promise<CanvasRegion | undefined> {
  if (!spec) return undefined;
  if (canvas) return placeRegion(spec, canvas);
  const file = stageFlags.calibration;
  if (typeof file !== 'string') {
    throw new RegionError(`--region ${formatRegion(spec)}: the canvas size is unknown; give --canvas WxH (the whole wall), or --calibration FILE.ledcal, whose geometry is the canvas`);
  }
  let cal;
  try {
    cal = await readLedcal(file);
  } catch (err) {
    throw new RegionError(`--region ${formatRegion(spec)}: the canvas size comes from --calibration, which cannot be read: ${(err as Error).message}`);
  }
  return placeRegion(spec, { width: cal.width, height: cal.height });
}
