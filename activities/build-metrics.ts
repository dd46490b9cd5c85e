/**
 * Assembles tonight's `metrics.json` from the warehouse: one metric row per KPI for the period
 * ending as-of, 25 series points per KPI, and the data-quality account of every file found.
 * Names, reasons and notes are published in their shown form (core/shown-text.ts), whatever an
 * older warehouse recorded.
 */
import { metricsFile, type MetricsFile, type SourceEntry } from '../core/metrics-contract.js';
import { ragStatus } from '../core/rag.js';
import type { KpiDefinition } from '../core/kpi-definition.js';
import type { FoundFile, PublishInput } from '../core/night.js';
import { shownName, shownNote, shownReasonOrNull } from '../core/shown-text.js';
import type { Warehouse } from './warehouse.js';
import { publishedBaselines } from './baselines.js';

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

async function sourceEntries(w: Warehouse, found: FoundFile[], asOf: string): Promise<SourceEntry[]> {
  const used = await usedFiles(w, asOf);
  const recorded = new Map(
    (await w.rows<{ sha256: string; status: string; reason: string | null; rows_loaded: string; rows_rejected: string }>(
      'SELECT sha256, status, reason, rows_loaded, rows_rejected FROM meta.files',
    )).map((r) => [r.sha256, r]),
  );
  return found.map((f) => {
    const rec = f.sha256 ? recorded.get(f.sha256) : undefined;
    const wholeFileReject = f.status === 'rejected' || rec?.status === 'rejected';
    const status = wholeFileReject ? 'rejected' : f.status === 'new' ? 'loaded' : f.status;
    return {
      source: f.list ? `${f.source}/${f.list}` : f.source,
      file: shownName(f.name),
      sha256: f.sha256,
      extract_date: f.extractDate,
      status,
      reason: shownReasonOrNull(f.reason ?? rec?.reason),
      used: !wholeFileReject && f.status !== 'after_as_of' && !!f.sha256 && used.has(f.sha256),
      rows_loaded: Number(rec?.rows_loaded ?? 0),
      rows_rejected: Number(rec?.rows_rejected ?? 0),
    };
  });
}

export async function buildMetrics(
  w: Warehouse,
  input: PublishInput,
  snapshotId: string,
  defs: KpiDefinition[],
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
  for (const d of defs) {
    const mine = rows.filter((r) => r.kpi === d.meta.id);
    for (const r of mine) {
      series.push({ kpi: r.kpi, period_end: r.period_end, value: num(r.value), ...published(d, r) });
    }
    const cur = mine.find((r) => r.period_end === input.asOf);
    if (!cur) throw new Error(`KPI ${d.meta.id} produced no row for the period ending ${input.asOf}`);
    const value = num(cur.value);
    const notes = (cur.notes ?? []).map(shownNote);
    if (value === null) {
      const reason = shownNote(cur.null_reason ?? 'No value could be computed for this period.');
      notes.unshift(reason);
      gaps.push({ kpi: d.meta.id, reason });
    }
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
      notes,
    });
  }
  return metricsFile.parse({
    schema_version: '1',
    snapshot_id: snapshotId,
    as_of: input.asOf,
    created_at: input.createdAt,
    metrics,
    series,
    baseline_events: baselines.events,
    data_quality: { sources: await sourceEntries(w, input.found, input.asOf), gaps },
  });
}
