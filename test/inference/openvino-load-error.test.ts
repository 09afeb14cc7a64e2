/**
 * A file that is not a library: OpenVINO is unavailable with the loader's reason. Its own file (so its
 * own process): once a process has loaded libopenvino_c, later loads answer with that library.
 */
import { writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { OpenVinoBackend } from '../../src/inference/openvino-backend.js';
import { selectBackend } from '../../src/inference/select.js';
import { OnnxRuntimeBackend } from '../../src/inference/onnxruntime-backend.js';
import { nativeStatus } from '../../src/native/index.js';
import { tempDir } from './fixtures.js';

const native = nativeStatus();
const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe.skipIf(!native.available)(`LEDPIPE_OPENVINO_LIB at a file that is not a library${native.available ? '' : ` (skipped: ${native.reason})`}`, () => {
  it('reports a load error with the path and the loader message, and selection moves on', () => {
    const bogus = `${tmp.dir}/libopenvino_c.so`;
    writeFileSync(bogus, 'not an ELF file\n');
    const backend = new OpenVinoBackend({ env: { LEDPIPE_OPENVINO_LIB: bogus } });
    const info = backend.probe();
    expect(info.available).toBe(false);
    expect(info.reason).toMatch(new RegExp(`^load error: ${bogus} \\(from LEDPIPE_OPENVINO_LIB\\): .*${bogus}.*(invalid ELF header|file too short)`));
    expect(info.reason).toContain(`(looked in: LEDPIPE_OPENVINO_LIB=${bogus})`);
    expect(selectBackend(undefined, [backend, new OnnxRuntimeBackend()]).name).toBe('onnxruntime');
  });
});
