/** `--temperature FILE | udp://HOST:PORT[?iface=ADDR] | sim[:k=v,...]`: parsing and construction. */
import net from 'node:net';
import type { Logger } from '../../pipeline/logger.js';
import { JsonLinesTemperatureSource } from './jsonl-source.js';
import { parseSimulationParams, SimulatedTemperatureSource, type ThermalSimulationParams } from './simulated-source.js';
import type { TemperatureSource } from './temperature-source.js';
import { isMulticastAddress, UdpTemperatureSource } from './udp-source.js';

export type TemperatureSpec =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'udp'; readonly host: string; readonly port: number; readonly iface?: string }
  | { readonly kind: 'sim'; readonly params: ThermalSimulationParams };

export const TEMPERATURE_USAGE = 'FILE|udp://HOST:PORT|sim';

export function parseTemperatureSpec(text: string): TemperatureSpec {
  if (text === '') throw new RangeError(`--temperature: expected ${TEMPERATURE_USAGE} but received an empty value`);
  if (text === 'sim' || text.startsWith('sim:')) return { kind: 'sim', params: parseSimulationParams(text.slice(3)) };
  if (text.startsWith('udp://')) {
    const m = /^udp:\/\/(\[[0-9a-fA-F:.]+\]|[^:/[\]?]+):(\d+)(?:\?iface=([^&\s]*))?$/.exec(text);
    const port = m ? Number(m[2]) : NaN;
    if (!m || !(port >= 0 && port <= 65535)) throw new RangeError(`--temperature: expected udp://HOST:PORT with a port from 0 to 65535 (e.g. udp://0.0.0.0:5005) but received '${text}'`);
    const host = m[1]!.replace(/^\[|\]$/g, '');
    if (m[3] === undefined) return { kind: 'udp', host, port };
    if (!isMulticastAddress(host)) throw new RangeError(`--temperature: ?iface= names the interface that joins a multicast group, but ${host} is not a multicast address (224.0.0.0/4 or ff00::/8) in '${text}'`);
    if (net.isIP(m[3]) === 0) throw new RangeError(`--temperature: ?iface= expects the IP address of a local interface (e.g. ?iface=10.0.0.5) but received '${m[3]}' in '${text}'`);
    return { kind: 'udp', host, port, iface: m[3] };
  }
  return { kind: 'file', path: text };
}

export function createTemperatureSource(spec: TemperatureSpec, zones: number, log: Logger, clock: () => number): TemperatureSource {
  switch (spec.kind) {
    case 'sim':
      return new SimulatedTemperatureSource(spec.params, zones, clock);
    case 'udp':
      return new UdpTemperatureSource(spec.host, spec.port, zones, log, clock, spec.iface);
    case 'file':
      return new JsonLinesTemperatureSource(spec.path, zones, log, clock);
  }
}
