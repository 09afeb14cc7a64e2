#!/usr/bin/env node
// Builds the optional native addon build/Release/ledpipe_native.node, offline.
//
// 1. node-gyp (the package's own, else the copy bundled with npm), pointed with
//    --nodedir at the running Node's headers so nothing is downloaded;
// 2. if node-gyp or Python is missing, the C++ compiler directly, with the same
//    sources and flags read from binding.gyp, against the running Node's
//    headers or the `node-api-headers` package.
// A failed build prints what is missing and exits 0 (ledpipe falls back to its
// TypeScript kernels) unless LEDPIPE_REQUIRE_NATIVE=1. LEDPIPE_SKIP_NATIVE=1 skips it;
// LEDPIPE_NATIVE_BUILDER=direct skips node-gyp (no Python needed).
// The TensorRT check is compiled in only when NvInfer.h is found (see findTensorRtHeaders);
// the result is written to build/Release/ledpipe_native.tensorrt.json for the backend's report.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const required = process.env.LEDPIPE_REQUIRE_NATIVE === '1';
const output = join(root, 'build', 'Release', 'ledpipe_native.node');

function log(message) {
  console.log(`[ledpipe native] ${message}`);
}

function tryResolve(id) {
  try {
    return require.resolve(id);
  } catch {
    return undefined;
  }
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  return r.status === 0 && !r.error;
}

function hasCommand(cmd, args = ['--version']) {
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  return !r.error && r.status === 0;
}

/** Headers of the running Node: <prefix>/include/node, where node-gyp wants --nodedir=<prefix>. */
function findNodeDir() {
  const prefix = resolve(dirname(process.execPath), '..');
  if (existsSync(join(prefix, 'include', 'node', 'node_api.h')) && existsSync(join(prefix, 'include', 'node', 'common.gypi'))) {
    return prefix;
  }
  if (process.env.npm_config_nodedir && existsSync(join(process.env.npm_config_nodedir, 'include', 'node', 'node_api.h'))) {
    return process.env.npm_config_nodedir;
  }
  return undefined;
}

function findNodeGyp() {
  const candidates = [
    tryResolve('node-gyp/bin/node-gyp.js'),
    process.env.npm_config_node_gyp,
    join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    join(dirname(process.execPath), 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  return candidates.find((p) => p && existsSync(p));
}

function findPython() {
  for (const cmd of [process.env.PYTHON, 'python3', 'python'].filter(Boolean)) {
    if (hasCommand(cmd)) return cmd;
  }
  return undefined;
}

function findCompiler() {
  for (const cmd of [process.env.CXX, 'c++', 'g++', 'clang++'].filter(Boolean)) {
    if (hasCommand(cmd)) return cmd;
  }
  return undefined;
}

/** TensorRT headers (NvInfer.h): $TENSORRT_ROOT/include, then the usual system and CUDA folders. */
function findTensorRtHeaders() {
  const searched = [
    process.env.TENSORRT_ROOT && join(process.env.TENSORRT_ROOT, 'include'),
    '/usr/include',
    '/usr/include/x86_64-linux-gnu',
    '/usr/local/cuda/include',
    '/usr/local/TensorRT/include',
  ].filter(Boolean);
  return { searched, dir: searched.find((d) => existsSync(join(d, 'NvInfer.h'))) };
}

const tensorrt = findTensorRtHeaders();

/** headerDir of the last successful build (by either builder), or undefined when unknown. */
function previousTensorRtDir() {
  try {
    return JSON.parse(readFileSync(join(dirname(output), 'ledpipe_native.tensorrt.json'), 'utf8')).headerDir ?? null;
  } catch {
    return undefined;
  }
}

function writeTensorRtReport() {
  const report = { found: Boolean(tensorrt.dir), headerDir: tensorrt.dir ?? null, searched: tensorrt.searched };
  writeFileSync(join(dirname(output), 'ledpipe_native.tensorrt.json'), JSON.stringify(report, null, 2) + '\n');
}

function buildWithNodeGyp(nodeGyp, nodeDir) {
  // node-gyp turns unknown --options into gyp variables (build/config.gypi); a changed value needs a rebuild.
  const trtVar = `--ledpipe_tensorrt_include=${tensorrt.dir ?? ''}`;
  const configGypi = join(root, 'build', 'config.gypi');
  const sameConfig = existsSync(configGypi) && readFileSync(configGypi, 'utf8').includes(`"ledpipe_tensorrt_include": "${tensorrt.dir ?? ''}"`) && previousTensorRtDir() === (tensorrt.dir ?? null);
  const upToDate = sameConfig && existsSync(join(root, 'build', 'Makefile')) && statSync(join(root, 'build', 'Makefile')).mtimeMs > statSync(join(root, 'binding.gyp')).mtimeMs;
  const args = [nodeGyp, upToDate ? 'build' : 'rebuild', '--release', `--nodedir=${nodeDir}`, '--jobs=max', trtVar];
  log(`node-gyp: ${args.slice(1).join(' ')}`);
  return run(process.execPath, args, { env: { ...process.env, npm_config_nodedir: nodeDir } });
}

/** Same sources and flags as binding.gyp, straight through the compiler. */
function buildDirect(cxx, includeDir) {
  const gyp = JSON.parse(readFileSync(join(root, 'binding.gyp'), 'utf8')).targets[0];
  const addonApi = dirname(require.resolve('node-addon-api/package.json'));
  const flags = [
    '-std=c++17', '-fPIC', '-fexceptions', ...gyp.cflags,
    ...gyp.defines.map((d) => `-D${d}`), '-DBUILDING_NODE_EXTENSION',
    `-I${includeDir}`, `-I${addonApi}`,
    ...(tensorrt.dir ? ['-DLEDPIPE_HAVE_TENSORRT', `-I${tensorrt.dir}`] : []),
  ];
  const objDir = join(root, 'build', 'direct');
  mkdirSync(objDir, { recursive: true });
  mkdirSync(dirname(output), { recursive: true });
  const objects = [];
  for (const src of gyp.sources) {
    const obj = join(objDir, src.replace(/[/\\]/g, '_') + '.o');
    log(`${cxx} ${src}`);
    if (!run(cxx, [...flags, '-c', join(root, src), '-o', obj])) return false;
    objects.push(obj);
  }
  const linkFlags = process.platform === 'darwin' ? ['-bundle', '-undefined', 'dynamic_lookup'] : ['-shared'];
  return run(cxx, [...linkFlags, ...objects, '-o', output, ...(process.platform === 'linux' ? ['-ldl'] : [])]);
}

function main() {
  if (process.env.LEDPIPE_SKIP_NATIVE === '1') {
    log('skipped (LEDPIPE_SKIP_NATIVE=1); ledpipe will use its TypeScript kernels');
    return 0;
  }
  const missing = [];
  const nodeDir = findNodeDir();
  const direct = process.env.LEDPIPE_NATIVE_BUILDER === 'direct';
  const nodeGyp = direct ? undefined : findNodeGyp();
  const python = direct ? undefined : findPython();
  const cxx = findCompiler();
  if (!cxx) missing.push('a C++17 compiler (g++ or clang++; set CXX)');
  if (!tryResolve('node-addon-api/package.json')) missing.push('the node-addon-api package (npm install)');

  if (missing.length === 0 && nodeDir && nodeGyp && python) {
    if (buildWithNodeGyp(nodeGyp, nodeDir) && existsSync(output)) return done();
    missing.push('a successful node-gyp build (see the compiler output above)');
  } else if (missing.length === 0) {
    if (direct) log('LEDPIPE_NATIVE_BUILDER=direct: compiling without node-gyp');
    else if (!nodeGyp) log('node-gyp not found (neither a dependency nor bundled with npm); compiling directly');
    else if (!python) log('Python 3 not found (node-gyp needs it); compiling directly');
    const headerDir = nodeDir ? join(nodeDir, 'include', 'node') : headersFromPackage();
    if (!headerDir) {
      missing.push(`Node's C headers: none at ${resolve(dirname(process.execPath), '..', 'include', 'node')} and no node-api-headers package`);
    } else if (buildDirect(cxx, headerDir) && existsSync(output)) {
      return done();
    } else {
      missing.push('a successful direct compile (see the compiler output above)');
    }
  }
  console.error(`[ledpipe native] not built. Missing: ${missing.join('; ')}.`);
  console.error('[ledpipe native] ledpipe still works with its TypeScript kernels; nativeStatus() reports the reason.');
  return required ? 1 : 0;
}

function headersFromPackage() {
  const pkg = tryResolve('node-api-headers/package.json');
  if (!pkg) return undefined;
  const dir = join(dirname(pkg), 'include');
  return existsSync(join(dir, 'node_api.h')) ? dir : undefined;
}

function done() {
  writeTensorRtReport();
  log(tensorrt.dir ? `TensorRT headers: ${tensorrt.dir}` : `TensorRT: no NvInfer.h in ${tensorrt.searched.join(', ')}; backend not compiled in`);
  log(`built ${output}`);
  return 0;
}

process.exitCode = main();
