/**
 * The benchmarks of a night (spec benchmarks.md), after the KPIs are computed: for each KPI, the
 * comparison with England, its region and its statistical neighbours (core/benchmark.ts) for the
 * latest year in the benchmark files that the council's own data covers, and the council's own
 * figure for that year by the KPI's own SQL (`council_same_period`). Written to `kpi.benchmarks`
 * (one row per run and KPI: the benchmark JSON or null, notes in words, the benchmark definition
 * version, the files read), where publishing reads it. Never fails the night over a file or a code:
 * a KPI without a comparison gets `benchmark: null` and the reason.
 *
 * **The same period, by the same definition.** The KPI's SQL is run unchanged on tonight's
 * extracts with `ref.kpi_periods` narrowed to the one benchmark period (session variables
 * `csc_kpi_period_start` / `_end`, sql/meta/macros.sql): a `month` KPI then counts the cohort of
 * the whole period (1 April – 31 March), exactly the union of its twelve monthly cohorts, since
 * each row's membership and flag depend only on its own dates (test/benchmark-night.test.ts checks
 * this against the twelve months' numerators and denominators); a `trailing_12_months` KPI counts
 * the 12 months ending on the period's end; an `at_date` KPI takes the state at the census date.
 *
 * **Covered.** The council's data covers a period when, for every list the KPI reads, tonight's
 * extract (meta.extracts_at(as-of): the newest that counts on or before as-of) is dated on or after the period's end, and holds a row
 * dated (by the list's event date: referral, plan start, role start…) on or before its start.
 */
import { createHash } from 'node:crypto';
import { benchmarkVersion, type BenchmarkIndicators } from '../core/benchmark-indicators.js';
import { benchmarkYears, capitalised, compare, differsBeyondTolerance, findCouncil, periodLabel, periodPhrase, type BenchmarkValueRow, type BenchmarkYear, type NeighbourModel } from '../core/benchmark.js';
import { CONTRACTS } from '../core/contracts/lists.js';
import type { CouncilIdentity } from '../core/council-config.js';
import { newLaCode, oldLaCode } from '../core/la-code.js';
import type { KpiDefinition } from '../core/kpi-definition.js';
import type { Benchmark } from '../core/metrics-contract.js';
import { quoteIdent as q } from '../core/sql-text.js';
import type { NeighbourEntry } from '../core/statistical-neighbours.js';
import { reusability } from '../core/kpi-reuse.js';
import { eventDateSql } from '../core/baseline-columns.js';
import type { ReuseLookups, ReusePlan } from './kpi-reuse.js';
import type { Warehouse } from './warehouse.js';

export const NO_COMPARATOR =
  'No published comparator: the Department for Education publishes no figure for this measure, so there is no England, regional or statistical neighbour comparison.';

export interface BenchmarkInput {
  asOf: string;
  runId: string;
  map: BenchmarkIndicators;
  council: CouncilIdentity | null;
  /** The KPIs' reuse look-ups (activities/kpi-reuse.ts); without them every benchmark is worked out afresh. */
  lookups?: ReuseLookups;
}

interface Outcome {
  version: string | null;
  benchmark: Benchmark | null;
  notes: string[];
  files: string[];
}

/** The loaded benchmark files in the folder tonight, of one kind. */
const IN_FOLDER = `SELECT f.sha256, f.file_name FROM meta.files f
  JOIN meta.benchmark_files b USING (sha256)
  JOIN meta.benchmark_files_in_folder i USING (sha256)
  WHERE f.status = 'loaded' AND b.kind = $kind`;

async function valuesOf(w: Warehouse, kpi: string): Promise<BenchmarkValueRow[]> {
  const rows = await w.rows<BenchmarkValueRow & { line: string }>(
    `SELECT v.file_sha256, v.file_name, v.line, v.time_period, v.geographic_level, v.country_code, v.country_name, v.region_code,
            v.region_name, v.old_la_code, v.new_la_code, v.la_name, v.value, v.symbol
     FROM core.benchmark_values v SEMI JOIN (${IN_FOLDER}) f ON f.sha256 = v.file_sha256
     WHERE v.kpi = $kpi`,
    { kpi, kind: 'ees' },
  );
  return rows.map((r) => ({ ...r, line: Number(r.line), value: r.value === null ? null : Number(r.value) }));
}

/** Every LA's name by its old and its new code, from all the EES files in the folder. */
async function laNames(w: Warehouse): Promise<Map<string, string>> {
  const rows = await w.rows<{ old_la_code: string | null; new_la_code: string | null; la_name: string }>(
    `SELECT old_la_code, new_la_code, la_name FROM core.benchmark_values v SEMI JOIN (${IN_FOLDER}) f ON f.sha256 = v.file_sha256
     WHERE lower(trim(geographic_level)) = 'local authority' AND la_name IS NOT NULL
     QUALIFY row_number() OVER (PARTITION BY old_la_code, new_la_code ORDER BY time_period DESC, file_name DESC, line) = 1`,
    { kind: 'ees' },
  );
  const out = new Map<string, string>();
  for (const r of rows) {
    for (const code of [oldLaCode(r.old_la_code), newLaCode(r.new_la_code)]) if (code && !out.has(code)) out.set(code, r.la_name.trim());
  }
  return out;
}

/** The statistical neighbour model: of the model files in the folder, the one whose name sorts last. */
export async function neighbourModel(w: Warehouse): Promise<NeighbourModel | null> {
  const [file] = await w.rows<{ sha256: string; file_name: string }>(`${IN_FOLDER} ORDER BY f.file_name DESC LIMIT 1`, { kind: 'statistical_neighbours' });
  if (!file) return null;
  const rows = await w.rows<{ council_code: string; council_name: string | null; rank: number | null; neighbour: string | null; closeness: string | null; line: string }>(
    'SELECT council_code, council_name, rank, neighbour, closeness, line FROM core.statistical_neighbours WHERE file_sha256 = $sha ORDER BY line, rank',
    { sha: file.sha256 },
  );
  const entries = new Map<string, NeighbourEntry>();
  for (const r of rows) {
    const e = entries.get(r.council_code) ?? { code: r.council_code, name: r.council_name ?? '', neighbours: [], line: Number(r.line) };
    if (r.rank !== null && r.neighbour !== null) e.neighbours.push({ position: Number(r.rank), ref: r.neighbour, closeness: r.closeness });
    entries.set(r.council_code, e);
  }
  return { file: file.file_name, sha256: file.sha256, entries: [...entries.values()] };
}

/** Whether tonight's extracts of every list the KPI reads cover the period (see the module comment). */
export async function councilCovers(w: Warehouse, d: KpiDefinition, year: Pick<BenchmarkYear, 'start' | 'end'>, asOf: string): Promise<boolean> {
  if (year.end > asOf) return false;
  for (const source of Object.keys(d.meta.sources)) {
    const contract = [...CONTRACTS.values()].find((c) => `${c.source}/${c.list}` === source);
    if (!contract || contract.list === 'audits') return false;
    const [x] = await w.rows<{ covers: boolean | null }>(
      // Tonight's extract of the list is meta.extracts_at's (a CSV or a workbook's sheet; a superseded copy never).
      `WITH tonight AS (SELECT sha256, extract_date FROM meta.extracts_at($as_of::DATE) WHERE list = $list)
       SELECT t.extract_date >= $end::DATE
              AND (SELECT min(${eventDateSql(contract)}) FROM core.${q(contract.list)} WHERE file_sha256 = t.sha256) <= $start::DATE AS covers
       FROM tonight t`,
      { list: contract.list, as_of: asOf, start: year.start, end: year.end },
    );
    if (!x?.covers) return false;
  }
  return true;
}

/** The KPI's own SQL over one period (see the module comment): its figure, or null with the reason. */
export async function samePeriodFigure(
  w: Warehouse,
  d: KpiDefinition,
  year: Pick<BenchmarkYear, 'start' | 'end'>,
  asOf: string,
): Promise<{ value: number | null; numerator: number | null; denominator: number | null; reason: string | null }> {
  await w.run('SET VARIABLE csc_kpi_period_start = $start::DATE', { start: year.start });
  await w.run('SET VARIABLE csc_kpi_period_end = $end::DATE', { end: year.end });
  try {
    const rows = await w.rows<{ value: unknown; numerator: unknown; denominator: unknown; null_reason: string | null }>(
      `SELECT k.value, k.numerator, k.denominator, k.null_reason FROM (${d.sql}) k WHERE k.period_end = $end::DATE`,
      { as_of: asOf, points_after: null, end: year.end },
    );
    const r = rows[0];
    const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
    return { value: num(r?.value), numerator: num(r?.numerator), denominator: num(r?.denominator), reason: r?.null_reason ?? null };
  } finally {
    // Best effort: after a failed statement the transaction refuses it, and the error to see is the query's.
    await w.run('RESET VARIABLE csc_kpi_period_start').catch(() => undefined);
    await w.run('RESET VARIABLE csc_kpi_period_end').catch(() => undefined);
  }
}

async function benchmarkOf(w: Warehouse, d: KpiDefinition, i: BenchmarkInput, model: NeighbourModel | null, names: ReadonlyMap<string, string>): Promise<Outcome> {
  const kpi = d.meta.id;
  const entry = i.map.indicators[kpi];
  if (!entry) return { version: null, benchmark: null, notes: [NO_COMPARATOR], files: [] };
  const version = benchmarkVersion(kpi, entry);
  const none = (note: string): Outcome => ({ version, benchmark: null, notes: [note], files: [] });
  const columns = entry.columns.map((c) => c.name).join(' or ');
  const rows = await valuesOf(w, kpi);
  if (rows.length === 0) {
    return none(`No benchmark: no file in the benchmarks folder gives ${columns} (${entry.publication}, ${entry.file} from Explore Education Statistics).`);
  }
  const { years, otherPeriods } = benchmarkYears(rows, entry.period);
  if (years.length === 0) {
    return none(`No benchmark: the files give ${columns} only for time periods that are not ${entry.period.replaceAll('_', ' ')} periods (${otherPeriods.slice(0, 3).join(', ')}); check the file and config/benchmark-indicators.json.`);
  }
  if (!i.council) {
    return none('No benchmark: the council’s LA code is not set. Set CSC_KPI_LA_CODE, or la_code in config/council.json, to the council’s old (3-digit) or new (E…) code.');
  }
  const council = findCouncil(rows, i.council.laCode);
  if (!council) {
    const files = [...new Set(rows.map((r) => r.file_name))].sort();
    return none(`No benchmark: LA code ${i.council.laCode} (from ${i.council.from}) is not in ${files.join(', ')}. Check the code: it must be the council’s old (3-digit) or new (E…) LA code as DfE gives it.`);
  }

  let chosen: BenchmarkYear | null = null;
  for (const y of years) {
    if (await councilCovers(w, d, y, i.asOf)) {
      chosen = y;
      break;
    }
  }
  const notes: string[] = [];
  const year = chosen ?? years[0]!;
  const label = periodLabel(year.start, year.end);
  const when = periodPhrase(year.start, year.end);
  let same: number | null = null;
  if (!chosen) {
    notes.push(`The council’s own data does not cover any year the benchmark files give, so the latest, ${label}, is shown without our own figure for it.`);
  } else {
    const figure = await samePeriodFigure(w, d, year, i.asOf);
    same = figure.value;
    if (same === null) notes.push(`Our own figure ${when} by the same definition is not available: ${figure.reason ?? 'no reason was recorded'}`);
  }
  const { comparison, notes: compareNotes, usedNeighbours } = compare({ year, rows, council, configuredName: i.council.name, polarity: d.meta.polarity, neighbours: model, laNames: names });
  notes.push(...compareNotes);
  const benchmark: Benchmark = { ...comparison, council_same_period: same };
  const published = benchmark.council_published;
  if (published !== null && same !== null && differsBeyondTolerance(d.meta.unit === 'percent', published, same)) {
    const tolerance = d.meta.unit === 'percent' ? '1 percentage point' : '5% of the published value';
    notes.push(
      `${capitalised(when)} our own figure by the same definition differs from the figure the Department for Education published for the council by more than ${tolerance}: the nightly figure and the statutory return disagree, which is the first thing an inspector will ask about. Check what was returned for that year against the case records.`,
    );
  }
  return { version, benchmark, notes, files: [year.sha256, ...(usedNeighbours && model ? [model.sha256] : [])] };
}

/**
 * What a KPI's benchmark is worked out from, hashed: its definition and input extracts and the
 * release (as the KPI's own reuse sees them, activities/kpi-reuse.ts), its map entry, every benchmark
 * file in the folder (what each is, under which map) and the council. Null for a KPI whose SQL may
 * not be reused. The same key, and no fact dated since, means the same benchmark: the benchmark
 * period ends on or before tonight's extract, so as-of only cuts off dates the extract already holds.
 */
async function inputsKey(w: Warehouse, d: KpiDefinition, i: BenchmarkInput, version: string | null): Promise<{ key: string; plan: ReusePlan } | null> {
  const plan = reusability(d);
  if (!plan.reusable || !i.lookups) return null;
  const files = await w.rows<{ sha256: string; kind: string; map_version: string }>(
    `SELECT sha256, kind, map_version FROM meta.benchmark_files SEMI JOIN meta.benchmark_files_in_folder USING (sha256) ORDER BY sha256`,
  );
  const key = JSON.stringify([d.version, version, await i.lookups.inputsOf(plan, i.asOf), files, i.council]);
  return { key: createHash('sha256').update(key).digest('hex'), plan };
}

/** The benchmark of an earlier run with the same inputs, if nothing dated since could change it. */
async function earlierOutcome(w: Warehouse, d: KpiDefinition, i: BenchmarkInput, k: { key: string; plan: ReusePlan }): Promise<(Outcome & { runId: string }) | null> {
  const [r] = await w.rows<{ run_id: string; as_of: string; benchmark_version: string | null; benchmark: string | null; notes: string[]; files_used: string[] }>(
    `SELECT run_id, strftime(as_of, '%Y-%m-%d') AS as_of, benchmark_version, benchmark::VARCHAR AS benchmark, notes, files_used
     FROM kpi.benchmarks WHERE kpi = $kpi AND inputs_key = $key AND as_of <= $as_of::DATE AND run_id <> $run
     ORDER BY as_of DESC LIMIT 1`,
    { kpi: d.meta.id, key: k.key, as_of: i.asOf, run: i.runId },
  );
  if (!r || (await i.lookups!.factsDatedBetween(k.plan, r.as_of, i.asOf))) return null;
  return { runId: r.run_id, version: r.benchmark_version, benchmark: r.benchmark === null ? null : (JSON.parse(r.benchmark) as Benchmark), notes: r.notes, files: r.files_used };
}

/** Every KPI's benchmark for the run into kpi.benchmarks (replacing the run's earlier ones); returns how many were copied from an earlier run. */
export async function computeBenchmarks(w: Warehouse, defs: readonly KpiDefinition[], i: BenchmarkInput): Promise<number> {
  await w.run('DELETE FROM kpi.benchmarks WHERE run_id = $run', { run: i.runId });
  const model = await neighbourModel(w);
  const names = await laNames(w);
  let reused = 0;
  for (const d of defs) {
    const entry = i.map.indicators[d.meta.id];
    const k = entry ? await inputsKey(w, d, i, benchmarkVersion(d.meta.id, entry)) : null;
    const earlier = k ? await earlierOutcome(w, d, i, k) : null;
    const o = earlier ?? (await benchmarkOf(w, d, i, model, names));
    if (earlier) reused++;
    await w.run(
      `INSERT INTO kpi.benchmarks VALUES ($run, $kpi, $as_of::DATE, $version, $benchmark::JSON, $notes::JSON::VARCHAR[], $files::JSON::VARCHAR[], $key, $from)`,
      {
        run: i.runId,
        kpi: d.meta.id,
        as_of: i.asOf,
        version: o.version,
        benchmark: o.benchmark === null ? null : JSON.stringify(o.benchmark),
        notes: JSON.stringify(o.notes),
        files: JSON.stringify(o.files),
        key: k?.key ?? null,
        from: earlier?.runId ?? null,
      },
    );
  }
  return reused;
}

/** A run's benchmarks as publishing reads them. */
export async function benchmarksOfRun(w: Warehouse, runId: string): Promise<Map<string, { benchmark: Benchmark | null; notes: string[]; files: string[]; version: string | null }>> {
  const rows = await w.rows<{ kpi: string; benchmark: string | null; notes: string[]; files_used: string[]; benchmark_version: string | null }>(
    'SELECT kpi, benchmark::VARCHAR AS benchmark, notes, files_used, benchmark_version FROM kpi.benchmarks WHERE run_id = $run',
    { run: runId },
  );
  return new Map(
    rows.map((r) => [r.kpi, { benchmark: r.benchmark === null ? null : (JSON.parse(r.benchmark) as Benchmark), notes: r.notes, files: r.files_used, version: r.benchmark_version }]),
  );
}
