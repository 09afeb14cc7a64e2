import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ModelCard } from '../models/model-card.js';
import { defaultModelRegistry } from '../models/registry.js';
import type { ModelCandidate, StageTimeTable } from './resolve-profile.js';

/** The registry's models as the resolver sees them: id, scale, tier and the card's speed figures. */
export function modelCandidates(): ModelCandidate[] {
  return defaultModelRegistry()
    .list()
    .filter((m) => m.card.task === 'sr' || m.card.task === 'restore' || m.card.task === 'denoise')
    .map((m) => ({
      id: m.card.id,
      scale: m.card.scale,
      tier: m.card.tier,
      speed: (m.card.measured?.speed ?? []).flatMap((s) => {
        const size = /^(\d+)x(\d+)$/.exec(s.inputSize);
        return size ? [{ width: Number(size[1]), height: Number(size[2]), msPerFrame: s.msPerFrame, machine: s.machine }] : [];
      }),
      ...(m.card.trainedFor ? { trainedFor: m.card.trainedFor } : {}),
      ...(qualityDb(m.card) !== undefined ? { qualityDb: qualityDb(m.card)! } : {}),
    }));
}

/** The card's headline fidelity: the first PSNR figure it states (dB). */
function qualityDb(card: ModelCard): number | undefined {
  const q = card.measured?.quality ?? {};
  const key = Object.keys(q).find((k) => /psnr/i.test(k));
  const v = key === undefined ? undefined : (q as Record<string, unknown>)[key];
  return typeof v === 'number' ? v : undefined;
}

/** Where measured stage times of this machine are cached: $LEDPIPE_CACHE or ~/.cache/ledpipe. */
export function stageTimesFile(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.LEDPIPE_CACHE ?? path.join(env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'ledpipe');
  return path.join(dir, 'stage-times.json');
}

/** The cached table (`{"<model>@WxH": ms}`), for this machine only; a missing or broken cache is empty. */
export function cachedStageTimes(file = stageTimesFile()): StageTimeTable {
  try {
    const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as { machine?: string; times?: Record<string, number> };
    if (raw.machine !== machineId()) return new Map();
    return new Map(Object.entries(raw.times ?? {}).filter(([, v]) => typeof v === 'number' && v > 0));
  } catch {
    return new Map();
  }
}

/** Adds measurements to the cache (temp file + rename, so a crash never leaves half a file). */
export function recordStageTimes(times: Readonly<Record<string, number>>, file = stageTimesFile()): void {
  const merged = { ...Object.fromEntries(cachedStageTimes(file)), ...times };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify({ machine: machineId(), times: merged }, null, 2) + '\n');
  fs.renameSync(tmp, file);
}

/** Times measured elsewhere do not apply here: CPU model and core count identify the machine. */
export function machineId(): string {
  return `${os.cpus()[0]?.model ?? 'cpu'} x${os.cpus().length}`;
}
