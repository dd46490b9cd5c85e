/** `csc-kpi run` and `csc-kpi worker`. */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { Logger } from 'pino';
import { londonDate } from '../../core/dates.js';
import type { EnvConfig } from '../../core/env-config.js';
import { homeOption, landingOption } from '../folder-options.js';
import { assertNightCanStart } from '../night-preflight.js';
import { runNight } from '../run-night.js';
import { formatNightSummary } from '../summary.js';
import { runWorker } from '../worker.js';

export interface HomeOpts {
  home: string;
  landing?: string;
  asOf?: string;
}

/** Defaults from the spec: --home ./data, --landing <home>/landing, --as-of today in Europe/London (cli/folder-options.ts: CSC_KPI_HOME and CSC_KPI_LANDING first). */
export function nightInput(o: HomeOpts) {
  const home = resolve(o.home);
  return { home, landing: resolve(o.landing ?? `${home}/landing`), asOf: o.asOf ?? londonDate(new Date()) };
}

export function register(program: Command, log: Logger, settings: EnvConfig): void {
  program
    .command('run')
    .description('run the nightly workflow once, now, and wait for it')
    .option('--as-of <date>', 'as-of date YYYY-MM-DD (default: today in Europe/London)')
    .option(...landingOption(settings))
    .option(...homeOption(settings))
    .action(async (o: HomeOpts) => {
      const input = nightInput(o);
      // Before any server or worker starts: a missing folder or a broken config is one line, at once.
      await assertNightCanStart(input);
      const result = await runNight(input, log, settings);
      process.stdout.write(formatNightSummary(result));
    });

  program
    .command('worker')
    .description('run a long-lived worker against TEMPORAL_ADDRESS, serving CSC_KPI_LANDING and CSC_KPI_HOME only (or, with a region.json, the councils on its queue)')
    .option('--queue <name>', 'the task queue to poll (default: CSC_KPI_TASK_QUEUE, else csc-kpi)')
    .option('--config <file>', 'a region.json (default: CSC_KPI_REGION_CONFIG): serve the councils whose task_queue is --queue, and the region’s roll-up on its own queue')
    .action((o: { queue?: string; config?: string }) => runWorker(log, settings, o));
}
