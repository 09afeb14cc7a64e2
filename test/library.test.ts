import path from 'node:path';
import { lastValueFrom, map, toArray } from 'rxjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createPipeline, locateFfmpeg, openDecoder, type Frame, type Stage } from '../src/index.js';
import { decodeRef, makeClip, tmpDir } from './helpers.js';

// Embedding: a video processor drives the pipeline from its own code. Running from the TypeScript
// sources also exercises the portable stream reader (the worker reader needs the compiled files).
describe('library API', () => {
  let clip: string;
  beforeAll(() => {
    clip = makeClip(path.join(tmpDir(), 'clip.mkv'), 'testsrc2=size=64x36:rate=25', 12, ['-c:v', 'ffv1']);
  });

  it('decodes, runs a custom stage in place, and hands every frame back in order', async () => {
    const invert: Stage = {
      name: 'invert',
      modes: ['only'],
      process(frame: Frame) {
        for (let i = 0; i < frame.data.length; i++) frame.data[i] = 255 - frame.data[i]!;
        return frame;
      },
    };
    const source = await openDecoder(locateFfmpeg().path, { input: clip, format: 'rgb24', capacity: 3, nativeRate: false });
    expect(source.info).toMatchObject({ width: 64, height: 36, format: 'rgb24', fps: 25 });
    const pipeline = createPipeline({ stages: [invert], fps: source.info.fps ?? 60 });
    const out = await lastValueFrom(
      pipeline.process(source.frames).pipe(
        map((f) => {
          const copy = { seq: f.seq, bytes: Buffer.from(f.data) };
          f.release();
          return copy;
        }),
        toArray(),
      ),
    );
    expect(out.map((f) => f.seq)).toEqual([...Array(12).keys()]);
    const ref = decodeRef(clip, 'rgb24');
    const expected = Buffer.from(ref.map((b) => 255 - b));
    expect(Buffer.concat(out.map((f) => f.bytes)).equals(expected)).toBe(true);
    expect(pipeline.stats.snapshot('summary').stages.invert!.frames).toBe(12);
  });
});
