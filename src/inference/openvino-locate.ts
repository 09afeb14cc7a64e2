/**
 * Where libopenvino_c (the OpenVINO C API) may be, in order:
 *   1. LEDPIPE_OPENVINO_LIB: a library file, or a folder holding one (or a `libs/` folder holding one).
 *      When set it is the only place looked: an explicit choice is never silently replaced.
 *   2. the `openvino` Python package (pip install openvino): its `libs/` folder, found by asking
 *      `$LEDPIPE_PYTHON` or `python3` (5 s timeout) where the package is, without importing it;
 *   3. the system loader: `libopenvino_c.so` on the library path (ldconfig, LD_LIBRARY_PATH).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface OpenVinoCandidate {
  /** A file path, or a bare library name for the system loader. */
  readonly path: string;
  /** Where it came from, for messages. */
  readonly source: string;
}

export interface OpenVinoSearch {
  /** Files (or names) to try loading, in order. */
  readonly candidates: OpenVinoCandidate[];
  /** One line per place looked, with what was found there: the "looked in" part of a reason. */
  readonly looked: string[];
}

const SYSTEM_NAME = process.platform === 'darwin' ? 'libopenvino_c.dylib' : 'libopenvino_c.so';
const PYTHON_TIMEOUT_MS = 5000;

/** libopenvino_c.so, else the highest versioned libopenvino_c.so.N in `dir` (wheels ship only the latter). */
export function libraryInFolder(dir: string): string | undefined {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return undefined;
  }
  if (names.includes(SYSTEM_NAME)) return join(dir, SYSTEM_NAME);
  const versioned = names.filter((n) => n.startsWith(`${SYSTEM_NAME}.`) || /^libopenvino_c\.\d+(\.\d+)*\.dylib$/.test(n)).sort();
  return versioned.length ? join(dir, versioned[versioned.length - 1]!) : undefined;
}

function fromEnv(value: string): { candidate?: OpenVinoCandidate; looked: string } {
  const label = `LEDPIPE_OPENVINO_LIB=${value}`;
  if (!existsSync(value)) return { looked: `${label} (no such file or folder)` };
  if (statSync(value).isDirectory()) {
    const lib = libraryInFolder(value) ?? libraryInFolder(join(value, 'libs'));
    return lib ? { candidate: { path: lib, source: 'LEDPIPE_OPENVINO_LIB' }, looked: `${label} (${lib})` } : { looked: `${label} (no ${SYSTEM_NAME}* in it or in its libs/)` };
  }
  return { candidate: { path: value, source: 'LEDPIPE_OPENVINO_LIB' }, looked: label };
}

const PY_FIND = "import importlib.util as u,os;s=u.find_spec('openvino');print(os.path.dirname(s.origin) if s and s.origin else '')";

/** The `openvino` package folder according to `python`, or why not. */
export function pythonOpenVinoFolder(python: string): { dir?: string; why?: string } {
  const r = spawnSync(python, ['-c', PY_FIND], { encoding: 'utf8', timeout: PYTHON_TIMEOUT_MS, stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    return { why: code === 'ENOENT' ? `${python} not found` : code === 'ETIMEDOUT' ? `${python} timed out after ${PYTHON_TIMEOUT_MS} ms` : `${python}: ${r.error.message}` };
  }
  if (r.status !== 0) return { why: `${python} failed: ${(r.stderr || '').trim().split('\n').pop() ?? `exit ${r.status}`}` };
  const dir = r.stdout.trim();
  return dir ? { dir } : { why: `the openvino package is not installed for ${python}` };
}

/** Every place to try, in order, under `env`. Runs Python once (the caller caches). */
export function searchOpenVino(env: NodeJS.ProcessEnv = process.env): OpenVinoSearch {
  const envValue = env.LEDPIPE_OPENVINO_LIB;
  if (envValue !== undefined && envValue !== '') {
    const { candidate, looked } = fromEnv(envValue);
    return { candidates: candidate ? [candidate] : [], looked: [looked] };
  }
  const candidates: OpenVinoCandidate[] = [];
  const looked: string[] = ['LEDPIPE_OPENVINO_LIB (unset)'];
  const python = env.LEDPIPE_PYTHON || 'python3';
  const py = pythonOpenVinoFolder(python);
  if (py.dir) {
    const libs = join(py.dir, 'libs');
    const lib = libraryInFolder(libs);
    if (lib) candidates.push({ path: lib, source: `the openvino Python package (${python})` });
    looked.push(lib ? `${libs} (${python} openvino package)` : `${libs} (no ${SYSTEM_NAME}* there)`);
  } else {
    looked.push(`the openvino Python package: ${py.why}`);
  }
  candidates.push({ path: SYSTEM_NAME, source: 'the system loader' });
  looked.push(`the system loader (${SYSTEM_NAME})`);
  return { candidates, looked };
}
