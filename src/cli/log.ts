import type { LogLevel } from './args.js';

/** Everything human-readable goes to stderr: stdout carries video only. */
export interface Logger {
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
  debug(message: string): void;
}

const RANK: Record<LogLevel, number> = { quiet: 0, error: 1, warn: 2, info: 3, debug: 4 };

export function createLogger(level: LogLevel, write: (text: string) => void = (t) => process.stderr.write(t)): Logger {
  const at = (min: LogLevel, prefix: string) => (message: string) => {
    if (RANK[level] >= RANK[min]) write(`ledpipe: ${prefix}${message}\n`);
  };
  return { error: at('error', 'error: '), warn: at('warn', 'warning: '), info: at('info', ''), debug: at('debug', 'debug: ') };
}
