/**
 * `kpi.published`: every figure as it was published, one row per KPI and trend point of each
 * snapshot — exactly the rows of that snapshot's metrics.parquet (core/metrics-contract.ts,
 * `flattenMetrics`) — with `is_latest` marking the snapshot `latest` points at. So "the figure we
 * told the committee" is one query:
 *
 *   SELECT kpi, period_start, period_end, value, status FROM kpi.published WHERE is_latest AND is_current
 *
 * whereas `kpi.values` keeps every run's copy of every point, published or not.
 *
 * Written at publish from the snapshot folders themselves (index.json and each metrics.json), so
 * a snapshot published before this table existed, or into a warehouse rebuilt since, is added
 * the next time a night publishes; `is_latest` follows `latest` then too.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FLAT_COLUMNS, flattenMetrics, metricsFile, SCHEMA_VERSION, type MetricsFile } from '../core/metrics-contract.js';
import { quoteIdent as q } from '../core/sql-text.js';
import { readIndex, readLatest } from './snapshot-files.js';
import { FLAT_TYPES, withFlatTable } from './snapshot-write.js';
import type { Warehouse } from './warehouse.js';

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/**
 * A snapshot's metrics.json as the current contract, for its flat rows: version 2 (before
 * managers' commentary) differs from 3 only by `metrics[].commentary`, which the flat rows do not
 * carry, so it is read as 3 with none. Anything older (or broken) is null.
 */
export function asCurrentMetrics(json: unknown): MetricsFile | null {
  const j = json as { schema_version?: unknown; metrics?: unknown } | null;
  const upgraded =
    j?.schema_version === '2' && Array.isArray(j.metrics)
      ? { ...j, schema_version: SCHEMA_VERSION, metrics: (j.metrics as Record<string, unknown>[]).map((r) => ({ commentary: null, ...r })) }
      : json;
  const parsed = metricsFile.safeParse(upgraded);
  return parsed.success ? parsed.data : null;
}

/** Creates kpi.published, and adds any flat column an older warehouse's table lacks. */
export async function ensurePublishedTable(w: Warehouse): Promise<void> {
  const cols = FLAT_COLUMNS.map((c) => `${q(c)} ${FLAT_TYPES[c]}`).join(',\n  ');
  await w.run(`CREATE TABLE IF NOT EXISTS kpi.published (\n  ${cols},\n  is_latest BOOLEAN NOT NULL DEFAULT false\n)`);
  const have = new Set(
    (await w.rows<{ column_name: string }>("SELECT column_name FROM duckdb_columns() WHERE schema_name = 'kpi' AND table_name = 'published' AND database_name = current_database()")).map(
      (r) => r.column_name,
    ),
  );
  for (const c of FLAT_COLUMNS) if (!have.has(c)) await w.run(`ALTER TABLE kpi.published ADD COLUMN ${q(c)} ${FLAT_TYPES[c]}`);
}

export interface PublishedSync {
  /** Snapshots whose rows were added now. */
  added: string[];
  /** Indexed snapshots whose metrics.json could not be read as the current contract (an older schema version): left out. */
  skipped: string[];
}

/** Adds every indexed snapshot that kpi.published lacks, then marks the rows of `latest`. */
export async function recordPublishedFigures(w: Warehouse, snapshotsDir: string): Promise<PublishedSync> {
  const have = new Set((await w.rows<{ snapshot_id: string }>('SELECT DISTINCT snapshot_id FROM kpi.published')).map((r) => r.snapshot_id));
  const sync: PublishedSync = { added: [], skipped: [] };
  for (const e of await readIndex(snapshotsDir)) {
    if (have.has(e.snapshot_id)) continue;
    const text = await readFile(join(snapshotsDir, e.snapshot_id, 'metrics.json'), 'utf8').catch(() => null);
    const metrics = text === null ? null : asCurrentMetrics(parseJson(text));
    if (!metrics) {
      sync.skipped.push(e.snapshot_id);
      continue;
    }
    await w.transaction(() =>
      withFlatTable(w, flattenMetrics(metrics), FLAT_COLUMNS, () => w.run('INSERT INTO kpi.published BY NAME SELECT *, false AS is_latest FROM snapshot_flat')),
    );
    sync.added.push(e.snapshot_id);
  }
  const latest = await readLatest(snapshotsDir);
  await w.run('UPDATE kpi.published SET is_latest = coalesce(snapshot_id = $latest, false) WHERE is_latest IS DISTINCT FROM coalesce(snapshot_id = $latest, false)', { latest });
  return sync;
}
