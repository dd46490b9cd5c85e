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
import { pointExtractLists } from '../core/kpi-reuse.js';
import type { KpiDefinition } from '../core/kpi-definition.js';
import type { FoundFile, PublishInput } from '../core/night.js';
import { shownCommentary, shownName, shownNote, shownReasonOrNull, strippedText } from '../core/shown-text.js';
import { ANNEX_A_WORKBOOK } from '../core/contracts/annex-a.js';
import { dateInWords } from '../core/dates.js';
import type { Warehouse } from './warehouse.js';
import { publishedBaselines } from './baselines.js';
import { sourceAges } from './source-freshness.js';
import { ignoredFolder } from './landing-walk.js';
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

/** An extract's key: a file's sha256, or a workbook's sha256 and sheet. */
export function extractKey(sha256: string, sheet: string | null | undefined): string {
  return sheet ? `${sha256}\u0000${sheet}` : sha256;
}

/**
 * The extracts whose rows feed tonight's figures, by extractKey. An extract list: tonight's
 * extract as of as-of (meta.extracts_at: a CSV or a workbook sheet), and for a list some KPI reads
 * at each trend point's own extract (`pointLists`: care leavers, kpis.md v2) tonight's extract as
 * of each trend point as well. Audits (additive): each audit file with at least one row in
 * `core.audits_at(as-of)` — the workbooks in the folder at the last pull, as they are now
 * (meta.current_audit_files: an older version of a workbook edited in place is not used), and not
 * a file every one of whose Audit IDs is taken from a file whose name sorts later
 * (meta.audit_duplicates).
 */
export async function usedExtracts(w: Warehouse, asOf: string, pointLists: readonly string[] = []): Promise<Set<string>> {
  const rows = await w.rows<{ sha256: string; sheet: string | null }>(
    `SELECT sha256, sheet FROM meta.extracts_at($as_of::DATE)
     UNION
     SELECT DISTINCT file_sha256 AS sha256, NULL AS sheet FROM core.audits_at($as_of::DATE)`,
    { as_of: asOf },
  );
  const used = new Set(rows.map((r) => extractKey(r.sha256, r.sheet)));
  for (const list of pointLists) {
    // The same choice as core.<list>_at(d) (meta.extracts_at), at every trend point.
    const perPoint = await w.rows<{ sha256: string; sheet: string | null }>(
      `SELECT DISTINCT e.sha256, e.sheet
       FROM ref.kpi_periods($as_of::DATE) p, LATERAL meta.extracts_at(p.period_end) e
       WHERE e.list = $list`,
      { as_of: asOf, list },
    );
    for (const r of perPoint) used.add(extractKey(r.sha256, r.sheet));
  }
  return used;
}

/** The files (sha256) some of whose rows feed tonight's figures. */
export async function usedFiles(w: Warehouse, asOf: string, pointLists: readonly string[] = []): Promise<Set<string>> {
  return new Set([...(await usedExtracts(w, asOf, pointLists))].map((k) => k.split('\u0000')[0]!));
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

interface RecordedRows {
  status: string;
  reason: string | null;
  rows_loaded: string;
  rows_rejected: string;
}

interface SheetRecord extends RecordedRows {
  sheet: string;
  list: string | null;
}

/** A loaded extract that another copy of the same list and date replaces: which copy counts instead. */
interface Superseded {
  list: string;
  extract_date: string;
  chosen_file: string;
  chosen_sheet: string | null;
}

function supersededReason(s: Superseded): string {
  const other = `${shownName(s.chosen_file)}${s.chosen_sheet ? `, sheet “${shownName(s.chosen_sheet)}”` : ''}`;
  return `the same ${s.list.replaceAll('_', ' ')} extract of ${dateInWords(s.extract_date)} also came in ${other}, whose file name sorts later: that copy is used, and the rows of this one are kept but not counted`;
}

async function sourceEntries(
  w: Warehouse,
  found: FoundFile[],
  asOf: string,
  ages: ReadonlyMap<string, SourceAge>,
  /** Files used that usedExtracts does not know of: commentary shown tonight, tonight's plan tracker (core/plan-file.ts). */
  alsoUsed: ReadonlySet<string>,
  defs: readonly KpiDefinition[],
): Promise<SourceEntry[]> {
  const used = new Set([...(await usedExtracts(w, asOf, [...new Set(defs.flatMap((d) => pointExtractLists(d)))])), ...alsoUsed]);
  const recorded = new Map(
    (await w.rows<RecordedRows & { sha256: string }>('SELECT sha256, status, reason, rows_loaded, rows_rejected FROM meta.files')).map((r) => [r.sha256, r]),
  );
  const sheetsOf = new Map<string, SheetRecord[]>();
  for (const r of await w.rows<SheetRecord & { file_sha256: string }>(
    'SELECT file_sha256, sheet, list, status, reason, rows_loaded, rows_rejected FROM meta.sheets ORDER BY file_sha256, sheet_index',
  )) {
    sheetsOf.set(r.file_sha256, [...(sheetsOf.get(r.file_sha256) ?? []), r]);
  }
  const superseded = new Map(
    (await w.rows<Superseded & { sha256: string; sheet: string | null }>(
      `SELECT sha256, sheet, list, strftime(extract_date, '%Y-%m-%d') AS extract_date, chosen_file, chosen_sheet
       FROM meta.extract_choice WHERE NOT chosen`,
    )).map((r) => [extractKey(r.sha256, r.sheet), r]),
  );
  /** One entry: a file, or one sheet of a workbook read (its own status, list and rows). */
  const entry = (f: FoundFile, rec: RecordedRows | undefined, sheet: SheetRecord | null): SourceEntry => {
    const list = sheet ? sheet.list : f.list;
    const wholeReject = f.status === 'rejected' || rec?.status === 'rejected';
    const loaded = !wholeReject && (f.status === 'new' || f.status === 'already_loaded');
    const replaced = loaded && f.sha256 ? superseded.get(extractKey(f.sha256, sheet?.sheet)) : undefined;
    const status: SourceEntry['status'] = wholeReject
      ? 'rejected'
      : sheet && sheet.status !== 'loaded' && f.status !== 'after_as_of'
        ? (sheet.status as 'rejected' | 'ignored')
        : replaced
          ? 'superseded'
          : f.status === 'new'
            ? 'loaded'
            : f.status;
    const source = f.status === 'ignored' || !f.source ? ignoredFolder(f.relPath) : list ? `${f.source}/${list}` : f.source;
    const isUsed = loaded && status !== 'rejected' && status !== 'ignored' && !!f.sha256 && used.has(extractKey(f.sha256, sheet?.sheet));
    // A used file carries its source's age: for audits, every workbook used shares the newest completion.
    const age = isUsed ? ages.get(source) : undefined;
    const rows = sheet ?? rec;
    return {
      source,
      file: shownName(f.name),
      ...(sheet ? { sheet: shownName(sheet.sheet) } : {}),
      list: list === ANNEX_A_WORKBOOK ? null : (list ?? null),
      sha256: f.sha256,
      extract_date: f.extractDate,
      status,
      reason: shownReasonOrNull(replaced ? supersededReason(replaced) : sheet ? sheet.reason : (f.reason ?? rec?.reason)),
      used: isUsed,
      rows_loaded: Number(rows?.rows_loaded ?? 0),
      rows_rejected: Number(rows?.rows_rejected ?? 0),
      age_days: age?.ageDays ?? null,
      stale: age ? age.stale : null,
    };
  };
  return found.flatMap((f) => {
    // A file pull refused for its name carries its own reason and hash (archived, never loaded):
    // the same bytes loaded under another name are not its record.
    const refusedByPull = f.status === 'rejected' && f.reason !== null;
    const rec = f.sha256 && !refusedByPull ? recorded.get(f.sha256) : undefined;
    // A workbook read: one entry per sheet (sources.md v2); a workbook rejected whole or not read tonight: one entry.
    const sheets = f.list === ANNEX_A_WORKBOOK && f.sha256 && rec?.status === 'loaded' && f.status !== 'rejected' ? sheetsOf.get(f.sha256) : undefined;
    return sheets && sheets.length > 0 ? sheets.map((s) => entry(f, rec, s)) : [entry(f, rec, null)];
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
    data_quality: { sources: await sourceEntries(w, input.found, input.asOf, ages, new Set([...commentaryUsed, ...(planFile?.sha256 ? [planFile.sha256] : [])]), defs), gaps },
    improvement_plan: plan,
  });
}
