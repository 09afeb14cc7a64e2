/** The native tetrahedral LUT kernel against ffmpeg's lut3d=interp=tetrahedral, rgb24, on every ISA path. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeCubeFile } from '../../src/calibration/cube-lut.js';
import { buildKernelPlan } from '../../src/calibration/fullgray-plan.js';
import { locateFfmpeg } from '../../src/io/ffmpeg-locate.js';
import { nativeInfo, setNativeIsa } from '../../src/native/index.js';
import { applyNativeCalibration, createNativeCalibrationPlan } from '../../src/native/calibration.js';
import { gradingLut, nativeCalAvailable, nativeSkipNote, randomFrame } from './fixtures.js';

let ffmpeg: string | null = null;
try {
  ffmpeg = locateFfmpeg().path;
} catch {
  ffmpeg = null;
}

describe(`native 3D LUT vs ffmpeg lut3d (tetrahedral)${nativeSkipNote}${ffmpeg ? '' : ' (skipped: no ffmpeg)'}`, () => {
  it.skipIf(!nativeCalAvailable || !ffmpeg)('agrees within 1 LSB at 8 bits for 17³ and 33³ tables', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lut-ff-'));
    const W = 96, H = 64;
    for (const size of [17, 33]) {
      const lut = gradingLut(size);
      const file = join(dir, `g${size}.cube`);
      await writeCubeFile(file, lut, { decimals: 8 });
      const input = randomFrame(W, H, 'rgb24', size);
      const r = spawnSync(ffmpeg!, ['-hide_banner', '-loglevel', 'error', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${W}x${H}`, '-i', '-', '-vf', `lut3d=file=${file}:interp=tetrahedral`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { input, maxBuffer: 1 << 26 });
      expect(r.status, r.stderr?.toString()).toBe(0);
      const ref = r.stdout;
      const plan = createNativeCalibrationPlan(buildKernelPlan({ width: W, height: H, format: 'rgb24', outBits: 8, calibration: null, lut }));
      const before = nativeInfo().isa;
      try {
        for (const isa of nativeInfo().supportedIsas) {
          setNativeIsa(isa);
          const out = Buffer.from(input);
          applyNativeCalibration({ plan, width: W, height: H, format: 'rgb24', data: out, flags: 0, ditherIndex: 0 });
          let max = 0, differ = 0;
          for (let i = 0; i < out.length; i++) {
            const d = Math.abs(out[i]! - ref[i]!);
            max = Math.max(max, d);
            if (d) differ++;
          }
          expect(max, `${isa} ${size}³: max |native - ffmpeg|`).toBeLessThanOrEqual(1);
          // ffmpeg truncates where the kernel rounds: about half the samples differ by one code.
          expect(differ / out.length).toBeLessThan(0.75);
        }
      } finally {
        setNativeIsa(before);
      }
    }
  });
});
