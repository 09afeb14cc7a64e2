/**
 * One instance's window of a wall larger than one machine drives (docs/SCALING.md): the canvas is
 * the whole wall as the calibration file and the thermal zone grid describe it; `--region
 * x,y,w,h` says which window of it this instance's frames are (a sending card's output). Stages
 * that depend on position (calibration modules, seams and gains, dither phase, thermal zones)
 * work in canvas coordinates, so N instances reproduce the single-instance result exactly.
 */

/** A window of the canvas, before the canvas size is known (what --region says). */
export interface RegionSpec {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** A window placed on a canvas of known size (validated: inside it, positive size). */
export interface CanvasRegion extends RegionSpec {
  readonly canvasWidth: number;
  readonly canvasHeight: number;
}

/** A bad --region / --canvas, or frames that do not match the region: names the flag. */
export class RegionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RegionError';
  }
}

export const MAX_CANVAS_SIDE = 32768;

export function formatRegion(r: RegionSpec): string {
  return `${r.x},${r.y},${r.width},${r.height}`;
}

/** Parses 'x,y,w,h' (non-negative integers, positive size). */
export function parseRegionSpec(text: string, flag = '--region'): RegionSpec {
  const m = /^\s*(\d{1,6})\s*,\s*(\d{1,6})\s*,\s*(\d{1,6})\s*,\s*(\d{1,6})\s*$/.exec(text);
  if (!m) throw new RegionError(`${flag}: expected x,y,w,h (the window of the canvas this instance drives, pixels, e.g. 1920,0,1920,1080), got '${text}'`);
  const [x, y, width, height] = [m[1], m[2], m[3], m[4]].map(Number) as [number, number, number, number];
  if (width < 1 || height < 1) throw new RegionError(`${flag}: width and height must be at least 1, got '${text}'`);
  if (x + width > MAX_CANVAS_SIDE || y + height > MAX_CANVAS_SIDE) throw new RegionError(`${flag}: the window must end within ${MAX_CANVAS_SIDE} px of the canvas origin, got '${text}'`);
  return { x, y, width, height };
}

/** Parses the canvas size 'WxH'. */
export function parseCanvasSize(text: string, flag = '--canvas'): { width: number; height: number } {
  const m = /^\s*(\d{1,6})\s*[xX]\s*(\d{1,6})\s*$/.exec(text);
  const width = m ? Number(m[1]) : NaN;
  const height = m ? Number(m[2]) : NaN;
  if (!m || width < 1 || height < 1 || width > MAX_CANVAS_SIDE || height > MAX_CANVAS_SIDE) {
    throw new RegionError(`${flag}: expected WIDTHxHEIGHT of the whole wall, 1..${MAX_CANVAS_SIDE} each (e.g. 3840x2160), got '${text}'`);
  }
  return { width, height };
}

/** Places the window on the canvas; the error names the flag, the window and the canvas size. */
export function placeRegion(spec: RegionSpec, canvas: { width: number; height: number }, flag = '--region'): CanvasRegion {
  const r = { ...spec, canvasWidth: canvas.width, canvasHeight: canvas.height };
  if (spec.x + spec.width > canvas.width || spec.y + spec.height > canvas.height) {
    throw new RegionError(
      `${flag}: ${formatRegion(spec)} (x ${spec.x}..${spec.x + spec.width - 1}, y ${spec.y}..${spec.y + spec.height - 1}) is not inside the ${canvas.width}x${canvas.height} canvas`,
    );
  }
  return r;
}

/** Throws unless `stage` receives frames of the region's size (what the instance must be fed). */
export function checkRegionFrames(r: CanvasRegion, stage: string, width: number, height: number): void {
  if (width !== r.width || height !== r.height) {
    throw new RegionError(
      `--region ${formatRegion(r)}: the ${stage} stage receives ${width}x${height} frames but the region is ${r.width}x${r.height}; ` +
        `feed this instance the ${r.width}x${r.height} window at ${r.x},${r.y} of the ${r.canvasWidth}x${r.canvasHeight} canvas (after any upscaling)`,
    );
  }
}
