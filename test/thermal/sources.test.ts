/** Temperature sources: message parsing, JSON-lines files and FIFOs, UDP under flood and garbage. */
import { execFileSync } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LED_TYPES } from '../../src/thermal/led-model.js';
import { JsonLinesTemperatureSource } from '../../src/thermal/sources/jsonl-source.js';
import { parseTemperatureSpec } from '../../src/thermal/sources/source-spec.js';
import { parseTemperatureMessage, TelemetryError } from '../../src/thermal/sources/telemetry-message.js';
import { UdpTemperatureSource } from '../../src/thermal/sources/udp-source.js';
import { createThermalStage } from '../../src/thermal/thermal-stage.js';
import { parseSignalTransfer } from '../../src/thermal/transfer-tables.js';
import { captureLog, makeFrame, solidFrame } from './fixtures.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ledpipe-thermal-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const clock = () => performance.now();

describe('telemetry messages', () => {
  it('accepts the three forms', () => {
    expect(parseTemperatureMessage('{"zone":3,"celsius":41.5,"t":12.5}', 8)).toEqual([{ zone: 3, celsius: 41.5, t: 12.5 }]);
    expect(parseTemperatureMessage('{"zones":[40,null,42]}', 8)).toEqual([{ zone: 0, celsius: 40 }, { zone: 2, celsius: 42 }]);
    expect(parseTemperatureMessage('{"zones":[{"zone":7,"celsius":30}]}', 8)).toEqual([{ zone: 7, celsius: 30 }]);
  });

  it.each([
    ['{"zone":3,', /^not JSON \(/],
    ['[1,2]', /^expected a JSON object with "zone" and "celsius", or "zones", but received \[1,2\]$/],
    ['{"zone":9,"celsius":40}', /^zone: expected an integer from 0 to 7 but received 9$/],
    ['{"zone":1,"celsius":"hot"}', /^celsius: expected a number from -40 to 150 but received "hot"$/],
    ['{"zone":1,"celsius":900}', /^celsius: expected a number from -40 to 150 but received 900$/],
    ['{"zones":[40,"x"]}', /^zones\[1\]: expected a number, null or \{"zone", "celsius"\} but received "x"$/],
    ['{"temp":40}', /^expected "zone" and "celsius", or "zones", but received/],
  ])('rejects %s with a clear reason', (text, reason) => {
    expect(() => parseTemperatureMessage(text, 8)).toThrow(TelemetryError);
    expect(() => parseTemperatureMessage(text, 8)).toThrow(reason);
  });

  it('parses --temperature forms', () => {
    expect(parseTemperatureSpec('udp://0.0.0.0:5005')).toEqual({ kind: 'udp', host: '0.0.0.0', port: 5005 });
    expect(parseTemperatureSpec('udp://[::1]:7')).toEqual({ kind: 'udp', host: '::1', port: 7 });
    expect(parseTemperatureSpec('sim')).toEqual({ kind: 'sim', params: { ambient: 25, peak: 60, tau: 120, start: 25 } });
    expect(parseTemperatureSpec('sim:ambient=20,tau=30')).toEqual({ kind: 'sim', params: { ambient: 20, peak: 60, tau: 30, start: 20 } });
    expect(parseTemperatureSpec('temps.jsonl')).toEqual({ kind: 'file', path: 'temps.jsonl' });
  });
});

describe('JSON-lines file and FIFO', () => {
  it('reads a file, names FILE:LINE for bad lines, and follows appended lines', async () => {
    const file = path.join(tmp, 'temps.jsonl');
    fs.writeFileSync(file, '{"zone":0,"celsius":30}\n\n{"zone":1,"celsius":oops}\n{"zones":[31,32]}\n');
    const log = captureLog();
    const src = new JsonLinesTemperatureSource(file, 2, log, clock);
    await src.start();
    expect(Array.from(src.board.celsius)).toEqual([31, 32]);
    expect(src.board.malformed).toBe(1);
    expect(log.warnings()[0]).toContain(`${file}:3: not JSON`);
    fs.appendFileSync(file, '{"zone":1,"celsius":44.5}\n');
    for (let i = 0; i < 50 && src.board.celsius[1] !== 44.5; i++) await sleep(50);
    expect(src.board.celsius[1]).toBe(44.5);
    await src.close();
  });

  it.skipIf(process.platform === 'win32')('reads a FIFO as lines arrive, across writers', async () => {
    const fifo = path.join(tmp, 'temps.fifo');
    execFileSync('mkfifo', [fifo]);
    const src = new JsonLinesTemperatureSource(fifo, 4, captureLog(), clock);
    await src.start();
    fs.writeFileSync(fifo, '{"zone":2,"celsius":33}\n');
    for (let i = 0; i < 50 && src.board.celsius[2] !== 33; i++) await sleep(20);
    expect(src.board.celsius[2]).toBe(33);
    fs.writeFileSync(fifo, '{"zones":[1,2,3,4]}\n'); // a second writer
    for (let i = 0; i < 50 && src.board.celsius[3] !== 4; i++) await sleep(20);
    expect(Array.from(src.board.celsius)).toEqual([1, 2, 3, 4]);
    await src.close();
  });
});

describe('UDP telemetry', () => {
  it('a flood of 5000 datagrams (10 % garbage) does not stall frames; latest values win; garbage is counted', async () => {
    const log = captureLog();
    const zones = 8;
    const src = new UdpTemperatureSource('127.0.0.1', 0, zones, log, clock);
    await src.start();
    const { port } = src.address();
    const stage = createThermalStage({ width: 320, height: 180, format: 'rgb24', fps: 60, grid: { cols: 4, rows: 2 }, model: LED_TYPES['smd-rgb-2121']!, transfer: parseSignalTransfer('gamma:2.4'), source: src, log });
    const client = dgram.createSocket('udp4');
    const send = (text: string) => new Promise<void>((resolve) => client.send(text, port, '127.0.0.1', () => resolve()));

    let flooding = true;
    const frameTimes: number[] = [];
    const frames = (async () => {
      let n = 0;
      while (flooding || n < 10) {
        const t0 = performance.now();
        await stage.process(makeFrame(solidFrame(320, 180, 'rgb24', [200, 180, 160]), 320, 180, 'rgb24', n, n * 16.7));
        frameTimes.push(performance.now() - t0);
        n++;
        await new Promise((r) => setImmediate(r));
      }
    })();
    const sent = { ok: 0, bad: 0 };
    for (let i = 0; i < 5000; i++) {
      if (i % 10 === 9) {
        void send(i % 20 === 9 ? '{"zone":' : '{"zone":99,"celsius":40}');
        sent.bad++;
      } else {
        void send(JSON.stringify({ zone: i % zones, celsius: 30 + (i % 17), t: i }));
        sent.ok++;
      }
      if (i % 200 === 0) await new Promise((r) => setImmediate(r));
    }
    await sleep(200);
    // The final word per zone, sent after the flood: these must win.
    for (let z = 0; z < zones; z++) await send(JSON.stringify({ zone: z, celsius: 50 + z, t: 10_000 + z }));
    for (let i = 0; i < 50 && src.board.celsius[zones - 1] !== 50 + zones - 1; i++) await sleep(20);
    flooding = false;
    await frames;
    const sorted = [...frameTimes].sort((a, b) => a - b);
    const p99 = sorted[Math.floor(sorted.length * 0.99)]!;
    console.log(`[thermal] UDP flood: ${src.datagrams} datagrams received of ${sent.ok + sent.bad} sent, ${src.board.malformed} malformed, ${src.board.stale} stale; ${frameTimes.length} frames during it, p99 frame ${p99.toFixed(2)} ms`);
    expect(Array.from(src.board.celsius)).toEqual(Array.from({ length: zones }, (_, z) => 50 + z));
    expect(src.board.malformed).toBeGreaterThan(0);
    expect(src.board.malformed).toBeLessThanOrEqual(sent.bad);
    expect(frameTimes.length).toBeGreaterThan(20);
    expect(p99).toBeLessThan(250);
    // Rate-limited: the first malformed datagram is reported, the rest summarised (at most every 5 s).
    expect(log.warnings().filter((w) => w.includes('malformed')).length).toBeLessThanOrEqual(3);
    await stage.close();
    client.close();
  });

  it('an older datagram (by sensor time) does not overwrite a newer one', async () => {
    const src = new UdpTemperatureSource('127.0.0.1', 0, 2, captureLog(), clock);
    await src.start();
    src.board.apply(parseTemperatureMessage('{"zone":0,"celsius":45,"t":100}', 2), 0);
    src.board.apply(parseTemperatureMessage('{"zone":0,"celsius":40,"t":99}', 2), 1);
    expect(src.board.celsius[0]).toBe(45);
    expect(src.board.stale).toBe(1);
    await src.close();
  });

  it('reports a port it cannot bind, naming it', async () => {
    const a = new UdpTemperatureSource('127.0.0.1', 0, 1, captureLog(), clock);
    await a.start();
    const b = new UdpTemperatureSource('203.0.113.7', a.address().port, 1, captureLog(), clock);
    await expect(b.start()).rejects.toThrow(/^--temperature udp:\/\/203\.0\.113\.7:\d+: cannot listen \(/);
    await a.close();
  });
});
