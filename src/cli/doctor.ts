import { ffmpegVersion, FfmpegNotFoundError, locateFfmpeg } from '../io/ffmpeg-locate.js';
import { listBackends } from '../inference/select.js';
import { nativeStatus } from '../native/index.js';
import { stageFactories } from '../stages/registry.js';

interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

/**
 * `ledpipe doctor`: what this machine gives ledpipe and why anything is missing. Exit 0 when the
 * pipeline can run (ffmpeg found), 1 otherwise; optional parts missing are reported, not failures.
 */
export function runDoctor(json: boolean): number {
  const checks: Check[] = [{ name: 'node', ok: true, detail: `${process.version} (${process.platform}-${process.arch})` }];
  let ffmpegOk = false;
  try {
    const loc = locateFfmpeg();
    ffmpegOk = true;
    checks.push({ name: 'ffmpeg', ok: true, detail: `${loc.path} (from ${loc.source}): ${ffmpegVersion(loc.path)}${loc.skipped.length ? `; skipped: ${loc.skipped.join('; ')}` : ''}` });
  } catch (err) {
    checks.push({ name: 'ffmpeg', ok: false, detail: err instanceof FfmpegNotFoundError ? err.reasons.join('; ') : String(err) });
  }
  checks.push(...nativeChecks());
  for (const f of stageFactories()) {
    const why = f.unavailableReason({});
    checks.push({ name: `stage ${f.name}`, ok: why === null, detail: why ?? f.description });
  }
  if (json) {
    process.stdout.write(JSON.stringify({ ok: ffmpegOk, checks }, null, 2) + '\n');
  } else {
    for (const c of checks) process.stdout.write(`${c.ok ? 'ok  ' : 'no  '} ${c.name.padEnd(18)} ${c.detail}\n`);
  }
  return ffmpegOk ? 0 : 1;
}

/** Native build, then inference backends (issue #3). */
function nativeChecks(): Check[] {
  const st = nativeStatus();
  const native: Check = st.available && st.info
    ? { name: 'native addon', ok: true, detail: `${st.path ?? 'built'}: kernels ${st.info.isa} (best on this CPU: ${st.info.bestIsa}; ${st.info.compiler})` }
    : { name: 'native addon', ok: false, detail: `${st.reason ?? 'not built'}; run \`npm run build:native\` to see why` };
  return [native, ...listBackends().map((b) => ({ name: `backend ${b.name}`, ok: b.available, detail: b.available ? `${b.version ?? ''} on ${b.device ?? 'CPU'}` : (b.reason ?? 'not available') }))];
}

/** `ledpipe backends [--json]`: in selection order; exit 0 (the ONNX Runtime fallback always exists when installed). */
export function runBackends(json: boolean): number {
  const list = listBackends();
  if (json) process.stdout.write(JSON.stringify(list, null, 2) + '\n');
  else {
    for (const b of list) {
      process.stdout.write(`${b.available ? 'yes' : 'no '} ${b.name.padEnd(12)} ${b.available ? `${b.version ?? '?'}  ${b.device ?? ''}` : (b.reason ?? '')}\n`);
    }
  }
  return list.some((b) => b.available) ? 0 : 1;
}
