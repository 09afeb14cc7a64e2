/** Backend order, forced choice, and loadWithFallback's two fallbacks (load, first run). */
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BackendUnavailableError, ModelLoadError, type Backend, type BackendInfo, type BackendName, type InferenceSession, type Tensor } from '../../src/inference/backend.js';
import { ModelContractError } from '../../src/inference/contract.js';
import { OnnxRuntimeBackend } from '../../src/inference/onnxruntime-backend.js';
import { OpenVinoBackend } from '../../src/inference/openvino-backend.js';
import { listBackends, loadWithFallback, selectBackend } from '../../src/inference/select.js';
import { TensorRtBackend } from '../../src/inference/tensorrt-backend.js';
import { nativeStatus } from '../../src/native/index.js';
import { buildModel, tinySrModel } from '../support/onnx-builder.js';
import { openVinoProbe, randomImage, tempDir, writeModel } from './fixtures.js';

const ov = openVinoProbe();
const skipNote = ov.available ? '' : ` (skipped: OpenVINO unavailable: ${ov.reason})`;
const tmp = tempDir();
afterAll(() => tmp.cleanup());
const tiny = writeModel(tmp.dir, 'tiny.onnx', tinySrModel({ scale: 2, seed: 2 }));
const missingLib = `${tmp.dir}/no/libopenvino_c.so`;
const ovMissing = (): OpenVinoBackend => new OpenVinoBackend({ env: { LEDPIPE_OPENVINO_LIB: missingLib } });

/** A stand-in that probes available and fails as told. */
class FakeBackend implements Backend {
  runs = 0;
  constructor(
    readonly name: BackendName,
    private readonly fail: { load?: Error; firstRun?: Error },
    private readonly real: Backend = new OnnxRuntimeBackend(),
  ) {}
  probe(): BackendInfo {
    return { name: this.name, available: true, version: 'fake', device: 'CPU' };
  }
  async load(modelPath: string): Promise<InferenceSession> {
    if (this.fail.load) throw this.fail.load;
    const inner = await this.real.load(modelPath);
    return {
      backend: this.name, modelPath, input: inner.input, output: inner.output,
      run: async (t: Tensor) => {
        this.runs++;
        if (this.fail.firstRun && this.runs === 1) throw this.fail.firstRun;
        return inner.run(t);
      },
      close: () => inner.close(),
    };
  }
}

describe('listing and selection', () => {
  it('lists tensorrt, openvino, onnxruntime in that order whatever the order given', () => {
    const list = listBackends([new OnnxRuntimeBackend(), ovMissing(), new TensorRtBackend()]);
    expect(list.map((b) => b.name)).toEqual(['tensorrt', 'openvino', 'onnxruntime']);
    expect(list[2]).toMatchObject({ available: true });
  });

  it('reports TensorRT as not built, naming where the build looked', () => {
    const trt = new TensorRtBackend().probe();
    expect(trt.available).toBe(false);
    if (nativeStatus().available) {
      expect(trt.reason).toMatch(/^not built: no TensorRT headers found at build time \(looked in [^)]*\/usr\/include[^)]*\)/);
    } else {
      expect(trt.reason).toMatch(/^not built: /);
    }
  });

  it('LEDPIPE_OPENVINO_LIB at a missing file makes OpenVINO unavailable with that path in the reason', () => {
    const info = ovMissing().probe();
    expect(info).toMatchObject({ name: 'openvino', available: false, version: null });
    if (nativeStatus().available) {
      expect(info.reason).toBe(`library not found: no usable libopenvino_c (looked in: LEDPIPE_OPENVINO_LIB=${missingLib} (no such file or folder))`);
    }
  });

  it('LEDPIPE_OPENVINO_LIB at a folder without the library says so', () => {
    const info = new OpenVinoBackend({ env: { LEDPIPE_OPENVINO_LIB: tmp.dir } }).probe();
    expect(info.available).toBe(false);
    if (nativeStatus().available) expect(info.reason).toContain(`LEDPIPE_OPENVINO_LIB=${tmp.dir} (no libopenvino_c.so* in it or in its libs/)`);
  });

  it('falls back to onnxruntime when OpenVINO is missing and TensorRT not built', () => {
    expect(selectBackend(undefined, [new TensorRtBackend(), ovMissing(), new OnnxRuntimeBackend()]).name).toBe('onnxruntime');
  });

  it('forcing an unavailable backend throws BackendUnavailableError with its reason', () => {
    const attempt = (): Backend => selectBackend('openvino', [new TensorRtBackend(), ovMissing(), new OnnxRuntimeBackend()]);
    expect(attempt).toThrow(BackendUnavailableError);
    expect(attempt).toThrow(/^backend openvino is not available: (library not found|not built)/);
    expect(() => selectBackend('tensorrt')).toThrow(/^backend tensorrt is not available: not built/);
  });

  it('forcing an available backend returns it', () => {
    expect(selectBackend('onnxruntime').name).toBe('onnxruntime');
  });

  it('names every reason when nothing is available', () => {
    expect(() => selectBackend(undefined, [new TensorRtBackend(), ovMissing()])).toThrow(/^no inference backend is available: tensorrt: not built.*; openvino: /);
  });

  it.skipIf(!ov.available)(`prefers OpenVINO over ONNX Runtime when it is available${skipNote}`, () => {
    expect(selectBackend().name).toBe('openvino');
  });

  it.skipIf(!ov.available)(`LEDPIPE_OPENVINO_LIB may name the package folder or its libs/ folder${skipNote}`, () => {
    const lib = new OpenVinoBackend().libraryPath()!;
    for (const dir of [dirname(lib), dirname(dirname(lib))]) {
      expect(new OpenVinoBackend({ env: { LEDPIPE_OPENVINO_LIB: dir } }).probe()).toMatchObject({ available: true, version: ov.version });
    }
  });
});

describe('loadWithFallback', () => {
  it('drops a backend that cannot load the model, warning once', async () => {
    const warnings: string[] = [];
    const s = await loadWithFallback(tiny, { backends: [new FakeBackend('tensorrt', { load: new ModelLoadError(tiny, 'tensorrt', 'unsupported op') }), ovMissing(), new OnnxRuntimeBackend()] }, (m) => warnings.push(m));
    expect(s.backend).toBe('onnxruntime');
    expect(warnings).toEqual([`tensorrt cannot load ${tiny} (unsupported op); trying onnxruntime`]);
    await s.close();
  });

  it('drops a backend that fails on its first run, warning once, and reruns the frame', async () => {
    const warnings: string[] = [];
    const flaky = new FakeBackend('openvino', { firstRun: new Error('device lost') });
    const s = await loadWithFallback(tiny, { backends: [flaky, new OnnxRuntimeBackend()] }, (m) => warnings.push(m));
    expect(s.backend).toBe('openvino');
    const out = await s.run(randomImage('float32', 8, 6, 1));
    expect(out.shape).toEqual([1, 3, 12, 16]);
    expect(s.backend).toBe('onnxruntime');
    await s.run(randomImage('float32', 8, 6, 2));
    expect(warnings).toEqual([`openvino failed on its first run of ${tiny} (device lost); falling back to onnxruntime`]);
    await s.close();
  });

  it('keeps errors after a successful first run', async () => {
    const warnings: string[] = [];
    const s = await loadWithFallback(tiny, { backends: [new OnnxRuntimeBackend()] }, (m) => warnings.push(m));
    await s.run(randomImage('float32', 4, 4, 1));
    await expect(s.run({ dtype: 'float32', shape: [1, 3, 4, 4], data: new Float32Array(3) })).rejects.toThrow();
    expect(warnings).toEqual([]);
    await s.close();
  });

  it('does not fall back on a wrong-rank model: ModelContractError from the first backend', async () => {
    const rank3 = writeModel(tmp.dir, 'rank3.onnx', buildModel({
      input: { name: 'x', dtype: 'float32', shape: [3, 'h', 'w'] },
      output: { name: 'y', dtype: 'float32', shape: [3, 'h', 'w'] },
      nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }],
    }));
    const warnings: string[] = [];
    const err = await loadWithFallback(rank3, { backends: [new OnnxRuntimeBackend(), new FakeBackend('tensorrt', {})] }, (m) => warnings.push(m)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelContractError);
    expect((err as Error).message).toContain(`${rank3}: input 'x' has rank 3`);
    expect(warnings).toEqual([]);
    await expect(loadWithFallback(rank3, { backend: 'onnxruntime' })).rejects.toThrow(ModelContractError);
  });

  it('lists every backend when none can load a corrupt file', async () => {
    const corrupt = writeModel(tmp.dir, 'corrupt.onnx', randomBytes(2048));
    const warnings: string[] = [];
    const err = await loadWithFallback(corrupt, { backends: [new TensorRtBackend(), new OpenVinoBackend(), new OnnxRuntimeBackend()] }, (m) => warnings.push(m)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelLoadError);
    expect((err as ModelLoadError).modelPath).toBe(corrupt);
    expect((err as Error).message).toMatch(new RegExp(`^${corrupt}: no inference backend could run it: ${ov.available ? 'openvino: not a loadable model.*; ' : ''}onnxruntime: not a loadable ONNX model`));
    expect(warnings.length).toBe(ov.available ? 1 : 0);
  });

  it('a forced backend is used alone', async () => {
    const s = await loadWithFallback(tiny, { backend: 'onnxruntime' });
    expect(s.backend).toBe('onnxruntime');
    await s.close();
    await expect(loadWithFallback(tiny, { backend: 'tensorrt' })).rejects.toThrow(/^backend tensorrt is not available: not built/);
  });
});
