import type { Logger } from '../pipeline/logger.js';
import type { LogLevel } from './args.js';

export type { Logger };

const RANK: Record<LogLevel, number> = { quiet: 0, error: 1, warn: 2, info: 3, debug: 4 };

/** Everything human-readable goes to stderr: stdout carries video only. */
export function createLogger(level: LogLevel, write: (text: string) => void = (t) => process.stderr.write(t)): Logger {
  const at = (min: LogLevel, prefix: string) => (message: string) => {
    if (RANK[level] >= RANK[min]) write(`ledpipe: ${prefix}${message}\n`);
  };
  return { error: at('error', 'error: '), warn: at('warn', 'warning: '), info: at('info', ''), debug: at('debug', 'debug: ') };
}
