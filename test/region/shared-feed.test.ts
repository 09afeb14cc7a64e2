/**
 * One temperature feed, N instances (docs/SCALING.md): every instance must see every zone's
 * reading. Multicast and broadcast datagrams reach every instance listening on the port; a file
 * that a monitoring script appends to is read by each instance on its own. Unicast to a shared
 * port reaches only one listener (Linux), which is why the docs say not to use it for N > 1.
 */
import dgram from 'node:dgram';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JsonLinesTemperatureSource } from '../../src/thermal/sources/jsonl-source.js';
import { parseTemperatureSpec } from '../../src/thermal/sources/source-spec.js';
import type { TemperatureSource } from '../../src/thermal/sources/temperature-source.js';
import { UdpTemperatureSource } from '../../src/thermal/sources/udp-source.js';
import { captureLog } from '../thermal/fixtures.js';
import { tmpDir } from '../helpers.js';

const ZONES = 6;
const clock = (): number => 1000;
const open: (TemperatureSource | dgram.Socket)[] = [];

afterEach(async () => {
  for (const s of open.splice(0)) {
    if (s instanceof dgram.Socket) s.close();
    else await s.close();
  }
});

async function listeners(host: string, n: number, iface?: string): Promise<UdpTemperatureSource[]> {
  const first = new UdpTemperatureSource(host, 0, ZONES, captureLog(), clock, iface);
  await first.start();
  open.push(first);
  const port = first.address().port;
  const out = [first];
  for (let i = 1; i < n; i++) {
    const s = new UdpTemperatureSource(host, port, ZONES, captureLog(), clock, iface);
    await s.start();
    open.push(s);
    out.push(s);
  }
  return out;
}

async function sender(configure: (s: dgram.Socket) => void): Promise<dgram.Socket> {
  const tx = dgram.createSocket('udp4');
  open.push(tx);
  await new Promise<void>((resolve) => tx.bind(0, '127.0.0.1', resolve));
  configure(tx);
  return tx;
}

const send = (tx: dgram.Socket, msg: object, port: number, host: string): Promise<void> =>
  new Promise((resolve, reject) => tx.send(JSON.stringify(msg), port, host, (err) => (err ? reject(err) : resolve())));

async function until(cond: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
}

const reading = { zones: [30, 41.5, null, 52, 38, 60] };

describe.skipIf(process.platform !== 'linux')('one UDP temperature feed, three instances', () => {
  it('a multicast group (udp://239.255.42.1:PORT?iface=127.0.0.1) reaches every instance', async (ctx) => {
    expect(parseTemperatureSpec('udp://239.255.42.1:5005?iface=127.0.0.1')).toEqual({ kind: 'udp', host: '239.255.42.1', port: 5005, iface: '127.0.0.1' });
    let rx: UdpTemperatureSource[];
    try {
      rx = await listeners('239.255.42.1', 3, '127.0.0.1');
    } catch (err) {
      // A sandbox whose loopback cannot join groups: nothing to prove here.
      if (/cannot join multicast group/.test((err as Error).message)) return ctx.skip();
      throw err;
    }
    const port = rx[0]!.address().port;
    const tx = await sender((s) => s.setMulticastInterface('127.0.0.1'));
    await send(tx, reading, port, '239.255.42.1');
    await until(() => rx.every((s) => s.board.accepted === 5));
    for (const s of rx) {
      expect(s.board.accepted).toBe(5);
      expect([...s.board.celsius].map((c) => (Number.isNaN(c) ? null : c))).toEqual(reading.zones);
    }
  });

  it('broadcast to instances bound to 0.0.0.0:PORT reaches every instance', async () => {
    const rx = await listeners('0.0.0.0', 3);
    const port = rx[0]!.address().port;
    const tx = await sender((s) => s.setBroadcast(true));
    await send(tx, reading, port, '127.255.255.255');
    await until(() => rx.every((s) => s.board.accepted === 5));
    for (const s of rx) expect(s.board.accepted).toBe(5);
  });

  it('unicast to a shared port reaches only one instance (so it is not a way to share a feed)', async () => {
    const rx = await listeners('0.0.0.0', 3);
    const port = rx[0]!.address().port;
    const tx = await sender(() => undefined);
    await send(tx, reading, port, '127.0.0.1');
    await until(() => rx.some((s) => s.board.accepted > 0));
    await new Promise((r) => setTimeout(r, 100));
    expect(rx.filter((s) => s.board.accepted > 0)).toHaveLength(1);
  });

  it('?iface= is only for multicast groups, and must be an address', () => {
    expect(() => parseTemperatureSpec('udp://0.0.0.0:5005?iface=127.0.0.1')).toThrow(/--temperature: \?iface= names the interface that joins a multicast group, but 0\.0\.0\.0 is not a multicast address/);
    expect(() => parseTemperatureSpec('udp://239.1.2.3:5005?iface=eth0')).toThrow(/--temperature: \?iface= expects the IP address of a local interface .* received 'eth0'/);
  });
});

describe('one temperature file, three instances', () => {
  it('each instance follows the file on its own and sees every line', async () => {
    const dir = tmpDir('ledpipe-feed-');
    const file = path.join(dir, 'temps.jsonl');
    fs.writeFileSync(file, `${JSON.stringify({ zone: 0, celsius: 33 })}\n`);
    const rx = [0, 1, 2].map(() => new JsonLinesTemperatureSource(file, ZONES, captureLog(), clock));
    for (const s of rx) {
      await s.start();
      open.push(s);
    }
    fs.appendFileSync(file, `${JSON.stringify(reading)}\n`);
    for (const s of rx) await s.readMore();
    for (const s of rx) {
      expect(s.board.accepted).toBe(6);
      expect([...s.board.celsius].map((c) => (Number.isNaN(c) ? null : c))).toEqual([30, 41.5, null, 52, 38, 60]);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
