/**
 * Assembles tonight's `metrics.json` from the warehouse: one metric row per KPI for its headline
 * period (core/headline.ts: a month KPI's last complete month, else as-of), 25 series points per
 * KPI (the month-to-date one marked provisional), freshness (core/freshness.ts: used sources'
 * ages, figures reading a stale one marked and noted), and the data-quality account of every file
 * found. Names, reasons and notes are published in their shown form (core/shown-text.ts), whatever
 * an older warehouse recorded.
 */
import { DEFAULT_FRESHNESS, staleNote, type FreshnessConfig, type SourceAge } from '../core/freshness.js';
import { headlinePeriodEnd, isProvisional } from '../core/headline.js';
import { metricsFile, SCHEMA_VERSION, type MetricsFile, type SourceEntry } from '../core/metrics-contract.js';
import { ragStatus } from '../core/rag.js';
import type { KpiDefinition } from '../core/kpi-definition.js';
import type { FoundFile, PublishInput } from '../core/night.js';
import { shownName, shownNote, shownReasonOrNull } from '../core/shown-text.js';
import type { Warehouse } from './warehouse.js';
import { publishedBaselines } from './baselines.js';
import { sourceAges } from './source-freshness.js';
import { benchmarksOfRun } from './benchmarks.js';

/** One row of kpi.values as publishing reads it. */
export interface ValueRow {
  kpi: string;
  period_start: string;
  period_end: string;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  null_reason: string | null;
  notes: string[] | null;
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** An average publishes numerator null and the cohort size as denominator; a count publishes neither. */
function published(d: KpiDefinition, r: ValueRow): { numerator: number | null; denominator: number | null } {
  return {
    numerator: d.meta.measure === 'average' || d.meta.measure === 'count' ? null : num(r.numerator),
    denominator: d.meta.measure === 'count' ? null : num(r.denominator),
  };
}

/**
 * The files whose rows feed tonight's figures. An extract list: its newest loaded extract dated
 * on or before as-of. Audits (additive): each audit file with at least one row in
 * `core.audits_at(as-of)` — the workbooks in the folder at the last pull, as they are now
 * (meta.current_audit_files: an older version of a workbook edited in place is not used), and
 * not a file every one of whose Audit IDs is taken from a file whose name sorts later
 * (meta.audit_duplicates).
 */
export async function usedFiles(w: Warehouse, asOf: string): Promise<Set<string>> {
  const rows = await w.rows<{ sha256: string }>(
    `SELECT sha256 FROM meta.files
     WHERE status = 'loaded' AND source <> 'audits' AND extract_date <= $as_of::DATE
     QUALIFY row_number() OVER (PARTITION BY list ORDER BY extract_date DESC, load_seq DESC) = 1
     UNION
     SELECT DISTINCT file_sha256 AS sha256 FROM core.audits_at($as_of::DATE)`,
    { as_of: asOf },
  );
  return new Set(rows.map((r) => r.sha256));
}

async function sourceEntries(w: Warehouse, found: FoundFile[], asOf: string, ages: ReadonlyMap<string, SourceAge>, benchmarkFiles: ReadonlySet<string>): Promise<SourceEntry[]> {
  const used = new Set([...(await usedFiles(w, asOf)), ...benchmarkFiles]);
  const recorded = new Map(
    (await w.rows<{ sha256: string; status: string; reason: string | null; rows_loaded: string; rows_rejected: string }>(
      'SELECT sha256, status, reason, rows_loaded, rows_rejected FROM meta.files',
    )).map((r) => [r.sha256, r]),
  );
  return found.map((f) => {
    const rec = f.sha256 ? recorded.get(f.sha256) : undefined;
    const wholeFileReject = f.status === 'rejected' || rec?.status === 'rejected';
    const status = wholeFileReject ? 'rejected' : rec?.status === 'ignored' ? 'ignored' : f.status === 'new' ? 'loaded' : f.status;
    // Benchmark files are one source: what each turned out to be is in its reason and `used`.
    const source = f.list && f.source !== 'benchmarks' ? `${f.source}/${f.list}` : f.source;
    const isUsed = !wholeFileReject && f.status !== 'after_as_of' && !!f.sha256 && used.has(f.sha256);
    // A used file carries its source's age: for audits, every workbook used shares the newest completion.
    const age = isUsed ? ages.get(source) : undefined;
    return {
      source,
      file: shownName(f.name),
      sha256: f.sha256,
      extract_date: f.extractDate,
      status,
      reason: shownReasonOrNull(f.reason ?? rec?.reason),
      used: isUsed,
      rows_loaded: Number(rec?.rows_loaded ?? 0),
      rows_rejected: Number(rec?.rows_rejected ?? 0),
      age_days: age?.ageDays ?? null,
      stale: age ? age.stale : null,
    };
  });
}

export async function buildMetrics(
  w: Warehouse,
  input: PublishInput,
  snapshotId: string,
  defs: KpiDefinition[],
  freshness: FreshnessConfig = DEFAULT_FRESHNESS,
): Promise<MetricsFile> {
  const rows = await w.rows<ValueRow>(
    `SELECT kpi, strftime(period_start, '%Y-%m-%d') AS period_start, strftime(period_end, '%Y-%m-%d') AS period_end,
            value, numerator, denominator, null_reason, notes
     FROM kpi.values WHERE run_id = $run ORDER BY kpi, period_end`,
    { run: input.runId },
  );
  const metrics: MetricsFile['metrics'] = [];
  const series: MetricsFile['series'] = [];
  const gaps: MetricsFile['data_quality']['gaps'] = [];
  // Baselines, comparability and events from the registry detectBaselines wrote (activities/baselines.ts).
  const baselines = await publishedBaselines(w, { asOf: input.asOf, runId: input.runId, kpis: defs.map((d) => d.meta.id) });
  const ages = await sourceAges(w, input.asOf, freshness);
  const benchmarks = await benchmarksOfRun(w, input.runId);
  for (const d of defs) {
    const mine = rows.filter((r) => r.kpi === d.meta.id);
    for (const r of mine) {
      const provisional = isProvisional(d.meta.basis, r.period_end, input.asOf);
      const value = num(r.value);
      series.push({ kpi: r.kpi, period_end: r.period_end, value, ...published(d, r), provisional, status: provisional ? 'none' : ragStatus(value, d.meta) });
    }
    const headlineEnd = headlinePeriodEnd(d.meta.basis, input.asOf);
    const cur = mine.find((r) => r.period_end === headlineEnd);
    if (!cur) throw new Error(`KPI ${d.meta.id} produced no row for its headline period ending ${headlineEnd}`);
    const value = num(cur.value);
    const notes = (cur.notes ?? []).map(shownNote);
    if (value === null) {
      const reason = shownNote(cur.null_reason ?? 'No value could be computed for this period.');
      notes.unshift(reason);
      gaps.push({ kpi: d.meta.id, reason });
    }
    // Staleness never changes the value: it is said, source by source.
    const stale = Object.keys(d.meta.sources).flatMap((s) => {
      const age = ages.get(s);
      return age?.stale ? [age] : [];
    });
    notes.push(...stale.map(staleNote));
    const bench = benchmarks.get(d.meta.id);
    notes.push(...(bench?.notes ?? []).map(shownNote));
    metrics.push({
      kpi: d.meta.id,
      title: d.meta.title,
      period_start: cur.period_start,
      period_end: cur.period_end,
      value,
      ...published(d, cur),
      unit: d.meta.unit,
      polarity: d.meta.polarity,
      target: d.meta.target,
      status: ragStatus(value, d.meta),
      definition_version: d.version,
      baseline: baselines.byKpi.get(d.meta.id)?.baseline ?? null,
      comparable_with_previous: baselines.byKpi.get(d.meta.id)?.comparable ?? true,
      basis: d.meta.basis,
      stale: stale.length > 0,
      notes,
      benchmark: bench?.benchmark ?? null,
    });
  }
  return metricsFile.parse({
    schema_version: SCHEMA_VERSION,
    snapshot_id: snapshotId,
    as_of: input.asOf,
    created_at: input.createdAt,
    metrics,
    series,
    baseline_events: baselines.events,
    data_quality: { sources: await sourceEntries(w, input.found, input.asOf, ages, new Set([...benchmarks.values()].flatMap((b) => b.files))), gaps },
  });
}
