/**
 * detectBaselines: after compute, before publish. Looks for every kind of baseline event
 * (spec: kpis.md "Baselines and baseline changes") in tonight's warehouse, records new events,
 * adds tonight's detections, and starts / supersedes baselines in the registry (sql/meta/
 * baselines.sql). The deciding is pure (core/baseline-detect.ts, core/baseline-registry.ts); this
 * file queries and writes. One transaction: a retried activity starts from a clean slate, and a
 * re-run of a night finds its events already recorded (no duplicates, nothing re-announced).
 * Codes are compared over each KPI's own cohort (metadata `filters`; `cohortFor` in
 * core/baseline-detect.ts, `cohortWhere` here; docs/baselines.md).
 */
import { columnMeta, type ColumnMeta } from '../core/contracts/columns.js';
import { CONTRACTS, type ListContract } from '../core/contracts/lists.js';
import { snakeCase } from '../core/contracts/naming.js';
import {
  codesBetweenExtracts,
  codesByMonth,
  codesChangedEvent,
  cohortFor,
  definitionChanged,
  foldCode,
  detectKpiLevelShift,
  manualEvent,
  monthOf,
  schemaChanged,
  type CodeCount,
  type Cohort,
  type DetectedEvent,
  type FileColumns,
  type MonthlyCodeCount,
  type ValuePoint,
} from '../core/baseline-detect.js';
import { baselineReason, currentOf, eventId, FIRST_PUBLISHED, sameEvent, type KnownEvent } from '../core/baseline-registry.js';
import { BASELINES_CONFIG } from '../core/baseline-config.js';
import { baselinePoint, isProvisional } from '../core/headline.js';
import type { KpiDefinition } from '../core/kpi-definition.js';
import { quoteIdent as q } from '../core/sql-text.js';
import { readBaselinesConfig } from './baselines-config.js';
import { snapshotIdFor } from './publish.js';
import type { Warehouse } from './warehouse.js';
import { shownName } from '../core/shown-text.js';

export interface DetectBaselinesInput {
  home: string;
  asOf: string;
  workflowId: string;
  runId: string;
  /** Workflow time of the night (the snapshot's created_at): names the snapshot that announces events. */
  createdAt: string;
}

export interface DetectBaselinesResult {
  /** Snapshot id the events first recorded tonight will be announced in. */
  detectedIn: string;
  /** Events seen tonight (new or already recorded). */
  eventsSeen: number;
  /** Events recorded for the first time tonight. */
  newEvents: { kpi: string; kind: string; effectivePeriod: string }[];
  baselinesStarted: number;
  /** KPIs the level-shift test ran on (monthly cohorts). */
  levelShiftTested: string[];
  /** Anything a detector could not do (too few months, no previous extract…), for the log. */
  notes: string[];
}

export interface DetectOptions {
  /** The catalogue compute used tonight. */
  defs: KpiDefinition[];
  /** config/baselines.json, or a test's copy. */
  baselinesConfigPath?: string;
}

interface ValueRow extends ValuePoint {
  kpi: string;
  definition_version: string;
}

interface Coded {
  contract: ListContract;
  column: string;
  meta: ColumnMeta;
}

const listOf = (source: string): ListContract | undefined => [...CONTRACTS.values()].find((c) => `${c.source}/${c.list}` === source);

/** The coded columns (codes, Org Role, flags) a KPI reads, by `<source>/<list>`. */
function codedColumns(d: KpiDefinition): Coded[] {
  const out: Coded[] = [];
  for (const [source, cols] of Object.entries(d.meta.sources)) {
    const contract = listOf(source);
    if (!contract) continue;
    for (const [header, schema] of Object.entries(contract.columns)) {
      const meta = columnMeta(schema);
      if (cols.includes(snakeCase(header)) && (meta.kind === 'code' || meta.kind === 'org_role' || meta.kind === 'flag')) {
        out.push({ contract, column: snakeCase(header), meta });
      }
    }
  }
  return out;
}

/** Known values as the warehouse holds them: flags Y/N, Org Role 1–6, codes their canonical spelling. */
function knownCodes(c: Coded): string[] {
  if (c.meta.kind === 'flag') return ['Y', 'N'];
  if (c.meta.kind === 'org_role') return (c.meta.codes ?? []).map((_, i) => String(i + 1));
  return [...(c.meta.codes ?? [])];
}

function valueExpr(c: Coded): string {
  const col = q(c.column);
  return c.meta.kind === 'flag' ? `CASE WHEN ${col} THEN 'Y' WHEN NOT ${col} THEN 'N' END` : `CAST(${col} AS VARCHAR)`;
}

/** The list's event date: its required date that may not be after the extract (referral date, CIN start…). */
function eventDateExpr(contract: ListContract): string {
  if (contract.list === 'audits') return 'coalesce(completed_date, scheduled_date)';
  const header = Object.entries(contract.columns).find(([, s]) => {
    const m = columnMeta(s);
    return m.kind === 'date' && m.required && m.notAfterExtract;
  })?.[0];
  return header ? q(snakeCase(header)) : 'NULL::DATE';
}

interface FileRow {
  sha256: string;
  /** The workbook sheet the extract is (its rejects are the sheet's), null for a file. */
  sheet?: string | null;
  file_name: string;
  extract_date: string | null;
  columns_seen: string[] | null;
  rows_read: string;
  first_date?: string | null;
}

async function fileColumns(w: Warehouse, f: FileRow, date: string | null): Promise<FileColumns> {
  const rejects = await w.rows<{ column_name: string; n: string }>(
    `SELECT column_name, count(DISTINCT line) AS n FROM meta.rejects
     WHERE file_sha256 = $sha AND ($sheet::VARCHAR IS NULL OR sheet = $sheet) AND column_name IS NOT NULL GROUP BY column_name`,
    { sha: f.sha256, sheet: f.sheet ?? null },
  );
  return {
    file: f.file_name,
    date,
    columns: f.columns_seen ?? [],
    rows: Number(f.rows_read),
    rejectedRows: Object.fromEntries(rejects.map((r) => [snakeCase(r.column_name), Number(r.n)])),
  };
}

/**
 * Tonight's extract of a list and the one before it, newest first (meta.extracts_up_to,
 * sql/views/extracts.sql: a superseded copy of a date's extract is not compared with it).
 */
async function lastTwoExtracts(w: Warehouse, list: string, asOf: string): Promise<FileRow[]> {
  return w.rows<FileRow>(
    `SELECT sha256, sheet, file_name, strftime(extract_date, '%Y-%m-%d') AS extract_date, columns_seen, rows_read
     FROM meta.extracts_up_to($as_of::DATE) WHERE list = $list AND recency <= 2
     ORDER BY recency`,
    { list, as_of: asOf },
  );
}

/**
 * The row condition of a KPI's cohort (core/baseline-detect.ts `cohortFor`): per filter column,
 * its value after the council's code mappings (ref.map_code, as the KPI SQL reads it) is one of
 * the cohort's codes, or — not blank — outside the known codes (it may be a cohort code renamed).
 * Identifiers quoted; the column names, cohort codes and known codes bound as parameters.
 */
function cohortWhere(contract: ListContract, cohort: Cohort, params: Record<string, string>): string {
  const parts = Object.entries(cohort).map(([column, values], i) => {
    const header = Object.keys(contract.columns).find((h) => snakeCase(h) === column);
    if (header === undefined) throw new Error(`cohort filter: ${contract.list} has no column "${column}"`);
    const known = columnMeta(contract.columns[header]!).codes ?? [];
    params[`cohort_col_${i}`] = column;
    const bind = (prefix: string, xs: readonly string[]): string =>
      xs.map((x, j) => ((params[`${prefix}_${i}_${j}`] = foldCode(x)), `$${prefix}_${i}_${j}`)).join(', ');
    const v = `lower(trim(ref.map_code($cohort_col_${i}, CAST(${q(column)} AS VARCHAR))))`;
    const unknown = known.length > 0 ? ` OR (${q(column)} IS NOT NULL AND ${v} NOT IN (${bind('cohort_known', known)}))` : '';
    return `(${v} IN (${bind('cohort_in', values)})${unknown})`;
  });
  return parts.length > 0 ? parts.join(' AND ') : 'TRUE';
}

async function codeCounts(w: Warehouse, c: Coded, sha: string, cohort: Cohort): Promise<CodeCount[]> {
  const v = valueExpr(c);
  const params: Record<string, string> = { sha };
  return w.rows<CodeCount>(
    `SELECT lower(trim(v)) AS key, min(v) AS code, count(*)::INTEGER AS rows, strftime(min(d), '%Y-%m-%d') AS first
     FROM (SELECT ${v} AS v, ${eventDateExpr(c.contract)} AS d FROM core.${q(c.contract.list)}
           WHERE file_sha256 = $sha AND ${cohortWhere(c.contract, cohort, params)})
     WHERE v IS NOT NULL GROUP BY 1 ORDER BY 1`,
    params,
  );
}

async function monthlyAuditCodes(w: Warehouse, c: Coded, asOf: string, cohort: Cohort): Promise<MonthlyCodeCount[]> {
  const v = valueExpr(c);
  const params: Record<string, string> = { as_of: asOf };
  return w.rows<MonthlyCodeCount>(
    `SELECT strftime(d, '%Y-%m') AS month, lower(trim(v)) AS key, min(v) AS code, count(*)::INTEGER AS rows,
            strftime(min(d), '%Y-%m-%d') AS first
     FROM (SELECT ${v} AS v, ${eventDateExpr(c.contract)} AS d FROM core.audits_at($as_of::DATE)
           WHERE ${cohortWhere(c.contract, cohort, params)})
     WHERE v IS NOT NULL AND d IS NOT NULL AND d <= $as_of::DATE GROUP BY 1, 2 ORDER BY 1, 2`,
    params,
  );
}

/** One comparison of codes: a coded column over one cohort, and the KPIs that read it so. */
interface CodeGroup {
  coded: Coded;
  cohort: Cohort;
  defs: KpiDefinition[];
}

/** The code comparisons a list needs: KPIs reading the same column over the same cohort share one. */
function codeGroups(source: string, contract: ListContract, defs: readonly KpiDefinition[]): CodeGroup[] {
  const groups = new Map<string, CodeGroup>();
  for (const d of defs) {
    for (const c of codedColumns(d)) {
      if (c.contract !== contract) continue;
      const cohort = cohortFor(d.meta, source, c.column);
      const key = JSON.stringify([c.column, Object.entries(cohort).map(([k, vs]) => [k, vs.map(foldCode)])]);
      const g = groups.get(key) ?? { coded: c, cohort, defs: [] };
      g.defs.push(d);
      groups.set(key, g);
    }
  }
  return [...groups.values()];
}

/** Key of `codesNow`: a KPI's codes of one column over its cohort. */
const codesKey = (kpi: string, list: string, column: string): string => `${kpi}|${list}.${column}`;

/** What the detectors found tonight, before anything is recorded. */
async function detect(
  w: Warehouse,
  input: DetectBaselinesInput,
  opts: DetectOptions,
  values: ValueRow[],
  notes: string[],
): Promise<{ events: DetectedEvent[]; tested: string[]; codesNow: Map<string, string[]> }> {
  const { asOf, runId } = input;
  const events: DetectedEvent[] = [];
  const windowStart = monthOf(values.reduce((m, v) => (v.period_end < m ? v.period_end : m), asOf));

  // definition_changed: against the previous published snapshot's figures.
  const [prev] = await w.rows<{ snapshot_id: string; run_id: string }>(
    'SELECT snapshot_id, run_id FROM meta.snapshots WHERE run_id <> $run ORDER BY created_at DESC LIMIT 1',
    { run: runId },
  );
  if (prev) {
    const versions = new Map(
      (await w.rows<{ kpi: string; v: string }>('SELECT kpi, max(definition_version) AS v FROM kpi.values WHERE run_id = $run GROUP BY kpi', { run: prev.run_id })).map(
        (r) => [r.kpi, r.v],
      ),
    );
    for (const d of opts.defs) {
      const before = versions.get(d.meta.id);
      if (!before) continue; // a KPI new to the catalogue: its first published figure is its baseline
      const e = definitionChanged({ kpi: d.meta.id, asOf, previousVersion: before, newVersion: d.version, previousSnapshot: prev.snapshot_id });
      if (e) events.push(e);
    }
  }

  // source_schema_changed and source_codes_changed, per list the catalogue reads.
  const lists = new Map<string, KpiDefinition[]>();
  for (const d of opts.defs) for (const s of Object.keys(d.meta.sources)) lists.set(s, [...(lists.get(s) ?? []), d]);
  const codesNow = new Map<string, string[]>();
  for (const [source, defs] of lists) {
    const contract = listOf(source);
    if (!contract) continue;
    const groups = codeGroups(source, contract, defs);

    if (contract.list === 'audits') {
      // Additive files: each file (in order of its first audit date) against all earlier ones.
      const files = await w.rows<FileRow>(
        `SELECT f.sha256, f.file_name, NULL AS extract_date, f.columns_seen, f.rows_read,
                strftime(min(coalesce(a.completed_date, a.scheduled_date)), '%Y-%m-%d') AS first_date
         FROM meta.files f LEFT JOIN core.audits a ON a.file_sha256 = f.sha256
         WHERE f.status = 'loaded' AND f.list = 'audits'
         GROUP BY ALL ORDER BY first_date NULLS LAST, f.file_name`,
      );
      let seen: { any: Set<string>; all: Set<string>; file: FileColumns } | null = null;
      for (const f of files) {
        if (!f.first_date || f.first_date > asOf) continue;
        const fc = await fileColumns(w, f, f.first_date);
        if (seen && monthOf(f.first_date) >= windowStart) {
          for (const d of defs) {
            const e = schemaChanged({
              kpi: d.meta.id,
              source,
              kpiColumns: d.meta.sources[source] ?? [],
              before: seen.file,
              after: fc,
              effectivePeriod: monthOf(f.first_date),
              seenBefore: seen,
            });
            if (e) events.push(e);
          }
        }
        const cols: readonly string[] = fc.columns;
        seen = seen
          ? { any: new Set<string>([...seen.any, ...cols]), all: new Set<string>([...seen.all].filter((c: string) => cols.includes(c))), file: fc }
          : { any: new Set(fc.columns), all: new Set(fc.columns), file: fc };
      }
      for (const { coded: c, cohort, defs: readers } of groups) {
        const rows = await monthlyAuditCodes(w, c, asOf, cohort);
        const codes = [...new Set(rows.map((r) => r.code))].sort();
        for (const d of readers) codesNow.set(codesKey(d.meta.id, contract.list, c.column), codes);
        for (const change of codesByMonth({ known: knownCodes(c), rows, fromMonth: windowStart })) {
          for (const d of readers) events.push(codesChangedEvent(d.meta.id, source, c.column, change, cohort));
        }
      }
      continue;
    }

    const [now, before] = await lastTwoExtracts(w, contract.list, asOf);
    if (!now) {
      notes.push(`${source}: no extract loaded on or before ${asOf}`);
      continue;
    }
    for (const { coded: c, cohort, defs: readers } of groups) {
      const codes = (await codeCounts(w, c, now.sha256, cohort)).map((x) => x.code);
      for (const d of readers) codesNow.set(codesKey(d.meta.id, contract.list, c.column), codes);
    }
    if (!before) {
      notes.push(`${source}: only one extract (${shownName(now.file_name)}) so far; its columns and codes are the reference from now on`);
      continue;
    }
    const effectivePeriod = monthOf(now.extract_date!);
    const fNow = await fileColumns(w, now, now.extract_date);
    const fBefore = await fileColumns(w, before, before.extract_date);
    for (const d of defs) {
      const e = schemaChanged({ kpi: d.meta.id, source, kpiColumns: d.meta.sources[source] ?? [], before: fBefore, after: fNow, effectivePeriod });
      if (e) events.push(e);
    }
    for (const { coded: c, cohort, defs: readers } of groups) {
      const change = codesBetweenExtracts({
        known: knownCodes(c),
        before: await codeCounts(w, c, before.sha256, cohort),
        after: await codeCounts(w, c, now.sha256, cohort),
        beforeLabel: `extract ${before.file_name}`,
        afterLabel: `extract ${now.file_name}`,
        effectivePeriod,
      });
      if (!change) continue;
      for (const d of readers) events.push(codesChangedEvent(d.meta.id, source, c.column, change, cohort));
    }
  }

  // level_shift on monthly cohorts.
  const tested: string[] = [];
  for (const d of opts.defs) {
    const r = detectKpiLevelShift(d.meta, values.filter((v) => v.kpi === d.meta.id), asOf);
    if (!r.tested) continue;
    tested.push(d.meta.id);
    if (r.note) notes.push(`${d.meta.id}: level shift not tested: ${r.note}`);
    if (r.event) events.push(r.event);
  }

  // manual: declared in config/baselines.json, from the night their month has come.
  const config = await readBaselinesConfig(new Set(opts.defs.map((d) => d.meta.id)), opts.baselinesConfigPath);
  for (const b of config.baselines) {
    if (b.period > monthOf(asOf)) continue;
    events.push(manualEvent({ kpi: b.kpi, period: b.period, reason: b.reason, declaredBy: b.declared_by, declaredOn: b.declared_on, file: BASELINES_CONFIG }));
  }
  return { events, tested, codesNow };
}

interface EventRow {
  event_id: string;
  kpi: string;
  kind: DetectedEvent['kind'];
  effective_period: string;
  identity: string;
  evidence: string;
  detected_in: string;
  periods: string[];
}

interface BaselineRow {
  baseline_id: string;
  seq: string;
  kpi: string;
  effective_period: string;
  superseded_by: string | null;
}

export async function detectBaselines(w: Warehouse, input: DetectBaselinesInput, opts: DetectOptions): Promise<DetectBaselinesResult> {
  const { asOf, runId, workflowId } = input;
  const detectedIn = snapshotIdFor(asOf, input.createdAt, runId);
  const values = (
    await w.rows<ValueRow & { numerator: unknown; denominator: unknown; value: unknown }>(
      `SELECT kpi, strftime(period_end, '%Y-%m-%d') AS period_end, value, numerator, denominator, definition_version
       FROM kpi.values WHERE run_id = $run ORDER BY kpi, period_end`,
      { run: runId },
    )
  ).map((r) => ({
    ...r,
    value: r.value === null ? null : Number(r.value),
    numerator: r.numerator === null ? null : Number(r.numerator),
    denominator: r.denominator === null ? null : Number(r.denominator),
  }));
  const missing = opts.defs.filter((d) => !values.some((v) => v.kpi === d.meta.id)).map((d) => d.meta.id);
  if (missing.length > 0) throw new Error(`no figures computed by run ${runId} for ${missing.join(', ')}: run computeKpis first`);

  const notes: string[] = [];
  const { events, tested, codesNow } = await detect(w, input, opts, values, notes);
  const newEvents: DetectBaselinesResult['newEvents'] = [];
  let baselinesStarted = 0;

  await w.transaction(async () => {
    const known: (KnownEvent & { row: EventRow })[] = (
      await w.rows<EventRow>(
        `SELECT e.event_id, e.kpi, e.kind, e.effective_period, e.identity, e.evidence::VARCHAR AS evidence, e.detected_in,
                list_distinct(list_concat(coalesce(d.periods, []::VARCHAR[]), [e.effective_period])) AS periods
         FROM meta.baseline_events e
         LEFT JOIN (SELECT event_id, list(effective_period) AS periods FROM meta.baseline_detections GROUP BY event_id) d USING (event_id)`,
      )
    ).map((r): KnownEvent & { row: EventRow } => ({ eventId: r.event_id, kpi: r.kpi, kind: r.kind, identity: r.identity, periods: r.periods, row: r }));
    const published = new Set((await w.rows<{ id: string }>('SELECT snapshot_id AS id FROM meta.snapshots')).map((r) => r.id));

    for (const e of events) {
      const evidence = JSON.stringify(e.evidence);
      const match = sameEvent(e, known);
      const id = match?.eventId ?? eventId(e);
      if (!match) {
        await w.run(
          `INSERT INTO meta.baseline_events VALUES ($id, $kpi, $kind, $period, $identity, $evidence::JSON, $detected_in, $as_of::DATE, $wf, $run)`,
          { id, kpi: e.kpi, kind: e.kind, period: e.effectivePeriod, identity: e.identity, evidence, detected_in: detectedIn, as_of: asOf, wf: workflowId, run: runId },
        );
        known.push({ eventId: id, kpi: e.kpi, kind: e.kind, identity: e.identity, periods: [e.effectivePeriod], row: { event_id: id, kpi: e.kpi, kind: e.kind, effective_period: e.effectivePeriod, identity: e.identity, evidence, detected_in: detectedIn, periods: [e.effectivePeriod] } });
        newEvents.push({ kpi: e.kpi, kind: e.kind, effectivePeriod: e.effectivePeriod });
      } else if (!published.has(match.row.detected_in) && match.row.detected_in !== detectedIn) {
        // The night that first recorded it never published: tonight's snapshot announces it.
        await w.run('UPDATE meta.baseline_events SET detected_in = $d, first_workflow_id = $wf, first_run_id = $run WHERE event_id = $id', {
          d: detectedIn,
          wf: workflowId,
          run: runId,
          id,
        });
        match.row.detected_in = detectedIn;
      }
      await w.run(
        `INSERT OR REPLACE INTO meta.baseline_detections VALUES ($id, $as_of::DATE, $wf, $run, $period, $evidence::JSON)`,
        { id, as_of: asOf, wf: workflowId, run: runId, period: e.effectivePeriod, evidence },
      );
    }

    // Baselines: a first one per KPI, one per event, then mark all but the latest superseded.
    for (const d of opts.defs) {
      const kpi = d.meta.id;
      const mine = values.filter((v) => v.kpi === kpi);
      const windowMonth = monthOf(mine[0]!.period_end);
      const sourceCodes = JSON.stringify(
        Object.fromEntries(codedColumns(d).map((c) => [`${c.contract.list}.${c.column}`, codesNow.get(codesKey(d.meta.id, c.contract.list, c.column)) ?? []])),
      );
      const existing = new Set(
        (await w.rows<{ id: string }>('SELECT baseline_id AS id FROM meta.baselines WHERE kpi = $kpi', { kpi })).map((r) => r.id),
      );
      const start = async (baselineId: string, period: string, reason: string, eventRef: string | null): Promise<void> => {
        if (existing.has(baselineId)) return;
        // The value of the baseline's month when that month is complete, else of the last complete
        // period before it: a month-to-date point is never a baseline (core/headline.ts).
        const point = (period >= windowMonth ? baselinePoint(d.meta.basis, mine, period, asOf) : null) ?? (await earlierPoint(w, kpi, d, period));
        await w.run(
          `INSERT INTO meta.baselines VALUES ($id, nextval('meta.baseline_seq'), $kpi, $period, $period_end::DATE, $value, $version,
             $codes::JSON, $reason, $since::DATE, $event, $as_of::DATE, $run, NULL, NULL, NULL)`,
          {
            id: baselineId,
            kpi,
            period,
            period_end: point?.period_end ?? lastDayOf(period),
            value: point?.value ?? null,
            version: d.version,
            codes: sourceCodes,
            reason,
            since: `${period}-01`,
            event: eventRef,
            as_of: asOf,
            run: runId,
          },
        );
        existing.add(baselineId);
        baselinesStarted++;
      };
      if (existing.size === 0) {
        const complete = mine.filter((v) => !isProvisional(d.meta.basis, v.period_end, asOf));
        const first = complete.find((v) => v.value !== null) ?? complete[complete.length - 1]!;
        await start(`${kpi}:initial`, monthOf(first.period_end), FIRST_PUBLISHED, null);
      }
      const mineEvents = known
        .filter((k) => k.kpi === kpi && k.row.effective_period <= monthOf(asOf))
        .sort((a, b) => a.row.effective_period.localeCompare(b.row.effective_period) || a.kind.localeCompare(b.kind));
      for (const k of mineEvents) {
        await start(`${kpi}:${k.eventId}`, k.row.effective_period, baselineReason(k.kind, JSON.parse(k.row.evidence) as Record<string, unknown>), k.eventId);
      }
      const rows = await w.rows<BaselineRow>('SELECT baseline_id, seq, kpi, effective_period, superseded_by FROM meta.baselines WHERE kpi = $kpi', { kpi });
      const current = currentOf(rows.map((r) => ({ ...r, baselineId: r.baseline_id, seq: Number(r.seq), effectivePeriod: r.effective_period })));
      if (!current) continue;
      // A baseline once replaced stays replaced (nothing added later can sort before the current one).
      await w.run(
        `UPDATE meta.baselines SET superseded_by = $cur, superseded_as_of = $as_of::DATE, superseded_by_run = $run
         WHERE kpi = $kpi AND baseline_id <> $cur AND superseded_by IS NULL`,
        { cur: current.baselineId, as_of: asOf, run: runId, kpi },
      );
    }
  });

  return { detectedIn, eventsSeen: events.length, newEvents, baselinesStarted, levelShiftTested: tested, notes };
}

function lastDayOf(ym: string): string {
  const [y, m] = ym.split('-').map(Number) as [number, number];
  return `${ym}-${String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, '0')}`;
}

/**
 * A baseline month outside tonight's 25 points: its figure under the same definition from an
 * earlier night, if any — a complete one (a month KPI's month-to-date as-of point is not).
 */
async function earlierPoint(w: Warehouse, kpi: string, d: KpiDefinition, period: string): Promise<{ period_end: string; value: number | null } | null> {
  const rows = await w.rows<{ period_end: string; as_of: string; value: number | null }>(
    `SELECT strftime(period_end, '%Y-%m-%d') AS period_end, strftime(as_of, '%Y-%m-%d') AS as_of, value FROM kpi.values
     WHERE kpi = $kpi AND definition_version = $v AND strftime(period_end, '%Y-%m') = $p
     ORDER BY as_of DESC, period_end DESC`,
    { kpi, v: d.version, p: period },
  );
  const r = rows.find((x) => !isProvisional(d.meta.basis, x.period_end, x.as_of));
  return r ? { period_end: r.period_end, value: r.value === null ? null : Number(r.value) } : null;
}
