/**
 * The calibration of one window of the wall (--region, docs/SCALING.md): the same file describes
 * the whole canvas; the window gets its modules' matrices, its pixels' gains and its modules'
 * seam gains, laid out as a calibration of the window's size. The kernel then applies exactly
 * what it applies to those pixels on the whole canvas (the dither phase is offset by the stage).
 *
 * Windows start and end on module boundaries (or the canvas edge): a module is driven by one
 * receiving card, which takes its data from one sending-card output, so a window that cuts a
 * module does not describe hardware; it is refused with the module size and the nearest windows.
 */
import { formatRegion, RegionError, type CanvasRegion } from '../pipeline/canvas-region.js';
import { moduleGrid, type Calibration, type CalibrationGain } from './ledcal-format.js';

function alignedEdge(start: number, size: number, module: number, extent: number): boolean {
  return start % module === 0 && (start + size === extent || (start + size) % module === 0);
}

/** The windows nearest to `r` whose edges are on module boundaries (for the error message). */
function nearestAligned(r: CanvasRegion, mw: number, mh: number): string {
  const x0 = Math.floor(r.x / mw) * mw, y0 = Math.floor(r.y / mh) * mh;
  const x1 = Math.min(Math.ceil((r.x + r.width) / mw) * mw, r.canvasWidth);
  const y1 = Math.min(Math.ceil((r.y + r.height) / mh) * mh, r.canvasHeight);
  return formatRegion({ x: x0, y: y0, width: x1 - x0, height: y1 - y0 });
}

/**
 * Checks that the calibration describes the region's canvas and that the region keeps modules
 * whole. Throws RegionError naming --region, the canvas and the module size.
 */
export function checkCalibrationRegion(cal: Calibration, r: CanvasRegion, file: string): void {
  if (cal.width !== r.canvasWidth || cal.height !== r.canvasHeight) {
    throw new RegionError(`--region ${formatRegion(r)}: ${file} calibrates a ${cal.width}x${cal.height} wall but the canvas is ${r.canvasWidth}x${r.canvasHeight} (--canvas must be the calibrated wall)`);
  }
  const { width: mw, height: mh } = cal.module;
  if (!alignedEdge(r.x, r.width, mw, cal.width) || !alignedEdge(r.y, r.height, mh, cal.height)) {
    throw new RegionError(
      `--region ${formatRegion(r)} cuts LED modules: ${file} has ${mw}x${mh} px modules, so x and x+w must be multiples of ${mw} ` +
        `(or x+w the canvas width ${cal.width}) and y and y+h multiples of ${mh} (or y+h the canvas height ${cal.height}); ` +
        `the nearest window that keeps modules whole is ${nearestAligned(r, mw, mh)}`,
    );
  }
}

/** The calibration of the window `r` of the canvas `cal` describes (see checkCalibrationRegion). */
export function sliceCalibration(cal: Calibration, r: CanvasRegion, file: string): Calibration {
  checkCalibrationRegion(cal, r, file);
  if (r.x === 0 && r.y === 0 && r.width === cal.width && r.height === cal.height) return cal;
  const { width: mw, height: mh } = cal.module;
  const full = moduleGrid(cal);
  const sub = moduleGrid({ width: r.width, height: r.height, module: cal.module });
  const mc0 = r.x / mw, mr0 = r.y / mh;
  const K = cal.anchors.length;
  const per = K * 9;
  const matrices = new Float32Array(sub.rows * sub.cols * per);
  for (let row = 0; row < sub.rows; row++) {
    const from = ((mr0 + row) * full.cols + mc0) * per;
    matrices.set(cal.matrices.subarray(from, from + sub.cols * per), row * sub.cols * per);
  }
  let seams: Float32Array | null = null;
  if (cal.seams) {
    seams = new Float32Array(sub.rows * sub.cols * 4);
    for (let row = 0; row < sub.rows; row++) {
      const from = ((mr0 + row) * full.cols + mc0) * 4;
      seams.set(cal.seams.subarray(from, from + sub.cols * 4), row * sub.cols * 4);
    }
  }
  let gain: CalibrationGain | null = null;
  if (cal.gain) {
    const g = cal.gain;
    const data = g.data instanceof Uint16Array ? new Uint16Array(3 * r.width * r.height) : new Uint8Array(3 * r.width * r.height);
    for (let c = 0; c < 3; c++) {
      for (let y = 0; y < r.height; y++) {
        const from = c * cal.width * cal.height + (r.y + y) * cal.width + r.x;
        data.set(g.data.subarray(from, from + r.width), c * r.width * r.height + y * r.width);
      }
    }
    gain = { ...g, data };
  }
  // A window narrower than a module is the canvas's last, partial module column (or row): one
  // module of the window's size, which keeps the kernel's module geometry valid.
  const module = { width: Math.min(mw, r.width), height: Math.min(mh, r.height) };
  return { ...cal, width: r.width, height: r.height, module, matrices, seams, gain };
}
