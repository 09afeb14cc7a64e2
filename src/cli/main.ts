import { readFileSync } from 'node:fs';
import tty from 'node:tty';
import { help, parseCommandLine, UsageError, type LogLevel } from './args.js';
import { modelCandidates } from '../profiles/profile-facts.js';
import { ensureStageTimes } from '../profiles/self-benchmark.js';
import { runBackends, runDoctor } from './doctor.js';
import { runModelsCommand } from './models-command.js';
import { runCalibrateCommand } from './calibrate-command.js';
import { runProfileCommand } from './profile-command.js';
import { createLogger } from './log.js';
import { runJob } from './run.js';

/** Exit codes: 0 done, 1 runtime failure, 2 bad usage, 130/143 stopped by SIGINT/SIGTERM. */
export async function main(argv: readonly string[]): Promise<number> {
  let logLevel: LogLevel = 'info';
  try {
    const cmd = parseCommandLine(argv);
    switch (cmd.kind) {
      case 'help':
        process.stdout.write(help());
        return 0;
      case 'version':
        process.stdout.write(`ledpipe ${packageVersion()}\n`);
        return 0;
      case 'doctor':
        return runDoctor(cmd.json);
      case 'backends':
        return runBackends(cmd.json);
      case 'profile':
        return await runProfileCommand(cmd.args, { models: modelCandidates(), stageTimes: (content, fps) => ensureStageTimes(modelCandidates(), content, fps, createLogger('info')) });
      case 'models':
        return runModelsCommand([...cmd.args]);
      case 'calibrate':
        return await runCalibrateCommand([...cmd.args], createLogger('info'));
      case 'run': {
        logLevel = cmd.options.logLevel;
        const log = createLogger(logLevel);
        return await runJob(cmd.options, {
          log,
          // tty.isatty, not process.stdin/stdout: creating those streams would make fds 0/1
          // non-blocking, and fd 0 may belong to an ffmpeg child.
          stdinIsTTY: tty.isatty(0),
          stdoutIsTTY: tty.isatty(1),
          onSignal: (handler) => {
            const onInt = (): void => handler('SIGINT');
            const onTerm = (): void => handler('SIGTERM');
            process.on('SIGINT', onInt);
            process.on('SIGTERM', onTerm);
            return () => {
              process.off('SIGINT', onInt);
              process.off('SIGTERM', onTerm);
            };
          },
        });
      }
    }
  } catch (err) {
    const log = createLogger(logLevel);
    if (err instanceof UsageError) {
      log.error(err.message);
      return 2;
    }
    log.error(err instanceof Error ? err.message : String(err));
    return 1;
  }
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
