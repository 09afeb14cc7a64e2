/**
 * Watches one file for changes, the way editors and atomic writers change files: the folder is
 * watched (a rename over the file would end a watch on the file itself), events for other names are
 * ignored, and a burst of events calls `onChange` once, `debounceMs` after the last. The watch never
 * keeps the process alive; a folder that cannot be watched is reported through `warn`.
 */
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';

export interface FileWatch {
  close(): void;
}

export function watchFile(file: string, debounceMs: number, onChange: () => void, warn: (message: string) => void): FileWatch {
  const name = basename(file);
  let timer: NodeJS.Timeout | null = null;
  let watcher: FSWatcher | null = null;
  try {
    watcher = watch(dirname(file), { persistent: false }, (_event, changed) => {
      if (changed !== null && changed !== name) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        timer = null;
        onChange();
      }, debounceMs);
    });
    watcher.on('error', (err) => warn(`stopped watching ${file}: ${err.message}`));
  } catch (err) {
    warn(`cannot watch ${file} for changes: ${(err as Error).message}`);
  }
  return {
    close() {
      if (timer) clearTimeout(timer);
      timer = null;
      watcher?.close();
      watcher = null;
    },
  };
}
