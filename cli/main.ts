/**
 * `csc-kpi`: the command line (spec: outputs.md). Thin: each command lives in cli/commands/ and
 * registers itself; this file parses, runs, and exits non-zero with a clear message on failure.
 */
import { Command } from 'commander';
import type { Logger } from 'pino';
import { readEnvConfig, type EnvConfig } from '../core/env-config.js';
import { createLogger } from '../core/logger.js';
import { visibleControls } from '../core/shown-text.js';
import { register as registerRun } from './commands/run.js';
import { register as registerSchedule } from './commands/schedule.js';
import { register as registerSnapshots } from './commands/snapshots.js';
import { register as registerBaseline } from './commands/baseline.js';
import { register as registerValidate } from './commands/validate.js';
import { register as registerQuery } from './commands/query.js';
import { register as registerDictionary } from './commands/dictionary.js';
import { register as registerRegion } from './commands/region.js';

process.env.TZ = 'Europe/London';
// Second line of defence for custody (the first is the explicit modes in activities/file-modes.ts):
// anything this process or DuckDB creates without a deliberate mode is owner-only.
process.umask(0o077);

// The environment is read here, once, and every command is handed the result: a bad setting
// stops the CLI before anything starts, in one line naming the variable (core/env-config.ts).
let settings: EnvConfig;
try {
  settings = readEnvConfig();
} catch (err) {
  process.stderr.write(`csc-kpi: ${visibleControls((err as Error).message)}\n`);
  process.exit(1);
}
const log = createLogger(settings.LOG_LEVEL);
const program = new Command('csc-kpi').description('Nightly children’s social care KPI pipeline');

// Add a command: write cli/commands/<name>.ts exporting register(program, log, settings), list it here.
const commands: ((program: Command, log: Logger, settings: EnvConfig) => void)[] = [
  registerRun,
  registerSchedule,
  registerValidate,
  registerBaseline,
  registerQuery,
  registerDictionary,
  registerSnapshots,
  registerRegion,
];
for (const register of commands) register(program, log, settings);

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

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`csc-kpi: ${explain(err)}\n`);
  process.exit(1);
});
