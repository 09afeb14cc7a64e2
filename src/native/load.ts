/**
 * Finds and loads the optional native addon. Loading never throws: without the
 * addon, nativeStatus() says why and the kernels' wrappers throw NativeUnavailableError.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NativeBinding, NativeInfo } from './binding.js';

export interface NativeStatus {
  available: boolean;
  /** Why the addon is not available (absent when it is). */
  reason?: string;
  /** The addon's own report (present when available). */
  info?: NativeInfo;
  /** Where the addon was looked for. */
  path: string;
}

export class NativeUnavailableError extends Error {
  constructor(reason: string) {
    super(`The ledpipe native addon is not available: ${reason}. Build it with \`node scripts/build-native.mjs\` (needs a C++17 compiler and Node's headers).`);
    this.name = 'NativeUnavailableError';
  }
}

/** The folder holding ledpipe's package.json, from src/native/ or dist/src/native/. */
export function packageRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  while (true) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'binding.gyp'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  // Installed without binding.gyp (a trimmed package): fall back to the first package.json.
  dir = from;
  while (true) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return from;
    dir = parent;
  }
}

interface Loaded {
  binding?: NativeBinding;
  status: NativeStatus;
}

let loaded: Loaded | undefined;

function defaultPath(env: NodeJS.ProcessEnv): string {
  return env.LEDPIPE_NATIVE_PATH ?? join(packageRoot(), 'build', 'Release', 'ledpipe_native.node');
}

function load(path: string, env: NodeJS.ProcessEnv): Loaded {
  if (env.LEDPIPE_DISABLE_NATIVE === '1') {
    return { status: { available: false, reason: 'disabled by LEDPIPE_DISABLE_NATIVE=1', path } };
  }
  if (!existsSync(path)) {
    return { status: { available: false, reason: `not built (no ${path})`, path } };
  }
  try {
    const binding = createRequire(import.meta.url)(path) as NativeBinding;
    return { binding, status: { available: true, info: binding.info(), path } };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { status: { available: false, reason: `failed to load ${path}: ${message}`, path } };
  }
}

/**
 * What loading the addon at `path` under `env` gives, without touching the
 * cached addon the kernels use (for diagnostics such as `ledpipe doctor`, and tests).
 */
export function probeNativeAddon(path?: string, env: NodeJS.ProcessEnv = process.env): NativeStatus {
  return load(path ?? defaultPath(env), env).status;
}

/** Whether the addon loaded, and if not why; never throws. */
export function nativeStatus(): NativeStatus {
  loaded ??= load(defaultPath(process.env), process.env);
  const { status } = loaded;
  if (status.available && loaded.binding) return { ...status, info: loaded.binding.info() };
  return { ...status };
}

/** The loaded addon, or NativeUnavailableError naming the reason. */
export function nativeBinding(): NativeBinding {
  loaded ??= load(defaultPath(process.env), process.env);
  if (!loaded.binding) throw new NativeUnavailableError(loaded.status.reason ?? 'unknown reason');
  return loaded.binding;
}
