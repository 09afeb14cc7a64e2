/**
 * ledpipe's optional native pixel kernels (C++ N-API addon, SIMD with run-time
 * dispatch). Check nativeStatus().available before relying on them; every
 * kernel throws NativeUnavailableError when the addon is missing.
 */
import type { NativeInfo, NativeIsa } from './binding.js';
import { nativeBinding } from './load.js';
import { checkOneOf } from './validate.js';

export type { NativeInfo, NativeIsa, PlanarArray, ResizeFilter } from './binding.js';
export { nativeStatus, NativeUnavailableError, packageRoot, probeNativeAddon, type NativeStatus } from './load.js';
export { planarLength, toInterleaved, toInterleavedAsync, toPlanar, toPlanarAsync, type ToInterleavedOptions, type ToPlanarOptions } from './convert.js';
export { resize, resizeAsync, RESIZE_FILTERS, type ResizeOptions } from './resize.js';
export { blendTile, extractTile, planTiles, type BlendTileOptions, type ExtractTileOptions, type TileFeather, type TilePlacement, type TilePlanOptions } from './tiles.js';
export { applyNativeCalibration, applyNativeCalibrationAsync, createNativeCalibrationPlan, nativeCalibrationAvailable, type ApplyCalibrationOptions, type NativeCalibrationPlan } from './calibration.js';
export { LUMA_MERGE_SCALES, lumaKernelsAvailable, lumaMerge, lumaMergeAsync, lumaSplit, lumaSplitAsync, type LumaMergeOptions, type LumaSplitOptions } from './sr-luma.js';
export { thermalApply, thermalApplyAsync, thermalKernelAvailable, type ThermalApplyOptions, type ThermalKernelTables } from './thermal.js';
export { closeOpenVino, loadOpenVinoLibrary, openOpenVinoModel, openVinoExports, runOpenVino, tensorRtNativeInfo, type OpenVinoLibraryInfo, type OpenVinoOpened, type OpenVinoPort, type OpenVinoRunResult, type OpenVinoSessionHandle, type TensorRtBuildReport, type TensorRtNativeInfo } from './inference.js';

export const NATIVE_ISAS: readonly NativeIsa[] = ['scalar', 'avx2', 'avx512'];

/** The addon's build and CPU report. */
export function nativeInfo(): NativeInfo {
  return nativeBinding().info();
}

/**
 * Chooses the kernel path for later calls (tests and benchmarks; LEDPIPE_NATIVE_ISA
 * does the same at load). Throws if this CPU lacks it. Returns the path now active.
 */
export function setNativeIsa(isa: NativeIsa): NativeIsa {
  return nativeBinding().setIsa(checkOneOf('isa', isa, NATIVE_ISAS));
}
