import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runModelsCommand } from '../../src/cli/models-command.js';
import { ModelRegistry } from '../../src/models/registry.js';
import { card, nearestModel, tmpDir, writeModel } from './fixtures.js';

describe('ledpipe models', () => {
  let dir: string;
  let registry: ModelRegistry;

  beforeAll(() => {
    dir = tmpDir();
    writeModel(dir, 'fam-q', nearestModel(), card('fam-q', { family: 'fam', params: 621424, macsPerInputPixel: 1.2e6, measured: { speed: [{ backend: 'onnxruntime', inputSize: '480x270', threads: 2, msPerFrame: 12.5, machine: '2 vCPU' }] } }));
    writeModel(dir, 'fam-r', nearestModel(), card('fam-r', { family: 'fam', tier: 'realtime' }));
    writeModel(dir, 'broken', nearestModel(), card('broken', { tier: 'best' }));
    writeModel(dir, 'bare', nearestModel(), null);
    registry = new ModelRegistry({ dirs: [dir] });
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  function run(args: string[], reg = registry): { code: number; out: string; err: string } {
    let out = '';
    let err = '';
    const code = runModelsCommand(args, { registry: reg, stdout: (t) => (out += t), stderr: (t) => (err += t) });
    return { code, out, err };
  }

  it('list: a table on stdout, problems as warnings on stderr', () => {
    for (const args of [[], ['list']]) {
      const r = run(args);
      expect(r.code).toBe(0);
      const lines = r.out.trim().split('\n');
      expect(lines[0]).toMatch(/^ID\s+TASK\s+SCALE\s+FAMILY\s+TIER\s+INPUT\s+TILE\s+PARAMS\s+MAC\/PX\s+LICENCE$/);
      expect(lines.slice(1).map((l) => l.split(/\s+/)[0])).toEqual(['fam-q', 'fam-r']);
      expect(lines[1]).toContain('621.4 k');
      expect(r.err).toContain(`ledpipe: warning: `);
      expect(r.err).toContain(`broken.json: tier: expected 'quality', 'balanced' or 'realtime', got "best"`);
      expect(r.err).toContain('bare.onnx: no card bare.json next to it');
    }
  });

  it('list --json: cards with paths, and the problems', () => {
    const r = run(['list', '--json']);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    const doc = JSON.parse(r.out) as { dirs: string[]; models: Array<Record<string, unknown>>; problems: string[] };
    expect(doc.dirs).toEqual([dir]);
    expect(doc.models.map((m) => m.id)).toEqual(['fam-q', 'fam-r']);
    expect(doc.models[0]).toMatchObject({ scale: 2, tier: 'quality', modelPath: path.join(dir, 'fam-q.onnx') });
    expect(doc.models[0]).not.toHaveProperty('inferred');
    expect(doc.problems).toHaveLength(2);
  });

  it('list with no models says where it looked', () => {
    const r = run([], new ModelRegistry({ dirs: [path.join(dir, 'none')] }));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^no models \(looked in .*none\); see models\/README\.md$/m);
  });

  it('info ID and info CARD.json, text and --json', () => {
    const text = run(['info', 'fam-q']);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/^id\s+fam-q$/m);
    expect(text.out).toMatch(/^tile\s+256 px, overlap 16 \(receptive field 1\)$/m);
    expect(text.out).toMatch(/^speed\s+12\.5 ms\/frame at 480x270, onnxruntime, 2 thread\(s\), 2 vCPU$/m);
    const json = run(['info', path.join(dir, 'fam-r.json'), '--json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out)).toMatchObject({ id: 'fam-r', tier: 'realtime', cardPath: path.join(dir, 'fam-r.json') });
  });

  it('bad usage exits 2 with the reason and the usage on stderr', () => {
    const cases: Array<[string[], string]> = [
      [['frobnicate'], "models: unknown sub-command 'frobnicate'; expected list or info"],
      [['info'], 'models info: expected one model id or card path, got 0'],
      [['list', 'x'], "models list: unexpected argument 'x'"],
      [['--verbose'], "models: Unknown option '--verbose'"],
      [['info', 'nope'], "models info: no model 'nope'; known: fam-q, fam-r"],
      [['info', path.join(dir, 'bare.onnx')], 'has no card next to it'],
    ];
    for (const [args, message] of cases) {
      const r = run(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.out).toBe('');
      expect(r.err).toContain(`ledpipe: error: `);
      expect(r.err).toContain(message);
      expect(r.err).toContain('usage: ledpipe models');
    }
  });

  it('a broken card named in info exits 1 with the card problem', () => {
    const r = run(['info', 'broken']);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`broken.json: tier: expected 'quality', 'balanced' or 'realtime', got "best"`);
  });

  it('--help prints the usage on stdout', () => {
    const r = run(['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('ledpipe models info ID|CARD.json');
  });
});
