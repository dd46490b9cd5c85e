/**
 * kpi.published (issue 14, "Analysts and dashboards"): each KPI × point as published in each
 * snapshot, with `is_latest`, so "the figure we told the committee" is one query — against the
 * analysts' warehouse, after real nights through the real activities.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { workingWarehousePath } from '../activities/index.js';
import { asCurrentMetrics } from '../activities/published-figures.js';
import { Warehouse } from '../activities/warehouse.js';
import { FLAT_COLUMNS, flattenMetrics, metricsFile, type MetricsFile } from '../core/metrics-contract.js';
import { runNight, writeReferrals } from './helpers/snapshot-night.js';

// Three nights' referral extracts; the figures themselves are tested elsewhere (test/kpi-*.test.ts):
// here the warehouse must say what each snapshot said.
const FEB: [string, string][] = [
  ['C1', '28/02/2014'],
  ['C1', '28/02/2015'],
  ['C2', '01/03/2014'],
  ['C2', '10/02/2015'],
  ['C3', '05/02/2015'],
  ['C4', '20/01/2015'],
  ['C4', '03/02/2015'],
  ['C5', '14/02/2015'],
];
const MAR: [string, string][] = [...FEB, ['C6', '09/03/2015'], ['C5', '20/03/2015']];

async function analystQuery<T>(home: string, sql: string): Promise<T[]> {
  const db = await DuckDBInstance.create(join(home, 'warehouse.duckdb'), { access_mode: 'READ_ONLY' });
  const conn = await db.connect();
  try {
    return (await conn.runAndReadAll(sql)).getRowObjectsJson() as T[];
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

const metricsOf = async (home: string, id: string): Promise<MetricsFile> => metricsFile.parse(JSON.parse(await readFile(join(home, 'snapshots', id, 'metrics.json'), 'utf8')));

describe('kpi.published', () => {
  let home: string;
  let landing: string;
  let feb: string;
  let mar: string;

  beforeAll(async () => {
    const root = await mkdtemp(join(tmpdir(), 'csc-kpi-published-'));
    landing = join(root, 'landing');
    home = join(root, 'home');
    await writeReferrals(landing, '2015-02-28', FEB);
    feb = (await runNight({ home, landing, asOf: '2015-02-28', runId: 'run-feb-0001', createdAt: '2015-03-01T05:00:00.000Z' })).snapshotId;
    await writeReferrals(landing, '2015-03-31', MAR);
    mar = (await runNight({ home, landing, asOf: '2015-03-31', runId: 'run-mar-0002', createdAt: '2015-04-01T05:00:00.000Z' })).snapshotId;
  });

  it('holds every snapshot’s rows exactly as its metrics.parquet has them, and only those', async () => {
    const rows = await analystQuery<{ snapshot_id: string; n: number }>(home, 'SELECT snapshot_id, count(*)::INTEGER AS n FROM kpi.published GROUP BY ALL ORDER BY snapshot_id');
    const m = await metricsOf(home, mar);
    const perSnapshot = flattenMetrics(m).length;
    expect(perSnapshot).toBe(25 * m.metrics.length);
    expect(rows).toEqual([feb, mar].sort().map((snapshot_id) => ({ snapshot_id, n: perSnapshot })));
    // Its columns are metrics.parquet's, plus is_latest.
    const cols = await analystQuery<{ column_name: string }>(home, "SELECT column_name FROM duckdb_columns() WHERE schema_name = 'kpi' AND table_name = 'published' ORDER BY column_index");
    expect(cols.map((c) => c.column_name)).toEqual([...FLAT_COLUMNS, 'is_latest']);
    // kpi.values keeps every run's copy of every point; kpi.published one copy per snapshot.
    const [values] = await analystQuery<{ n: number }>(home, 'SELECT count(*)::INTEGER AS n FROM kpi.values');
    expect(values!.n).toBe(2 * perSnapshot);
  });

  it('"the figure we told the committee" is one query: the latest snapshot’s headline rows', async () => {
    const told = await analystQuery<{ kpi: string; period_end: string; value: number | null; status: string; snapshot_id: string }>(
      home,
      "SELECT kpi, strftime(period_end, '%Y-%m-%d') AS period_end, value, status, snapshot_id FROM kpi.published WHERE is_latest AND is_current ORDER BY kpi",
    );
    const m = await metricsOf(home, mar);
    expect(told).toEqual(m.metrics.map((r) => ({ kpi: r.kpi, period_end: r.period_end, value: r.value, status: r.status, snapshot_id: mar })));
    const latest = await analystQuery<{ snapshot_id: string }>(home, 'SELECT DISTINCT snapshot_id FROM kpi.published WHERE is_latest');
    expect(latest).toEqual([{ snapshot_id: mar }]);
  });

  it('keeps what an earlier snapshot said: February’s headline as published in February', async () => {
    const m = await metricsOf(home, feb);
    const re = m.metrics.find((r) => r.kpi === 're_referral_12m_pct')!;
    const rows = await analystQuery<{ value: number | null; numerator: number | null; denominator: number | null; is_latest: boolean }>(
      home,
      `SELECT value, numerator, denominator, is_latest FROM kpi.published WHERE snapshot_id = '${feb}' AND kpi = 're_referral_12m_pct' AND is_current`,
    );
    expect(rows).toEqual([{ value: re.value, numerator: re.numerator, denominator: re.denominator, is_latest: false }]);
  });

  it('a snapshot the warehouse lacks (published before the table, or a rebuilt warehouse) is added at the next publish', async () => {
    await Warehouse.with(workingWarehousePath(home), (w) => w.run('DELETE FROM kpi.published WHERE snapshot_id = $id', { id: feb }));
    await writeReferrals(landing, '2015-04-30', [...MAR, ['C7', '02/04/2015']]);
    const apr = (await runNight({ home, landing, asOf: '2015-04-30', runId: 'run-apr-0004', createdAt: '2015-05-01T05:00:00.000Z' })).snapshotId;
    const rows = await analystQuery<{ snapshot_id: string; latest: boolean }>(home, 'SELECT snapshot_id, bool_or(is_latest) AS latest FROM kpi.published GROUP BY ALL ORDER BY snapshot_id');
    expect(rows).toEqual(
      [feb, mar, apr].sort().map((snapshot_id) => ({ snapshot_id, latest: snapshot_id === apr })),
    );
  });

  it('reads a version 2 metrics.json (before commentary) as version 3 without commentary; an older one not at all', async () => {
    const m = await metricsOf(home, feb);
    const v2 = { ...m, schema_version: '2', metrics: m.metrics.map(({ commentary: _c, ...r }) => r) };
    expect(asCurrentMetrics(v2)).toEqual({ ...m, metrics: m.metrics.map((r) => ({ ...r, commentary: null })) });
    expect(asCurrentMetrics({ ...v2, schema_version: '1' })).toBeNull();
    expect(asCurrentMetrics(null)).toBeNull();
  });
});
