/**
 * TensorRT: compiled into the addon only when the build found NvInfer.h (scripts/build-native.mjs).
 * What exists today is a presence check: with headers at build time the addon loads libnvinfer at
 * run time and reports its version. Building and running TensorRT engines is not implemented, so
 * this backend never reports itself available and selection moves on to OpenVINO / ONNX Runtime.
 */
import { BackendUnavailableError, type Backend, type BackendInfo, type InferenceSession } from './backend.js';
import { tensorRtNativeInfo } from '../native/inference.js';

/** The folders the build script searches, for the message when its report is missing. */
const DEFAULT_SEARCHED = ['$TENSORRT_ROOT/include', '/usr/include', '/usr/include/x86_64-linux-gnu', '/usr/local/cuda/include', '/usr/local/TensorRT/include'];

export class TensorRtBackend implements Backend {
  readonly name = 'tensorrt' as const;
  private probed: BackendInfo | undefined;

  probe(): BackendInfo {
    this.probed ??= this.check();
    return this.probed;
  }

  private check(): BackendInfo {
    const unavailable = (reason: string, version: string | null = null): BackendInfo => ({ name: this.name, available: false, version, device: null, reason });
    const { info, build, reason } = tensorRtNativeInfo();
    if (!info) return unavailable(`not built: ${reason ?? 'the native addon is not available'}`);
    if (!info.built) {
      return unavailable(`not built: no TensorRT headers found at build time (looked in ${(build?.searched ?? DEFAULT_SEARCHED).join(', ')}); install TensorRT (or set TENSORRT_ROOT) and rebuild`);
    }
    if (!info.loaded) return unavailable(`built against TensorRT ${info.headerVersion ?? '?'} headers but libnvinfer cannot be loaded: ${info.error ?? 'unknown error'}`);
    return unavailable(`TensorRT ${info.version ?? info.headerVersion ?? '?'} found (${info.library ?? 'libnvinfer'}), but ledpipe cannot build or run TensorRT engines yet`, info.version ?? null);
  }

  load(): Promise<InferenceSession> {
    const info = this.probe();
    return Promise.reject(new BackendUnavailableError(this.name, info.reason ?? 'unavailable'));
  }
}
