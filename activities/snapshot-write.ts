/**
 * Writes the contents of one snapshot folder (spec: outputs.md, "A snapshot folder") from a
 * validated MetricsFile: metrics.json, the same rows flat as metrics.parquet and metrics.csv,
 * the committee report, and the `public/` variant with small numbers suppressed and no managers'
 * commentary (its metrics.json, .csv and .parquet, and its report). Knows nothing about temporary
 * names, manifests or `latest` (that is publish.ts and snapshot-files.ts).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { withoutCommentary } from '../core/commentary.js';
import { toCsv } from '../core/csv-safe.js';
import type { KpiDefinition } from '../core/kpi-definition.js';
import { FLAT_COLUMNS, flattenMetrics, PUBLIC_FLAT_COLUMNS, type FlatRow, type MetricsFile, type PublicFlatColumn } from '../core/metrics-contract.js';
import { renderReport } from '../core/report-html.js';
import { sqlLiteral } from '../core/sql-text.js';
import { publicFileOf, publicMetricsFile, publishedPublicFile, suppressForPublic } from '../core/suppression.js';
import type { Warehouse } from './warehouse.js';

/** DuckDB types of the flat columns, for metrics.parquet (and kpi.published, activities/published-figures.ts). */
export const FLAT_TYPES: Record<PublicFlatColumn, string> = {
  snapshot_id: 'VARCHAR',
  as_of: 'DATE',
  kpi: 'VARCHAR',
  title: 'VARCHAR',
  unit: 'VARCHAR',
  polarity: 'VARCHAR',
  target: 'DOUBLE',
  definition_version: 'VARCHAR',
  basis: 'VARCHAR',
  period_start: 'DATE',
  period_end: 'DATE',
  is_current: 'BOOLEAN',
  provisional: 'BOOLEAN',
  value: 'DOUBLE',
  symbol: 'VARCHAR',
  numerator: 'DOUBLE',
  denominator: 'DOUBLE',
  status: 'VARCHAR',
  comparable_with_previous: 'BOOLEAN',
  stale: 'BOOLEAN',
  baseline_period_end: 'DATE',
  baseline_value: 'DOUBLE',
  baseline_symbol: 'VARCHAR',
  baseline_since: 'DATE',
  baseline_reason: 'VARCHAR',
  notes: 'VARCHAR[]',
};

const json = (v: unknown): string => `${JSON.stringify(v, null, 2)}\n`;

/**
 * Runs `fn` with `rows` in a temporary table `snapshot_flat`: they go in as one bound JSON value
 * and are typed by `from_json` (`types`: column → DuckDB type).
 */
async function withRowsTable<T>(w: Warehouse, rows: Record<string, unknown>[], types: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const shape = JSON.stringify([types]);
  await w.run(
    `CREATE OR REPLACE TEMP TABLE snapshot_flat AS
     SELECT unnest(r) FROM (SELECT unnest(from_json($rows::JSON, ${sqlLiteral(shape)})) AS r)`,
    { rows: JSON.stringify(rows) },
  );
  try {
    return await fn();
  } finally {
    await w.run('DROP TABLE IF EXISTS temp.snapshot_flat');
  }
}

/** Runs `fn` with the flat rows, just `columns` of them, in the temporary table `snapshot_flat`. */
export async function withFlatTable<T>(w: Warehouse, rows: FlatRow[], columns: readonly PublicFlatColumn[], fn: () => Promise<T>): Promise<T> {
  const picked = rows.map((r) => Object.fromEntries(columns.map((c) => [c, r[c]])));
  return withRowsTable(w, picked, Object.fromEntries(columns.map((c) => [c, FLAT_TYPES[c]])), fn);
}

/**
 * Rows to a parquet file through DuckDB, typed by `types`. (The COPY target is a path the
 * pipeline made, quoted as a literal: COPY cannot bind it.)
 */
export async function writeRowsAsParquet(w: Warehouse, path: string, rows: Record<string, unknown>[], types: Record<string, string>): Promise<void> {
  await withRowsTable(w, rows, types, () => w.run(`COPY snapshot_flat TO ${sqlLiteral(path)} (FORMAT parquet, COMPRESSION zstd)`));
}

/** A parquet file of flat rows (full or public columns). */
async function writeFlatParquet(w: Warehouse, path: string, rows: FlatRow[], columns: readonly PublicFlatColumn[]): Promise<void> {
  await withFlatTable(w, rows, columns, () => w.run(`COPY snapshot_flat TO ${sqlLiteral(path)} (FORMAT parquet, COMPRESSION zstd)`));
}

/** metrics.parquet: the flat rows of metrics.json (core/metrics-contract.ts). */
export async function writeParquet(w: Warehouse, path: string, m: MetricsFile): Promise<void> {
  await writeFlatParquet(w, path, flattenMetrics(m), FLAT_COLUMNS);
}

/** Precise definitions for the report's data-team appendix, from the KPI metadata. */
export function kpiDefinitionsOf(defs: KpiDefinition[]): Record<string, string> {
  return Object.fromEntries(defs.map((d) => [d.meta.id, d.meta.definition]));
}

/** Plain-English summaries for the report's measures, from the KPI metadata. */
export function kpiSummariesOf(defs: KpiDefinition[]): Record<string, string> {
  return Object.fromEntries(defs.map((d) => [d.meta.id, d.meta.summary]));
}

/** Writes every file of a snapshot except manifest.json into `dir`. */
export async function writeSnapshotContents(w: Warehouse, dir: string, m: MetricsFile, defs: KpiDefinition[]): Promise<void> {
  const kpiDefinitions = kpiDefinitionsOf(defs);
  const kpiSummaries = kpiSummariesOf(defs);
  await mkdir(join(dir, 'public'), { recursive: true });
  await writeFile(join(dir, 'metrics.json'), json(m));
  await writeParquet(w, join(dir, 'metrics.parquet'), m);
  await writeFile(join(dir, 'metrics.csv'), toCsv(flattenMetrics(m), [...FLAT_COLUMNS]));
  await writeFile(join(dir, 'report.html'), renderReport(m, { kpiDefinitions, kpiSummaries }));

  // Managers' commentary stays in the council's own snapshot: free text may name a child or a
  // member of staff, and suppression cannot check prose (README, "Managers' commentary").
  // The report shows suppressed figures as "c"; the public files keep numbers numbers, with a symbol beside them.
  const marked = publicMetricsFile.parse(suppressForPublic(withoutCommentary(m)));
  const pub = publishedPublicFile.parse(publicFileOf(marked));
  const flat = flattenMetrics(pub);
  await writeFile(join(dir, 'public', 'metrics.json'), json(pub));
  await writeFile(join(dir, 'public', 'metrics.csv'), toCsv(flat, [...PUBLIC_FLAT_COLUMNS]));
  await writeFlatParquet(w, join(dir, 'public', 'metrics.parquet'), flat, PUBLIC_FLAT_COLUMNS);
  await writeFile(join(dir, 'public', 'report.html'), renderReport(marked, { kpiDefinitions, kpiSummaries, variant: 'public' }));
}
