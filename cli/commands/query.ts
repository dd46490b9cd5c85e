/**
 * `csc-kpi query "SQL" [--home DIR]`: run SQL against the analysts' warehouse
 * (<home>/warehouse.duckdb), opened READ-ONLY, and print the result as a table. This is how a
 * manager reads a drill-through, e.g.
 *   csc-kpi query "SELECT * FROM drill.cin_without_plan_6wk(DATE '2015-02-28')"
 * Rows go to this person's terminal only: nothing is logged (child ids never enter a log).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Command } from 'commander';
import type { Logger } from 'pino';

/** A plain-text table: a header, a rule, one line per row; NULL shown as an empty cell. */
export function formatTable(columns: string[], rows: unknown[][]): string {
  const text = (v: unknown): string => {
    if (v === null || v === undefined) return '';
    if (typeof v === 'object') return JSON.stringify(v);
    return String(v as string | number | boolean | bigint);
  };
  const cells = rows.map((r) => r.map(text));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join(' | ').trimEnd();
  const out = [line(columns), widths.map((w) => '-'.repeat(w)).join('-+-'), ...cells.map(line)];
  out.push(`(${rows.length} row${rows.length === 1 ? '' : 's'})`);
  return `${out.join('\n')}\n`;
}

export async function runQuery(home: string, sql: string): Promise<string> {
  const path = join(resolve(home), 'warehouse.duckdb');
  if (!existsSync(path)) throw new Error(`No warehouse at ${path}: run \`csc-kpi run\` first, or pass --home.`);
  const instance = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
  try {
    const conn = await instance.connect();
    try {
      const reader = await conn.runAndReadAll(sql);
      return formatTable(reader.columnNames(), reader.getRowsJson());
    } finally {
      conn.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}

export function register(program: Command, _log: Logger): void {
  program
    .command('query')
    .description('run read-only SQL against the warehouse and print a table')
    .argument('<sql>', 'the SQL to run, e.g. "SELECT * FROM drill.cin_without_plan_6wk(DATE \'2015-02-28\')"')
    .option('--home <dir>', 'home folder', './data')
    .action(async (sql: string, o: { home: string }) => {
      process.stdout.write(await runQuery(o.home, sql));
    });
}
