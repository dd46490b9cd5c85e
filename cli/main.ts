/**
 * `csc-kpi`: the command line (spec: outputs.md). Thin: each command lives in cli/commands/ and
 * registers itself; this file parses, runs, and exits non-zero with a clear message on failure.
 */
import { Command } from 'commander';
import type { Logger } from 'pino';
import { logSettingsOf, readEnvConfig, type EnvConfig } from '../core/env-config.js';
import { createLogger } from '../core/logger.js';
import { codeVersion } from '../core/project-root.js';
import { visibleControls } from '../core/shown-text.js';
import { register as registerRun } from './commands/run.js';
import { register as registerSchedule } from './commands/schedule.js';
import { register as registerSnapshots } from './commands/snapshots.js';
import { register as registerBaseline } from './commands/baseline.js';
import { register as registerValidate } from './commands/validate.js';
import { register as registerQuery } from './commands/query.js';
import { register as registerDictionary } from './commands/dictionary.js';
import { register as registerRegion } from './commands/region.js';
import { register as registerStatus } from './commands/status.js';
import { stderrLines } from './progress-display.js';
import { StoppedBySignal } from './shutdown-signals.js';

process.env.TZ = 'Europe/London';
// Second line of defence for custody (the first is the explicit modes in activities/file-modes.ts):
// anything this process or DuckDB creates without a deliberate mode is owner-only.
process.umask(0o077);
// A reader that goes away (`csc-kpi run 2>&1 | head`, a log reader that dies, a pager quit early)
// must not stop a night halfway: what any command would have printed is dropped, and it finishes
// and cleans up.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
}

/** The whole cause chain (WorkflowFailedError → ActivityFailure → ApplicationFailure), most specific last. */
function explain(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err; e; e = (e as { cause?: unknown }).cause) {
    // Our own messages may run over several lines (one per refused statement); every other
    // control character is written out, so nothing a file name carries can steer the terminal.
    const message = e instanceof Error ? e.message : String(e);
    parts.push(message.split('\n').map(visibleControls).join('\n'));
  }
  return parts.join('\n  caused by: ');
}

function fail(err: unknown): never {
  process.stderr.write(`csc-kpi: ${explain(err)}\n`);
  // Stopped by a signal: the usual code for a process a signal stopped (130, 143), not a failed night's 1.
  process.exit(err instanceof StoppedBySignal ? err.exitCode : 1);
}

// The environment is read here, once, and every command is handed the result: a bad setting
// stops the CLI before anything starts, in one line naming the variable (core/env-config.ts).
let settings: EnvConfig;
let log: Logger;
try {
  settings = readEnvConfig(process.env);
  const logging = logSettingsOf(settings);
  // Human lines on a terminal, JSON lines otherwise (or as LOG_FORMAT says); always clear of the progress bar.
  log = createLogger({ level: logging.level, format: logging.format ?? (process.stderr.isTTY ? 'pretty' : 'json'), sink: stderrLines });
} catch (err) {
  fail(err);
}
const program = new Command('csc-kpi')
  .description('Nightly children’s social care KPI pipeline')
  .version(`csc-kpi ${codeVersion(settings.CSC_KPI_COMMIT)}`, '-V, --version', 'the version (package version, plus +<commit> when CSC_KPI_COMMIT is set)');

// Add a command: write cli/commands/<name>.ts exporting register(program, log, settings), list it here.
const commands: ((program: Command, log: Logger, settings: EnvConfig) => void)[] = [
  registerRun,
  registerSchedule,
  registerStatus,
  registerValidate,
  registerBaseline,
  registerQuery,
  registerDictionary,
  registerSnapshots,
  registerRegion,
];
for (const register of commands) register(program, log, settings);

program.parseAsync(process.argv).catch(fail);
