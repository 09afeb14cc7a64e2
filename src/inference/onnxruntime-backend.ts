import fs from 'node:fs';
import os from 'node:os';
import { createRequire } from 'node:module';
import { ModelLoadError, type Backend, type BackendInfo, type InferenceSession, type SessionOptions, type Tensor, type TensorDType, type TensorSpec } from './backend.js';

type Ort = typeof import('onnxruntime-node');
const require = createRequire(import.meta.url);

let ortModule: Ort | null = null;
let ortError: string | null = null;

/** onnxruntime-node, loaded on first use so a broken install is reported, not thrown at import. */
function ort(): Ort | null {
  if (ortModule || ortError) return ortModule;
  try {
    ortModule = require('onnxruntime-node') as Ort;
  } catch (err) {
    ortError = `onnxruntime-node cannot be loaded (${err instanceof Error ? err.message.split('\n')[0] : String(err)}); run npm install`;
  }
  return ortModule;
}

const DTYPES: Record<string, TensorDType> = { float32: 'float32', float16: 'float16', uint8: 'uint8', int8: 'int8' };

function specOf(meta: unknown, name: string, file: string, role: string): TensorSpec {
  const m = meta as { name?: string; isTensor?: boolean; type?: string; shape?: ReadonlyArray<number | string> } | undefined;
  if (!m || m.isTensor === false) throw new ModelLoadError(file, 'onnxruntime', `${role} '${name}' is not a tensor`);
  const dtype = DTYPES[m.type ?? ''];
  if (!dtype) throw new ModelLoadError(file, 'onnxruntime', `${role} '${name}' has element type ${m.type}; expected float32, float16, uint8 or int8`);
  return { name, dtype, shape: (m.shape ?? []).map((d) => (typeof d === 'number' && d >= 0 ? d : String(d))) };
}

/** The CPU fallback that always works: onnxruntime-node's bundled CPU execution provider. */
export class OnnxRuntimeBackend implements Backend {
  readonly name = 'onnxruntime' as const;

  probe(): BackendInfo {
    const o = ort();
    if (!o) return { name: this.name, available: false, version: null, device: null, reason: ortError ?? 'not loaded' };
    return { name: this.name, available: true, version: o.env.versions.common, device: `CPU (${os.cpus().length} cores)` };
  }

  async load(modelPath: string, options: SessionOptions = {}): Promise<InferenceSession> {
    const o = ort();
    if (!o) throw new ModelLoadError(modelPath, this.name, ortError ?? 'onnxruntime-node is not available');
    if (!fs.existsSync(modelPath)) throw new ModelLoadError(modelPath, this.name, 'no such model file');
    let session: import('onnxruntime-node').InferenceSession;
    try {
      session = await o.InferenceSession.create(modelPath, {
        intraOpNumThreads: options.threads ?? os.availableParallelism(),
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
      });
    } catch (err) {
      throw new ModelLoadError(modelPath, this.name, `not a loadable ONNX model: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (session.inputNames.length !== 1 || session.outputNames.length !== 1) {
      await session.release();
      throw new ModelLoadError(modelPath, this.name, `has ${session.inputNames.length} inputs and ${session.outputNames.length} outputs; expected one image in, one image out`);
    }
    const input = specOf(session.inputMetadata[0], session.inputNames[0]!, modelPath, 'input');
    const output = specOf(session.outputMetadata[0], session.outputNames[0]!, modelPath, 'output');
    return {
      backend: this.name,
      modelPath,
      input,
      output,
      run: async (t: Tensor): Promise<Tensor> => {
        const feeds = { [input.name]: new o.Tensor(t.dtype, t.data, t.shape) };
        const result = await session.run(feeds);
        const out = result[output.name]!;
        return { data: out.data as Tensor['data'], dtype: DTYPES[out.type] ?? 'float32', shape: out.dims.slice() };
      },
      close: () => session.release(),
    };
  }
}
