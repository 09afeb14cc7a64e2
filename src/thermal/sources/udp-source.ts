/**
 * `--temperature udp://HOST:PORT`: one JSON message per datagram (see telemetry-message.ts), as
 * receiving-card telemetry sends it. Each datagram is parsed and written to the board at once
 * (latest per zone wins), so a flood costs O(1) each and frames never wait on it; malformed
 * datagrams are counted and reported at a bounded rate.
 *
 * Several instances can share one feed (docs/SCALING.md): the socket is bound with SO_REUSEADDR,
 * and a multicast HOST (udp://239.255.42.1:5005, optionally ?iface=ADDR) joins that group, so
 * every instance receives every datagram. Broadcast reaches every instance bound to
 * 0.0.0.0:PORT too; unicast to a shared port reaches only one of them.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import type { Logger } from '../../pipeline/logger.js';
import { MalformedInputLog } from './malformed-log.js';
import { parseTelemetryMessage, TelemetryError } from './telemetry-message.js';
import type { TemperatureSource } from './temperature-source.js';
import { ZoneTemperatureBoard } from './zone-board.js';

export class UdpTemperatureSource implements TemperatureSource {
  readonly board: ZoneTemperatureBoard;
  readonly description: string;
  private readonly malformedLog: MalformedInputLog;
  private socket: dgram.Socket | undefined;
  /** Datagrams received. */
  datagrams = 0;

  constructor(private readonly host: string, private readonly port: number, zones: number, log: Logger, private readonly clock: () => number, private readonly iface?: string) {
    this.board = new ZoneTemperatureBoard(zones);
    this.description = `udp://${net.isIPv6(host) ? `[${host}]` : host}:${port}${iface ? `?iface=${iface}` : ''}`;
    this.malformedLog = new MalformedInputLog(log, this.description, clock);
  }

  start(): Promise<void> {
    const socket = dgram.createSocket({ type: net.isIPv6(this.host) ? 'udp6' : 'udp4', reuseAddr: true });
    this.socket = socket;
    socket.on('message', (msg) => this.receive(msg));
    return new Promise((resolve, reject) => {
      const fail = (err: Error) => reject(new Error(`--temperature ${this.description}: cannot listen (${err.message})`));
      socket.once('error', fail);
      const group = isMulticastAddress(this.host);
      // A group is joined on a socket bound to the wildcard address (portable; Windows cannot bind a group).
      socket.bind(this.port, group ? (net.isIPv6(this.host) ? '::' : '0.0.0.0') : this.host, () => {
        if (group) {
          try {
            socket.addMembership(this.host, this.iface);
          } catch (err) {
            socket.close();
            fail(new Error(`cannot join multicast group ${this.host}${this.iface ? ` on ${this.iface}` : ''}: ${(err as Error).message}`));
            return;
          }
        }
        socket.off('error', fail);
        socket.on('error', (err) => this.malformedLog.report(`socket error: ${err.message}`));
        socket.unref();
        resolve();
      });
    });
  }

  /** The bound address (the port when 0 was asked for). */
  address(): { address: string; port: number } {
    if (!this.socket) throw new Error('UDP temperature source is not started');
    const a = this.socket.address();
    return { address: a.address, port: a.port };
  }

  private receive(msg: Buffer): void {
    this.datagrams++;
    try {
      this.board.applyMessage(parseTelemetryMessage(msg.toString('utf8'), this.board.zones), this.clock());
    } catch (err) {
      // Whatever a datagram holds, it must not throw out of the socket's handler (that would end the process).
      this.board.malformed++;
      this.malformedLog.report(`datagram ${this.datagrams}: ${err instanceof TelemetryError ? err.reason : `unreadable (${(err as Error).message})`}`);
    }
  }

  async close(): Promise<void> {
    const s = this.socket;
    this.socket = undefined;
    this.malformedLog.flush();
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}

/** IPv4 224.0.0.0/4 or IPv6 ff00::/8. */
export function isMulticastAddress(host: string): boolean {
  if (net.isIPv4(host)) {
    const first = Number(host.split('.')[0]);
    return first >= 224 && first <= 239;
  }
  return net.isIPv6(host) && /^ff/i.test(host);
}
