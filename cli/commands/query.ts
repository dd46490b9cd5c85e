/**
 * `csc-kpi query "SQL" [--home DIR] [--format table|csv|json]`: read the analysts' warehouse
 * (<home>/warehouse.duckdb) and print the result on stdout. This is how a manager reads a
 * drill-through, e.g.
 *   csc-kpi query "SELECT * FROM drill.cin_without_plan_6wk(DATE '2015-02-28')"
 * It reads that warehouse and nothing else: no file read or written, no other database, no
 * extension, no setting changed (cli/read-only-sql.ts). A refused statement is one line each on
 * stderr and nothing runs. Rows go to this person's stdout only: nothing is logged.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import type { Logger } from 'pino';
import { FORMATS, formatResult, type QueryFormat } from '../query-format.js';
import { openLockedWarehouse, prepareReadOnly } from '../read-only-sql.js';
import type { EnvConfig } from '../../core/env-config.js';
import { homeOption } from '../folder-options.js';

export { formatTable } from '../query-format.js';

/** Refused or broken SQL: the message is one line per problem, for the terminal as it is. */
export class QueryRefused extends Error {}

export async function runQuery(home: string, sql: string, format: QueryFormat = 'table'): Promise<string> {
  const path = join(resolve(home), 'warehouse.duckdb');
  if (!existsSync(path)) throw new Error(`No warehouse at ${path}: run \`csc-kpi run\` first, or pass --home.`);
  const { instance, conn } = await openLockedWarehouse(path);
  try {
    const { statements, problems } = await prepareReadOnly(conn, sql);
    if (problems.length > 0) throw new QueryRefused(`${problems.join('\n')}\nNothing was run.`);
    if (statements.length > 1 && format !== 'table') {
      throw new QueryRefused(`--format ${format} prints one result: give one SELECT statement (this SQL has ${statements.length}).`);
    }
    const out: string[] = [];
    for (const statement of statements) {
      try {
        const reader = await statement.runAndReadAll();
        out.push(formatResult({ columns: reader.columnNames(), types: reader.columnTypes(), rows: reader.getRowsJson() }, format));
      } catch (err) {
        throw new QueryRefused((err as Error).message.split('\n')[0]!);
      }
    }
    return out.join('\n');
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

export function register(program: Command, _log: Logger, settings: EnvConfig): void {
  program
    .command('query')
    .description("run SELECT statements against the analysts' warehouse (read-only) and print the result")
    .argument('<sql>', 'the SQL to run, e.g. "SELECT * FROM drill.cin_without_plan_6wk(DATE \'2015-02-28\')"')
    .option(...homeOption(settings))
    .addOption(new Option('--format <format>', 'how to print the result on stdout').choices(FORMATS).default('table'))
    .action(async (sql: string, o: { home: string; format: QueryFormat }) => {
      process.stdout.write(await runQuery(o.home, sql, o.format));
    });
}
