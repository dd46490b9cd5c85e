/** `csc-kpi validate --landing DIR [--as-of D]`: the night's checks on a landing folder, loading nothing. */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { Logger } from 'pino';
import { londonDate } from '../../core/dates.js';
import type { EnvConfig } from '../../core/env-config.js';
import { anyRejectedWhole, formatValidation, validateLanding } from '../../activities/validate.js';

export function register(program: Command, _log: Logger, settings: EnvConfig): void {
  program
    .command('validate')
    .description('check a landing folder against the source contracts without loading anything; exit 1 if any file (or workbook sheet) is rejected whole')
    .requiredOption('--landing <dir>', 'landing folder to check (default: CSC_KPI_LANDING when set)', settings.CSC_KPI_LANDING)
    .option('--as-of <date>', 'as-of date YYYY-MM-DD (default: today in Europe/London)')
    .option('--max-rejects <n>', 'reject lines shown per file', '5')
    .action(async (o: { landing: string; asOf?: string; maxRejects: string }) => {
      const files = await validateLanding({ landing: resolve(o.landing), asOf: o.asOf ?? londonDate(new Date()), maxRejects: Number(o.maxRejects) });
      process.stdout.write(formatValidation(files));
      if (anyRejectedWhole(files)) process.exitCode = 1;
    });
}
