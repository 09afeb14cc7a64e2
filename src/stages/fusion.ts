/**
 * Stage fusion: a calibration stage directly followed by a thermal stage runs both in one native
 * pass (decode → calibration → thermal zone gains → encode → dither, docs/THERMAL.md "Fused with
 * calibration"). Both stages stay in the pipeline and report their own time and stats honestly:
 * the calibration stage's time includes the thermal work, the thermal stage's covers only its
 * bookkeeping (gains, slew, silence handling, the simulated source's view of the frame), and its
 * status says `fusedInto: 'calibration'`. A frame the calibration pass does not fuse (a plan with a
 * 3D LUT after a hot reload, a different output transfer, a bypassed calibration) gets the thermal
 * stage's own kernel. LEDPIPE_FUSE=0 turns fusion off (comparisons).
 */
import { FullGrayStage } from '../calibration/fullgray-stage.js';
import type { Logger } from '../pipeline/logger.js';
import type { Stage } from '../pipeline/stage.js';
import { ThermalStage } from '../thermal/thermal-stage.js';

/** Links each calibration stage that is directly followed by a thermal stage; returns the number of pairs fused. */
export function fuseStages(stages: readonly Stage[], log: Logger, env: NodeJS.ProcessEnv = process.env): number {
  if (env.LEDPIPE_FUSE === '0') return 0;
  let pairs = 0;
  for (let i = 0; i + 1 < stages.length; i++) {
    const cal = stages[i], thermal = stages[i + 1];
    if (!(cal instanceof FullGrayStage) || !(thermal instanceof ThermalStage)) continue;
    if (thermal.status().kernel !== 'native') continue;
    cal.attachThermal(thermal);
    thermal.enableFusion();
    const blocker = cal.fusionBlocker();
    if (blocker === null) log.info('thermal: runs fused into the calibration pass (one decode and encode per pixel)');
    else log.info(`thermal: not fused into calibration for now (${blocker}); it runs its own kernel until a calibration that allows it is loaded`);
    pairs++;
  }
  return pairs;
}
