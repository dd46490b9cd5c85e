/**
 * Benchmark tests' landing folders and nights, without Temporal: EES-format CSVs and statistical
 * neighbour files written by hand into `<landing>/benchmarks/`, and `night()` that pulls, loads,
 * computes, detects baselines and publishes as the workflow does, with the same activities on a
 * real DuckDB file, the council's code and the indicator map given per night.
 */
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readBenchmarkIndicators } from '../../activities/benchmark-config.js';
import { computeKpis } from '../../activities/compute.js';
import { detectBaselines, type DetectBaselinesResult } from '../../activities/detect-baselines.js';
import { readKpiCatalogue } from '../../activities/kpi-files.js';
import { loadFile } from '../../activities/load-file.js';
import { migrate } from '../../activities/migrate.js';
import { publishSnapshot } from '../../activities/publish.js';
import { pullSources } from '../../activities/pull.js';
import { Warehouse } from '../../activities/warehouse.js';
import { mapVersion } from '../../core/benchmark-indicators.js';
import { metricsFile, type MetricsFile } from '../../core/metrics-contract.js';
import type { FoundFile, LoadResult } from '../../core/night.js';

export const EES_HEAD = ['time_period', 'time_identifier', 'geographic_level', 'country_code', 'country_name', 'region_code', 'region_name', 'old_la_code', 'new_la_code', 'la_name'];

/** One EES row: the standard columns by level, then the indicator cells. */
export function eesRow(timePeriod: string, level: 'National' | 'Regional' | 'Local authority', where: { region?: [string, string]; la?: [string, string, string] }, cells: string[]): string[] {
  const [rc, rn] = where.region ?? ['', ''];
  const [old, code, name] = where.la ?? ['', '', ''];
  return [timePeriod, 'Financial year', level, 'E92000001', 'England', rc, rn, old, code, name, ...cells];
}

export function csv(header: string[], rows: string[][]): string {
  const cell = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
  return [header, ...rows].map((r) => r.map(cell).join(',')).join('\n') + '\n';
}

/** DfE's wide neighbour CSV: each council's neighbours as (reference, closeness), `-` for the rest. */
export function neighbourCsv(rows: [string, string, [string, string][]][]): string {
  const header = ['old_la_code', 'la_name', ...Array.from({ length: 10 }, (_, i) => [`SN_${i + 1}`, `SN_${i + 1}P`]).flat()];
  return csv(header, rows.map(([code, name, ns]) => [code, name, ...Array.from({ length: 10 }, (_, i) => ns[i] ?? ['-', '-']).flat()]));
}

export interface BenchmarkNight {
  root: string;
  landing: string;
  home: string;
  warehouse: string;
  councilConfig: string;
}

export async function benchmarkLanding(): Promise<BenchmarkNight> {
  const root = await mkdtemp(join(tmpdir(), 'csc-kpi-benchmarks-'));
  const t = { root, landing: join(root, 'landing'), home: join(root, 'home'), warehouse: join(root, 'warehouse.duckdb'), councilConfig: join(root, 'council.json') };
  for (const s of ['case-system', 'hr', 'audits', 'benchmarks']) await mkdir(join(t.landing, s), { recursive: true });
  await writeFile(t.councilConfig, '{ "version": 1, "la_code": null }\n');
  return t;
}

export async function put(t: BenchmarkNight, source: string, files: Record<string, string | Buffer>): Promise<void> {
  for (const [name, text] of Object.entries(files)) await writeFile(join(t.landing, source, name), text);
}

let nightNo = 0;

export interface NightOptions {
  /** CSC_KPI_LA_CODE for the night (default: unset). */
  laCode?: string;
  /** An indicator map other than config/benchmark-indicators.json. */
  mapPath?: string;
}

/** One night as the workflow runs it; returns what was found and loaded, the detection summary and metrics.json. */
export async function night(
  t: BenchmarkNight,
  asOf: string,
  o: NightOptions = {},
): Promise<{ found: FoundFile[]; loads: Map<string, LoadResult>; detected: DetectBaselinesResult; metrics: MetricsFile; runId: string }> {
  nightNo++;
  const runId = `bench-run-${nightNo}-${asOf}`;
  const workflowId = `kpi-night-${asOf}`;
  const createdAt = new Date(Date.UTC(2016, 0, 1, 2, 0, nightNo)).toISOString();
  const map = await readBenchmarkIndicators(o.mapPath);
  return Warehouse.with(t.warehouse, async (w) => {
    await migrate(w);
    const found = await pullSources(w, { asOf, landing: t.landing, home: t.home }, { benchmarkMapVersion: mapVersion(map) });
    const loads = new Map<string, LoadResult>();
    for (const f of found.filter((x) => x.status === 'new')) loads.set(f.name, await loadFile(w, f, runId, { benchmarkIndicators: map }));
    await computeKpis(w, { asOf, workflowId, runId, benchmarkIndicatorsPath: o.mapPath, councilConfigPath: t.councilConfig, ...(o.laCode === undefined ? {} : { laCode: o.laCode }) });
    const defs = await readKpiCatalogue();
    const detected = await detectBaselines(w, { home: t.home, asOf, workflowId, runId, createdAt }, { defs });
    const published = await publishSnapshot(w, { asOf, landing: t.landing, home: t.home, workflowId, runId, createdAt, found });
    const metrics = metricsFile.parse(JSON.parse(await readFile(join(published.path, 'metrics.json'), 'utf8')));
    return { found, loads, detected, metrics, runId };
  });
}

export async function rows<T = Record<string, unknown>>(t: BenchmarkNight, sql: string, params?: Record<string, string>): Promise<T[]> {
  return Warehouse.with(t.warehouse, (w) => w.rows<T>(sql, params));
}

/** A metric row's benchmark and its notes about the benchmark (everything after the KPI's own notes is about it here). */
export function benchmarkOf(m: MetricsFile, kpi: string): { benchmark: MetricsFile['metrics'][number]['benchmark']; notes: string[] } {
  const r = m.metrics.find((x) => x.kpi === kpi);
  if (!r) throw new Error(`no metric row for ${kpi}`);
  return { benchmark: r.benchmark, notes: r.notes };
}
