/**
 * Property-based fuzzing of every parser that takes outside input: no crash, no hang, and a clear,
 * typed error for every rejection.
 */
import { PassThrough } from 'node:stream';
import fc from 'fast-check';
import { lastValueFrom, map, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { parseCommandLine, UsageError } from '../../src/cli/args.js';
import { CubeParseError, parseCube } from '../../src/calibration/cube-lut.js';
import { readFrames } from '../../src/io/frame-reader.js';
import { parseDuration, parseOutputStream } from '../../src/io/sources.js';
import { parseOverrunPolicySpec } from '../../src/pipeline/overrun-policy.js';

const FLAGS = ['-i', '-o', '--output-format', '--size', '--pix-fmt', '--fps', '--stages', '--realtime', '--offline', '--on-overrun', '--max-in-flight', '--stats', '--stats-interval', '--progress', '--log-level', '--lut', '--frob', '-h', 'doctor', '--json', '-'];
const VALUES = ['', 'x', '0', '-1', '1e9', 'NaN', '60', '59.94', '1920x1080', '0x0', 'rgb24', 'rgb48le', 'raw', 'nut', 'y4m', 'none', 'sr', 'sr,calibration', ',', 'drop', 'sr=degrade', '=', 'quiet', 'a.cube', '中文', '--'];

describe('fuzz: CLI arguments', () => {
  it('every argument vector parses or is a UsageError naming a flag', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom(...FLAGS), fc.constantFrom(...VALUES), fc.string({ maxLength: 12 })), { maxLength: 12 }), (argv) => {
        try {
          const cmd = parseCommandLine(argv);
          expect(['run', 'doctor', 'help', 'version']).toContain(cmd.kind);
        } catch (err) {
          expect(err).toBeInstanceOf(UsageError);
          expect((err as Error).message.length).toBeGreaterThan(5);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('fuzz: --on-overrun', () => {
  it('parses or throws a RangeError that names the flag', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 40 }), fc.array(fc.constantFrom('sr', 'drop', 'degrade', '=', ',', 'bypass', 'fail', ' ', 'x'), { maxLength: 10 }).map((a) => a.join(''))), (text) => {
        try {
          const spec = parseOverrunPolicySpec(text);
          expect(['drop', 'degrade', 'bypass', 'fail']).toContain(spec.defaultPolicy);
        } catch (err) {
          expect(err).toBeInstanceOf(RangeError);
          expect((err as Error).message).toMatch(/^--on-overrun: /);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('fuzz: .cube files', () => {
  const line = fc.oneof(
    fc.constantFrom('LUT_3D_SIZE 2', 'LUT_3D_SIZE 3', 'LUT_1D_SIZE 2', 'LUT_3D_SIZE 999', 'LUT_3D_SIZE -1', 'TITLE "x"', 'TITLE', 'DOMAIN_MIN 0 0 0', 'DOMAIN_MAX 1 1 1', 'DOMAIN_MAX 0 0 0', 'LUT_3D_INPUT_RANGE 0 1', '# c', '', '0 0 0', '1 1 1', '0.5 0.5', 'nan 1 1', '1e400 0 0', 'a b c', '\r'),
    fc.tuple(fc.double(), fc.double(), fc.double()).map((t) => t.join(' ')),
    fc.string({ maxLength: 20 }),
  );
  it('parses or throws a CubeParseError naming file and line', () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 40 }), fc.constantFrom('\n', '\r\n'), (lines, eol) => {
        try {
          const lut = parseCube(lines.join(eol), 'fuzz.cube');
          expect(lut.lut3d !== null || lut.lut1d !== null).toBe(true);
        } catch (err) {
          expect(err).toBeInstanceOf(CubeParseError);
          expect((err as Error).message).toMatch(/^fuzz\.cube(:\d+)?: /);
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe('fuzz: raw frame framing', () => {
  it('any byte count in any chunking gives floor(n / frame) exact frames and names the leftover', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 2000 }), fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 20 }), fc.integer({ min: 1, max: 4 }), async (total, cuts, capacity) => {
        const frameBytes = 4 * 3 * 3; // 4x3 rgb24
        const bytes = Buffer.from(Array.from({ length: total }, (_, i) => (i * 31 + 7) & 0xff));
        const input = new PassThrough();
        let leftoverSeen = -1;
        const stream = readFrames(input, { width: 4, height: 3, format: 'rgb24', fps: 30 }, { capacity, onEnd: (_f, leftover) => ((leftoverSeen = leftover), null) });
        const done = lastValueFrom(
          stream.frames.pipe(
            map((f) => {
              const copy = Buffer.from(f.data);
              // Release later, in random order relative to reading: the reader must wait, not lose bytes.
              setTimeout(() => f.release(), 0);
              return copy;
            }),
            toArray(),
          ),
        );
        let off = 0;
        let k = 0;
        while (off < total) {
          const n = Math.min(cuts[k++ % cuts.length]!, total - off);
          input.write(bytes.subarray(off, off + n));
          off += n;
        }
        input.end();
        const frames = await done;
        expect(frames.length).toBe(Math.floor(total / frameBytes));
        expect(Buffer.concat(frames).equals(bytes.subarray(0, frames.length * frameBytes))).toBe(true);
        expect(leftoverSeen).toBe(total % frameBytes);
      }),
      { numRuns: 300 },
    );
  });
});

describe('fuzz: ffmpeg log parsing', () => {
  it('never throws and only returns sane geometry', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.constantFrom('    Stream #0:0: Video: rawvideo (RGB[24] / 0x18424752), rgb24, 320x240, q=2-31, 30 fps', '  Duration: 00:01:02.50, start: 0', 'Stream #0:0: Video: rawvideo, rgb48le, 99999999999x1, 1k fps')), (line) => {
        const g = parseOutputStream(line);
        if (g) {
          expect(Number.isInteger(g.width) && Number.isInteger(g.height)).toBe(true);
          expect(g.width >= 1 && g.width <= 65536 && g.height >= 1 && g.height <= 65536).toBe(true);
          expect(g.fps === null || (g.fps > 0 && Number.isFinite(g.fps))).toBe(true);
        }
        const d = parseDuration(line);
        expect(d === null || (Number.isFinite(d) && d >= 0)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });
});
