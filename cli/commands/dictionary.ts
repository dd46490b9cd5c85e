/**
 * `csc-kpi dictionary [--out FILE] [--check FILE]`: the data dictionary, generated from the
 * catalogue of a freshly migrated warehouse plus the contracts, core/warehouse-docs.ts and the KPI
 * metadata (core/data-dictionary.ts). docs/data-dictionary.md is this output, committed;
 * test/data-dictionary.test.ts fails when it is out of date or untrue. `--check` says whether a
 * dictionary file matches the warehouse this code builds, table by table and column by column.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { Logger } from 'pino';
import { readKpiCatalogue } from '../../activities/kpi-files.js';
import { currentCatalogue } from '../../activities/warehouse-catalogue.js';
import { checkDictionary, renderDataDictionary } from '../../core/data-dictionary.js';

export function register(program: Command, _log: Logger): void {
  program
    .command('dictionary')
    .description('generate the data dictionary (tables, columns, macros, KPIs) as Markdown, or check one against the warehouse')
    .option('--out <file>', 'write to this file instead of standard output')
    .option('--check <file>', 'check this dictionary against the warehouse: every documented table and column exists, every one that exists is documented')
    .action(async (o: { out?: string; check?: string }) => {
      const catalogue = await currentCatalogue();
      if (o.check) {
        const errors = checkDictionary(await readFile(resolve(o.check), 'utf8'), catalogue);
        if (errors.length > 0) throw new Error(`${o.check} does not match the warehouse (${errors.length} problems): ${errors.join('; ')}`);
        process.stdout.write(`${o.check} matches the warehouse: every table, column and macro documented, none invented\n`);
        return;
      }
      const text = renderDataDictionary(catalogue, await readKpiCatalogue());
      if (o.out) await writeFile(resolve(o.out), text);
      else process.stdout.write(text);
    });
}
