/**
 * The reading half of threaded-reader.ts, on a worker thread: blocking read() calls straight into
 * shared frame buffers, so decoded bytes are copied once (kernel to frame) and the JS thread only
 * hears "frame N is in slot S". See threaded-reader.ts for the slot protocol.
 */
import fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';

export interface WorkerInit {
  /** The FIFO to open for reading (blocks until its writer opens it). */
  readonly fifo: string;
}

export interface WorkerStart {
  readonly frameBytes: number;
  readonly buffers: readonly SharedArrayBuffer[];
  /** [0] release generation, [1] stop flag, [2 + i] slot i state: 0 free, 1 filled (owned by the main thread). */
  readonly control: SharedArrayBuffer;
}

export type WorkerMessage =
  | { readonly kind: 'opened' }
  | { readonly kind: 'frame'; readonly slot: number; readonly seq: number }
  | { readonly kind: 'end'; readonly frames: number; readonly leftoverBytes: number }
  | { readonly kind: 'error'; readonly message: string; readonly code: string | null };

const port = parentPort!;
const init = workerData as WorkerInit;

function post(m: WorkerMessage): void {
  port.postMessage(m);
}

let fd: number;
try {
  fd = fs.openSync(init.fifo, 'r');
  post({ kind: 'opened' });
} catch (err) {
  const e = err as NodeJS.ErrnoException;
  post({ kind: 'error', message: e.message, code: e.code ?? null });
  throw err;
}

port.once('message', (start: WorkerStart) => {
  const control = new Int32Array(start.control);
  const slots = start.buffers.map((b) => Buffer.from(b));
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  let seq = 0;
  let next = 0;

  const freeSlot = (): number | null => {
    for (let k = 0; k < slots.length; k++) {
      const i = (next + k) % slots.length;
      if (Atomics.load(control, 2 + i) === 0) {
        next = (i + 1) % slots.length;
        return i;
      }
    }
    return null;
  };

  try {
    for (;;) {
      let slot = freeSlot();
      while (slot === null) {
        // Every frame is in flight: wait for a release (this is where backpressure stops ffmpeg).
        const gen = Atomics.load(control, 0);
        slot = freeSlot();
        if (slot !== null) break;
        if (Atomics.load(control, 1) !== 0) return finish(0);
        Atomics.wait(control, 0, gen, 1000);
        slot = freeSlot();
      }
      if (Atomics.load(control, 1) !== 0) return finish(0);
      const buf = slots[slot]!;
      let filled = 0;
      while (filled < start.frameBytes) {
        let n: number;
        try {
          n = fs.readSync(fd, buf, filled, start.frameBytes - filled, null);
        } catch (err) {
          // Defensive: a FIFO opened elsewhere with O_NONBLOCK would say EAGAIN; wait and retry.
          if ((err as NodeJS.ErrnoException).code === 'EAGAIN') {
            Atomics.wait(sleeper, 0, 0, 2);
            continue;
          }
          throw err;
        }
        if (n === 0) return finish(filled);
        filled += n;
      }
      Atomics.store(control, 2 + slot, 1);
      post({ kind: 'frame', slot, seq });
      seq++;
    }
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    post({ kind: 'error', message: e.message, code: e.code ?? null });
  }

  function finish(leftoverBytes: number): void {
    fs.closeSync(fd);
    post({ kind: 'end', frames: seq, leftoverBytes });
  }
});
