/**
 * Typed access to the addon's inference exports (native/openvino_binding.cc, native/tensorrt.cc).
 * The backends in src/inference/ decide which library to load and when; these only call through.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { NativeBinding, OpenVinoLibraryInfo, OpenVinoOpened, OpenVinoRunResult, OpenVinoSessionHandle, TensorRtNativeInfo } from './binding.js';
import { nativeBinding, nativeStatus } from './load.js';

export type { OpenVinoLibraryInfo, OpenVinoOpened, OpenVinoPort, OpenVinoRunResult, OpenVinoSessionHandle, TensorRtNativeInfo } from './binding.js';

type OpenVinoExports = Required<Pick<NativeBinding, 'openvinoLoad' | 'openvinoOpen' | 'openvinoRun' | 'openvinoClose'>>;

/**
 * The addon's OpenVINO exports, or why they cannot be used: the addon is missing, or it was built
 * before the OpenVINO loader existed.
 */
export function openVinoExports(): { exports?: OpenVinoExports; reason?: string } {
  const status = nativeStatus();
  if (!status.available) return { reason: `the native addon is not available (${status.reason ?? 'unknown reason'}); build it with node scripts/build-native.mjs` };
  const b = nativeBinding();
  if (!b.openvinoLoad || !b.openvinoOpen || !b.openvinoRun || !b.openvinoClose) {
    return { reason: `the native addon at ${status.path} has no OpenVINO loader (built by an older ledpipe); rebuild it with node scripts/build-native.mjs` };
  }
  return { exports: { openvinoLoad: b.openvinoLoad, openvinoOpen: b.openvinoOpen, openvinoRun: b.openvinoRun, openvinoClose: b.openvinoClose } };
}

function ov(): OpenVinoExports {
  const { exports, reason } = openVinoExports();
  if (!exports) throw new Error(reason);
  return exports;
}

/** dlopen()s libopenvino_c (a path, or a bare name for the system loader); throws with the loader's reason. */
export function loadOpenVinoLibrary(libPath: string): OpenVinoLibraryInfo {
  return ov().openvinoLoad(libPath);
}

/** Reads a model off the JS thread; rejects with OpenVINO's message. */
export function openOpenVinoModel(modelPath: string, device: string, threads: number): Promise<OpenVinoOpened> {
  return ov().openvinoOpen(modelPath, device, threads);
}

/**
 * One inference off the JS thread; `data` (and `output`) are pinned until the promise settles. The
 * result is written into `output` when it has exactly the output's size and dtype (and does not
 * overlap `data`), else into a new array.
 */
export function runOpenVino(handle: OpenVinoSessionHandle, data: Float32Array | Uint16Array, shape: readonly number[], output?: Float32Array | Uint16Array): Promise<OpenVinoRunResult> {
  return output ? ov().openvinoRun(handle, data, shape, output) : ov().openvinoRun(handle, data, shape);
}

/** Frees the compiled models; waits for a run in progress. */
export function closeOpenVino(handle: OpenVinoSessionHandle): void {
  ov().openvinoClose(handle);
}

/** What the build script found when it looked for TensorRT headers (next to the addon). */
export interface TensorRtBuildReport {
  found: boolean;
  headerDir: string | null;
  searched: string[];
}

/** The addon's TensorRT report plus the build script's, or why there is none. */
export function tensorRtNativeInfo(): { info?: TensorRtNativeInfo; build?: TensorRtBuildReport; reason?: string } {
  const status = nativeStatus();
  if (!status.available) return { reason: `the native addon is not available (${status.reason ?? 'unknown reason'})` };
  const b = nativeBinding();
  if (!b.tensorrtInfo) return { reason: `the native addon at ${status.path} predates the TensorRT check; rebuild it with node scripts/build-native.mjs` };
  const reportPath = join(dirname(status.path), 'ledpipe_native.tensorrt.json');
  let build: TensorRtBuildReport | undefined;
  if (existsSync(reportPath)) {
    try {
      build = JSON.parse(readFileSync(reportPath, 'utf8')) as TensorRtBuildReport;
    } catch {
      build = undefined;
    }
  }
  return { info: b.tensorrtInfo(), build };
}
