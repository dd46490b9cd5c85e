/**
 * Writes the contents of one snapshot folder (spec: outputs.md, "A snapshot folder") from a
 * validated MetricsFile: metrics.json, the same rows flat as metrics.parquet and metrics.csv,
 * the committee report, and the `public/` variant with small numbers suppressed and no managers'
 * commentary. Knows nothing about temporary names, manifests or `latest` (that is publish.ts and
 * snapshot-files.ts).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { withoutCommentary } from '../core/commentary.js';
import { toCsv } from '../core/csv-safe.js';
import type { KpiDefinition } from '../core/kpi-definition.js';
import { FLAT_COLUMNS, flattenMetrics, type FlatColumn, type MetricsFile } from '../core/metrics-contract.js';
import { renderReport } from '../core/report-html.js';
import { sqlLiteral } from '../core/sql-text.js';
import { publicMetricsFile, suppressForPublic } from '../core/suppression.js';
import type { Warehouse } from './warehouse.js';

/** DuckDB types of the flat columns, for metrics.parquet. */
const FLAT_TYPES: Record<FlatColumn, string> = {
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
  numerator: 'DOUBLE',
  denominator: 'DOUBLE',
  status: 'VARCHAR',
  comparable_with_previous: 'BOOLEAN',
  stale: 'BOOLEAN',
  baseline_period_end: 'DATE',
  baseline_value: 'DOUBLE',
  baseline_since: 'DATE',
  baseline_reason: 'VARCHAR',
  notes: 'VARCHAR[]',
};

const json = (v: unknown): string => `${JSON.stringify(v, null, 2)}\n`;

/**
 * Rows to a parquet file through DuckDB: they go in as one bound JSON value, are typed by
 * `from_json` (`types`: column → DuckDB type) into a temporary table, and COPY writes that table.
 * (The COPY target is a path the pipeline made, quoted as a literal: COPY cannot bind it.)
 */
export async function writeRowsAsParquet(w: Warehouse, path: string, rows: Record<string, unknown>[], types: Record<string, string>): Promise<void> {
  const shape = JSON.stringify([types]);
  await w.run(
    `CREATE OR REPLACE TEMP TABLE snapshot_flat AS
     SELECT unnest(r) FROM (SELECT unnest(from_json($rows::JSON, ${sqlLiteral(shape)})) AS r)`,
    { rows: JSON.stringify(rows) },
  );
  try {
    await w.run(`COPY snapshot_flat TO ${sqlLiteral(path)} (FORMAT parquet, COMPRESSION zstd)`);
  } finally {
    await w.run('DROP TABLE IF EXISTS temp.snapshot_flat');
  }
}

/** metrics.parquet: the flat rows of metrics.json (core/metrics-contract.ts). */
export async function writeParquet(w: Warehouse, path: string, m: MetricsFile): Promise<void> {
  await writeRowsAsParquet(w, path, flattenMetrics(m), Object.fromEntries(FLAT_COLUMNS.map((c) => [c, FLAT_TYPES[c]])));
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
  const pub = publicMetricsFile.parse(suppressForPublic(withoutCommentary(m)));
  await writeFile(join(dir, 'public', 'metrics.json'), json(pub));
  await writeFile(join(dir, 'public', 'metrics.csv'), toCsv(flattenMetrics(pub), [...FLAT_COLUMNS]));
  await writeFile(join(dir, 'public', 'report.html'), renderReport(pub, { kpiDefinitions, kpiSummaries, variant: 'public' }));
}
