/**
 * The image-model contract every backend checks at load: one NCHW image in, one out
 * (rank 4, batch 1 or dynamic). A model that breaks it is wrong on every backend, so selection
 * does not fall back on a ModelContractError.
 */
import { ModelLoadError, type BackendName, type TensorSpec } from './backend.js';

export class ModelContractError extends ModelLoadError {
  constructor(modelPath: string, backend: BackendName | null, detail: string) {
    super(modelPath, backend, detail);
    this.name = 'ModelContractError';
  }
}

function shapeText(shape: TensorSpec['shape']): string {
  return `[${shape.map((d) => (typeof d === 'number' ? String(d) : d === null ? '?' : `'${d}'`)).join(', ')}]`;
}

/** Throws ModelContractError naming the port, its shape and what was expected. */
export function checkImageModel(modelPath: string, backend: BackendName | null, input: TensorSpec, output: TensorSpec): void {
  for (const [role, spec] of [['input', input], ['output', output]] as const) {
    if (spec.shape.length !== 4) {
      throw new ModelContractError(modelPath, backend, `${role} '${spec.name}' has rank ${spec.shape.length} ${shapeText(spec.shape)}; expected a rank-4 NCHW image tensor [N, C, H, W]`);
    }
    const batch = spec.shape[0];
    if (typeof batch === 'number' && batch !== 1) {
      throw new ModelContractError(modelPath, backend, `${role} '${spec.name}' has batch ${batch} ${shapeText(spec.shape)}; expected 1 or a dynamic batch`);
    }
  }
}
