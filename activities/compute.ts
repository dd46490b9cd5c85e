/**
 * Compute: load the council's code mappings into `meta.code_mappings`, (re)create the cohort macros
 * KPIs share with their drill-throughs (`cohort.*`, sql/cohort/) and the drill-through macros
 * (`drill.<kpi>(as_of)`, sql/drill/), then run every KPI file as of D for the 25 trend points
 * into `kpi.values`, tagged with the definition version (file, the shared macros it calls and the
 * mappings it reads) and the run.
 * Points an earlier run computed from the same files under the same definition are copied rather
 * than computed again, where that cannot change them (activities/kpi-reuse.ts).
 * A KPI reading a list with no extract on or before D gets null figures with that reason
 * (activities/source-freshness.ts), never an empty cohort's "none received".
 * Then the benchmarks (activities/benchmarks.ts): each KPI against England, its region and its
 * statistical neighbours, with its own SQL over the benchmark year, into `kpi.benchmarks`.
 * Re-running for the same run replaces that run's rows. Only figures leave: drill-through rows
 * (child and worker ids) stay in the warehouse. The freshness configuration is checked here too,
 * so a broken one stops the night before anything is computed, as a broken code mapping does.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { headlinePeriodEnd } from '../core/headline.js';
import type { ComputeResult } from '../core/night.js';
import { projectPath } from '../core/project-root.js';
import { reusability } from '../core/kpi-reuse.js';
import type { KpiDefinition } from '../core/kpi-definition.js';
import { readNightCatalogue, type NightCatalogue } from './kpi-files.js';
import { copyPoints, earlierRunsWithSameInputs, kpisWithoutEveryPoint, recordKpiInputs, ReuseLookups, type EarlierRun, type ReuseAsk, type ReusePlan } from './kpi-reuse.js';
import { readFreshnessConfig } from './freshness-config.js';
import { readBenchmarkIndicators, readCouncilIdentity } from './benchmark-config.js';
import { computeBenchmarks } from './benchmarks.js';
import { nullWhereSourceMissing, sourcesOnHand } from './source-freshness.js';
import { runScript, type Warehouse } from './warehouse.js';

export interface ComputeInput {
  asOf: string;
  workflowId: string;
  runId: string;
  /** Code-mappings JSON (default config/code-mappings.json); tests point it elsewhere. */
  mappingsPath?: string;
  /** KPI catalogue folder (default sql/kpi/); tests point it at a temp copy. */
  kpiDir?: string;
  /** Copy points from an earlier run where that cannot change them (default true); false computes all 25. */
  reuse?: boolean;
  /** Freshness JSON (default config/freshness.json); tests point it elsewhere. */
  freshnessPath?: string;
  /** The benchmark indicator map (default config/benchmark-indicators.json). */
  benchmarkIndicatorsPath?: string;
  /** The council file (default config/council.json). */
  councilConfigPath?: string;
  /** CSC_KPI_LA_CODE (the council's code for its benchmarks; overrides the council file). */
  laCode?: string;
  /** CSC_KPI_COMMIT: the release, part of what an earlier night's points must share to be reused. */
  commit?: string | null;
  /** The catalogue already read for this night (activities/kpi-files.ts); absent, it is read from kpiDir and mappingsPath. */
  catalogue?: NightCatalogue;
}

/**
 * Runs the KPI's SQL into kpi.values: every trend point, or (`pointsAfter`) only those after that
 * date, through the `$points_after` the KPI passes to ref.kpi_periods.
 */
async function computeInto(w: Warehouse, d: KpiDefinition, input: ComputeInput, pointsAfter: string | null = null): Promise<void> {
  await w.run(
    `INSERT INTO kpi.values BY NAME
     SELECT $kpi AS kpi, $as_of::DATE AS as_of, $version AS definition_version,
            $workflow_id AS workflow_id, $run_id AS run_id, k.*
     FROM (${d.sql}) k`,
    { kpi: d.meta.id, as_of: input.asOf, points_after: pointsAfter, version: d.version, workflow_id: input.workflowId, run_id: input.runId },
  );
}

/**
 * Computes every KPI's 25 points into kpi.values, copying those an earlier run can vouch for;
 * returns how many were copied. The reuse bookkeeping (which earlier run, copying, the check that
 * tonight's points are exactly covered, meta.kpi_inputs) is one statement for all KPIs rather
 * than one per KPI: on a quiet night at 10 M rows those were 0.2 s of 1–4 ms statements.
 */
async function computeAll(w: Warehouse, defs: readonly KpiDefinition[], input: ComputeInput, lookups: ReuseLookups): Promise<number> {
  const tonight = { asOf: input.asOf, workflowId: input.workflowId, runId: input.runId };
  const reusable: { d: KpiDefinition; plan: ReusePlan; ask: ReuseAsk }[] = [];
  for (const d of defs) {
    const plan = reusability(d);
    if (plan.reusable) reusable.push({ d, plan, ask: { kpi: d.meta.id, version: d.version, inputs: await lookups.inputsOf(plan, input.asOf) } });
  }
  const earlier = input.reuse === false ? new Map<string, EarlierRun>() : await earlierRunsWithSameInputs(w, reusable.map((r) => r.ask), tonight);
  const reuseFrom = new Map<string, EarlierRun>();
  for (const { d, plan } of reusable) {
    const e = earlier.get(d.meta.id);
    if (e && !(await lookups.factsDatedBetween(plan, e.asOf, input.asOf))) reuseFrom.set(d.meta.id, e);
  }
  const copied = await copyPoints(w, tonight, reuseFrom);
  for (const d of defs) await computeInto(w, d, input, reuseFrom.get(d.meta.id)?.asOf ?? null);
  for (const kpi of await kpisWithoutEveryPoint(w, tonight, [...reuseFrom.keys()])) {
    // Tonight's points are not exactly covered (the earlier run lacked some): compute them all instead.
    await w.run('DELETE FROM kpi.values WHERE run_id = $run AND kpi = $kpi', { run: input.runId, kpi });
    await computeInto(w, defs.find((d) => d.meta.id === kpi)!, input);
    reuseFrom.delete(kpi);
  }
  const pointsReused = (kpi: string): number => (reuseFrom.has(kpi) ? (copied.get(kpi) ?? 0) : 0);
  await recordKpiInputs(
    w,
    tonight,
    reusable.map(({ ask }) => ({ ...ask, reusedFromRun: pointsReused(ask.kpi) > 0 ? reuseFrom.get(ask.kpi)!.runId : null, pointsReused: pointsReused(ask.kpi) })),
  );
  return reusable.reduce((n, { ask }) => n + pointsReused(ask.kpi), 0);
}

/** Every sql/<folder>/*.sql, in name order. */
async function sqlFiles(folder: string): Promise<string[]> {
  return (await readdir(projectPath('sql', folder))).filter((f) => f.endsWith('.sql')).sort();
}

/** sha256 of SQL files by their names (under sql/) and text, in the order they are run. */
export function sqlFilesSha256(files: readonly string[], texts: readonly string[]): string {
  return createHash('sha256').update(JSON.stringify(files.map((rel, i) => [rel, texts[i]]))).digest('hex');
}

/** The part of `meta.installed_sql` that records the cohort and drill macros. */
const COHORT_AND_DRILL = 'cohort, drill';

/**
 * The `cohort` schema (sql/cohort/: the rows each KPI counts, which its drill-through reads too),
 * then the `drill` schema and its table macros, `drill.<kpi>(as_of)` (sql/drill/). Made again
 * only when the files differ from those they were last made from (`meta.installed_sql`): the
 * macros live in the warehouse, and remaking forty unchanged ones is most of a quiet night's
 * set-up. What is run is the text that was hashed.
 */
export async function installDrillMacros(w: Warehouse): Promise<void> {
  const files = [...(await sqlFiles('cohort')).map((f) => `cohort/${f}`), ...(await sqlFiles('drill')).map((f) => `drill/${f}`)];
  const texts = await Promise.all(files.map((rel) => readFile(projectPath('sql', ...rel.split('/')), 'utf8')));
  const sha256 = sqlFilesSha256(files, texts);
  // Compute may run on a warehouse this release's migrate has not seen (a step retried on a worker
  // upgraded mid-night), as it does for meta/code_mappings.sql.
  await w.runFile('meta/installed_sql.sql');
  const [made] = await w.rows<{ sha256: string }>('SELECT sha256 FROM meta.installed_sql WHERE part = $part', { part: COHORT_AND_DRILL });
  if (made?.sha256 === sha256) return;
  await w.run('CREATE SCHEMA IF NOT EXISTS cohort');
  await w.run('CREATE SCHEMA IF NOT EXISTS drill');
  for (const text of texts) await runScript(w.conn, text, {});
  await w.run('INSERT OR REPLACE INTO meta.installed_sql VALUES ($part, $sha256)', { part: COHORT_AND_DRILL, sha256 });
}

/**
 * KPI SQL joins its periods (25 at most; one on a quiet night) to a list's rows by date ranges.
 * DuckDB sorts both sides of such a join unless one side has at most this many rows, when it
 * compares each row with each period instead: at 10 M rows, a quiet night's new point of
 * avg_caseload in 82 ms rather than 155, and all 25 points faster too. A join's method never
 * changes its result.
 */
const COMPARE_PERIODS_DIRECTLY_UP_TO = 32;

export async function computeKpis(w: Warehouse, input: ComputeInput): Promise<ComputeResult> {
  await w.run(`SET SESSION nested_loop_join_threshold = ${COMPARE_PERIODS_DIRECTLY_UP_TO}`);
  const catalogue = input.catalogue ?? (await readNightCatalogue({ dir: input.kpiDir, mappingsPath: input.mappingsPath }));
  const { defs, mappings } = catalogue;
  await readFreshnessConfig(input.freshnessPath);
  // An entry for a KPI the catalogue does not hold is left unused: a catalogue may be a subset.
  const benchmarkMap = await readBenchmarkIndicators(input.benchmarkIndicatorsPath);
  const council = await readCouncilIdentity(input.councilConfigPath, input.laCode);
  const kpis: ComputeResult['kpis'] = [];
  let pointsReused = 0;
  await w.transaction(async () => {
    await w.runFile('meta/code_mappings.sql');
    await w.run('DELETE FROM meta.code_mappings');
    for (const m of mappings) {
      await w.run('INSERT INTO meta.code_mappings VALUES ($column, $from, $to)', { column: m.column, from: m.from, to: m.to });
    }
    await installDrillMacros(w);

    await w.run('DELETE FROM kpi.values WHERE run_id = $run', { run: input.runId });
    await w.run('DELETE FROM meta.kpi_inputs WHERE run_id = $run', { run: input.runId });
    const lookups = new ReuseLookups(w, input.commit ?? null);
    const onHand = await sourcesOnHand(w, input.asOf);
    pointsReused = await computeAll(w, defs, input, lookups);
    for (const d of defs) await nullWhereSourceMissing(w, d, { asOf: input.asOf, runId: input.runId, onHand });
    // The headline figure of each KPI (core/headline.ts): a month KPI's last complete month.
    const points = await w.rows<{ kpi: string; period_end: string; value: number | null }>(
      "SELECT kpi, strftime(period_end, '%Y-%m-%d') AS period_end, value FROM kpi.values WHERE run_id = $run",
      { run: input.runId },
    );
    for (const d of defs) {
      const headline = points.find((p) => p.kpi === d.meta.id && p.period_end === headlinePeriodEnd(d.meta.basis, input.asOf));
      kpis.push({ kpi: d.meta.id, value: headline?.value ?? null, periodEnd: headlinePeriodEnd(d.meta.basis, input.asOf), definitionVersion: d.version });
    }
    await computeBenchmarks(w, defs, { asOf: input.asOf, runId: input.runId, map: benchmarkMap, council, lookups: input.reuse === false ? undefined : lookups });
  });
  return { kpis, pointsReused, catalogue: catalogue.hash };
}
