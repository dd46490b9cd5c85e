/**
 * Assembles tonight's `metrics.json` from the warehouse: one metric row per KPI for its headline
 * period (core/headline.ts: a month KPI's last complete month, else as-of), 25 series points per
 * KPI (the month-to-date one marked provisional), freshness (core/freshness.ts: used sources'
 * ages, figures reading a stale one marked and noted), and the data-quality account of every file
 * found. Names, reasons and notes are published in their shown form (core/shown-text.ts), whatever
 * an older warehouse recorded. Each KPI carries the managers' commentary on its headline month,
 * if any (core/commentary.ts); the snapshot carries the improvement plan (activities/improvement-plan.ts).
 */
import { AUTHOR_ROLE_MAX_CHARS, COMMENTARY_SOURCE } from '../core/commentary.js';
import { DEFAULT_FRESHNESS, staleNote, type FreshnessConfig, type SourceAge } from '../core/freshness.js';
import { headlinePeriodEnd, isProvisional } from '../core/headline.js';
import { metricsFile, SCHEMA_VERSION, type Commentary, type MetricsFile, type SourceEntry } from '../core/metrics-contract.js';
import { ragStatus } from '../core/rag.js';
import type { KpiDefinition } from '../core/kpi-definition.js';
import type { FoundFile, PublishInput } from '../core/night.js';
import { shownCommentary, shownName, shownNote, shownReasonOrNull, strippedText } from '../core/shown-text.js';
import type { Warehouse } from './warehouse.js';
import { publishedBaselines } from './baselines.js';
import { sourceAges } from './source-freshness.js';
import { improvementPlanOf, tonightsPlan } from './improvement-plan.js';

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
     WHERE status = 'loaded' AND source NOT IN ('audits', 'commentary', 'plan') AND extract_date <= $as_of::DATE
     QUALIFY row_number() OVER (PARTITION BY list ORDER BY extract_date DESC, load_seq DESC) = 1
     UNION
     SELECT DISTINCT file_sha256 AS sha256 FROM core.audits_at($as_of::DATE)`,
    { as_of: asOf },
  );
  return new Set(rows.map((r) => r.sha256));
}

/**
 * Managers' commentary by `<kpi>|<YYYY-MM>`, from the commentary files in the landing folder
 * tonight (core/commentary.ts): a file's month is its name, so the same bytes under two names are
 * commentary for both months. A KPI given commentary for one month in two files (a .csv and a
 * .md) takes it from the file whose name sorts last, as audits do. Text is cleaned and capped
 * again on the way out, whatever an older warehouse kept.
 */
async function commentaryOf(w: Warehouse, found: FoundFile[]): Promise<Map<string, Commentary & { sha256: string }>> {
  const files = found
    .filter((f) => f.source === COMMENTARY_SOURCE && f.sha256 && f.extractDate && (f.status === 'new' || f.status === 'already_loaded'))
    .sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
  if (files.length === 0) return new Map();
  const rows = await w.rows<{ file_sha256: string; kpi: string; author_role: string; commentary: string }>(
    `SELECT c.file_sha256, c.kpi, c.author_role, c.commentary
     FROM core.commentary c JOIN meta.files f ON f.sha256 = c.file_sha256 AND f.status = 'loaded'
     ORDER BY c.line`,
  );
  const out = new Map<string, Commentary & { sha256: string }>();
  for (const f of files) {
    const month = f.extractDate!.slice(0, 7);
    for (const r of rows.filter((x) => x.file_sha256 === f.sha256)) {
      const key = `${r.kpi}|${month}`;
      if (out.has(key)) continue;
      const text = shownCommentary(r.commentary);
      const role = strippedText(r.author_role, AUTHOR_ROLE_MAX_CHARS);
      if (text !== '' && role !== '') out.set(key, { month, text, author_role: role, file: shownName(f.name), sha256: f.sha256! });
    }
  }
  return out;
}

async function sourceEntries(
  w: Warehouse,
  found: FoundFile[],
  asOf: string,
  ages: ReadonlyMap<string, SourceAge>,
  /** Files used that usedFiles does not know of: commentary shown tonight, tonight's plan tracker (core/plan-file.ts). */
  alsoUsed: ReadonlySet<string>,
): Promise<SourceEntry[]> {
  const used = new Set([...(await usedFiles(w, asOf)), ...alsoUsed]);
  const recorded = new Map(
    (await w.rows<{ sha256: string; status: string; reason: string | null; rows_loaded: string; rows_rejected: string }>(
      'SELECT sha256, status, reason, rows_loaded, rows_rejected FROM meta.files',
    )).map((r) => [r.sha256, r]),
  );
  return found.map((f) => {
    const rec = f.sha256 ? recorded.get(f.sha256) : undefined;
    const wholeFileReject = f.status === 'rejected' || rec?.status === 'rejected';
    const status = wholeFileReject ? 'rejected' : f.status === 'new' ? 'loaded' : f.status;
    const source = f.list ? `${f.source}/${f.list}` : f.source;
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
  /** CSC_KPI_SIGNING_KEY, to read the previous snapshot the plan's slips are counted against. */
  signingKey: string | null = null,
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
  const commentary = await commentaryOf(w, input.found);
  const commentaryUsed = new Set<string>();
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
    const said = commentary.get(`${d.meta.id}|${cur.period_end.slice(0, 7)}`);
    if (said) commentaryUsed.add(said.sha256);
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
      commentary: said ? { month: said.month, text: said.text, author_role: said.author_role, file: said.file } : null,
    });
  }
  const planFile = await tonightsPlan(w, input.found);
  const plan = planFile ? await improvementPlanOf(w, input, planFile, defs.map((d) => d.meta.id), signingKey) : null;
  return metricsFile.parse({
    schema_version: SCHEMA_VERSION,
    snapshot_id: snapshotId,
    as_of: input.asOf,
    created_at: input.createdAt,
    metrics,
    series,
    baseline_events: baselines.events,
    data_quality: { sources: await sourceEntries(w, input.found, input.asOf, ages, new Set([...commentaryUsed, ...(planFile?.sha256 ? [planFile.sha256] : [])])), gaps },
    improvement_plan: plan,
  });
}
