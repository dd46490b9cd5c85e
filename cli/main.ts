/**
 * `csc-kpi`: the command line (spec: outputs.md). Thin: parses options, calls one function,
 * prints, and exits non-zero with a clear message on failure.
 */
import { resolve } from 'node:path';
import { Command } from 'commander';
import { createLogger } from '../core/logger.js';
import { londonDate } from '../core/dates.js';
import { runNight } from './run-night.js';
import { formatNightSummary } from './summary.js';
import { NativeConnection } from '@temporalio/worker';
import { createWorker, installRuntimeLogger } from './worker.js';

process.env.TZ = 'Europe/London';
const log = createLogger();
const program = new Command('csc-kpi').description('Nightly children’s social care KPI pipeline');

interface HomeOpts {
  home: string;
  landing?: string;
  asOf?: string;
}

function nightInput(o: HomeOpts) {
  const home = resolve(o.home);
  return { home, landing: resolve(o.landing ?? `${home}/landing`), asOf: o.asOf ?? londonDate(new Date()) };
}

program
  .command('run')
  .description('run the nightly workflow once, now, and wait for it')
  .option('--as-of <date>', 'as-of date YYYY-MM-DD (default: today in Europe/London)')
  .option('--landing <dir>', 'landing folder (default: <home>/landing)')
  .option('--home <dir>', 'home folder', './data')
  .action(async (o: HomeOpts) => {
    const input = nightInput(o);
    const result = await runNight(input, log);
    process.stdout.write(formatNightSummary(result));
  });

program
  .command('worker')
  .description('run a long-lived worker against TEMPORAL_ADDRESS')
  .action(async () => {
    const address = process.env.TEMPORAL_ADDRESS;
    if (!address) throw new Error('Set TEMPORAL_ADDRESS (host:port of the Temporal frontend) to run a worker.');
    installRuntimeLogger(log);
    const { worker, connection } = await createWorker({ address, namespace: process.env.TEMPORAL_NAMESPACE });
    log.info({ address }, 'worker started');
    try {
      await worker.run();
    } finally {
      await (connection as NativeConnection).close();
    }
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`csc-kpi: ${message}\n`);
  process.exit(1);
});
