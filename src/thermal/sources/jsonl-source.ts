/**
 * `--temperature FILE`: JSON lines (see telemetry-message.ts) from a regular file or a FIFO.
 * A regular file is read from the start and then followed as it grows (like `tail -f`; a file
 * that shrinks is read again from the start). A FIFO is opened read-write and non-blocking, so it
 * never reports end-of-file when a writer goes away and never occupies a libuv pool thread
 * waiting for one. Bad lines are counted and reported as FILE:LINE: reason, never fatal.
 */
import fs from 'node:fs';
import net from 'node:net';
import type { Logger } from '../../pipeline/logger.js';
import { MalformedInputLog } from './malformed-log.js';
import { parseTelemetryMessage, TelemetryError } from './telemetry-message.js';
import type { TemperatureSource } from './temperature-source.js';
import { ZoneTemperatureBoard } from './zone-board.js';

export const FILE_POLL_MS = 200;

export class JsonLinesTemperatureSource implements TemperatureSource {
  readonly board: ZoneTemperatureBoard;
  readonly description: string;
  private readonly malformedLog: MalformedInputLog;
  private line = 0;
  private partial = '';
  private offset = 0;
  private timer: NodeJS.Timeout | undefined;
  private socket: net.Socket | undefined;
  private reading = false;
  private closed = false;

  constructor(private readonly file: string, zones: number, log: Logger, private readonly clock: () => number) {
    this.board = new ZoneTemperatureBoard(zones);
    this.description = file;
    this.malformedLog = new MalformedInputLog(log, file, clock);
  }

  async start(): Promise<void> {
    let st: fs.Stats;
    try {
      st = await fs.promises.stat(this.file);
    } catch {
      throw new Error(`--temperature: no such file '${this.file}'`);
    }
    if (st.isFIFO()) {
      const fd = fs.openSync(this.file, fs.constants.O_RDWR | fs.constants.O_NONBLOCK);
      this.socket = new net.Socket({ fd, readable: true, writable: false });
      this.socket.setEncoding('utf8');
      this.socket.on('data', (chunk: string) => this.feed(chunk));
      this.socket.on('error', (err) => this.malformedLog.report(`read error: ${err.message}`));
      this.socket.unref();
      return;
    }
    if (!st.isFile()) throw new Error(`--temperature: '${this.file}' is neither a file nor a FIFO`);
    await this.readMore();
    this.timer = setInterval(() => void this.readMore(), FILE_POLL_MS);
    this.timer.unref();
  }

  /** Reads what was appended since last time (regular files). */
  async readMore(): Promise<void> {
    if (this.reading || this.closed) return;
    this.reading = true;
    try {
      const st = await fs.promises.stat(this.file);
      if (st.size < this.offset) {
        this.offset = 0;
        this.line = 0;
        this.partial = '';
      }
      if (st.size === this.offset) return;
      const fh = await fs.promises.open(this.file, 'r');
      try {
        const buf = Buffer.alloc(st.size - this.offset);
        const { bytesRead } = await fh.read(buf, 0, buf.length, this.offset);
        this.offset += bytesRead;
        this.feed(buf.subarray(0, bytesRead).toString('utf8'));
      } finally {
        await fh.close();
      }
    } catch (err) {
      this.malformedLog.report(`cannot read: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      this.reading = false;
    }
  }

  private feed(text: string): void {
    const lines = (this.partial + text).split(/\r?\n/);
    this.partial = lines.pop() ?? '';
    const now = this.clock();
    for (const l of lines) {
      this.line++;
      if (l.trim() === '') continue;
      try {
        this.board.applyMessage(parseTelemetryMessage(l, this.board.zones), now);
      } catch (err) {
        // A bad line never stops the lines after it (nor, from a FIFO's handler, the process).
        this.board.malformed++;
        this.malformedLog.report(`${this.file}:${this.line}: ${err instanceof TelemetryError ? err.reason : `unreadable (${(err as Error).message})`}`);
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.socket?.destroy();
    this.malformedLog.flush();
  }
}
