/**
 * Finds tonight's baseline events (spec: kpis.md "Baselines and baseline changes"): asks the
 * warehouse what the detectors need — the previous published snapshot's definition versions,
 * the columns, rejects and codes of tonight's extract and the one before (meta.extracts_up_to,
 * sql/views/extracts.sql), every audit file, the manual declarations — and lets the pure
 * detectors (core/baseline-detect.ts, core/baseline-columns.ts) decide. Records nothing: that is
 * activities/baseline-recording.ts. Codes are compared over each KPI's own cohort (metadata
 * `filters`; docs/baselines.md).
 */
import {
  codesBetweenExtracts,
  codesByMonth,
  codesChangedEvent,
  definitionChanged,
  detectKpiLevelShift,
  manualEvent,
  monthOf,
  schemaChanged,
  schemaChangesAcrossFiles,
  type CodeCount,
  type Cohort,
  type DetectedEvent,
  type FileColumns,
  type MonthlyCodeCount,
  type ValuePoint,
} from '../core/baseline-detect.js';
import { codeGroups, codesKey, codeValueSql, cohortWhereSql, eventDateSql, knownCodes, listOf, type Coded, type CodesNow } from '../core/baseline-columns.js';
import { BASELINES_CONFIG } from '../core/baseline-config.js';
import { benchmarkDefinitionChanged } from '../core/benchmark-baseline.js';
import { snakeCase } from '../core/contracts/naming.js';
import type { ListContract } from '../core/contracts/lists.js';
import type { KpiDefinition } from '../core/kpi-definition.js';
import { shownName } from '../core/shown-text.js';
import { jsonRowsSql, quoteIdent as q } from '../core/sql-text.js';
import { readBaselinesConfig } from './baselines-config.js';
import type { Warehouse } from './warehouse.js';

/** A point of tonight's run, as detection and the registry read it. */
export interface ValueRow extends ValuePoint {
  kpi: string;
  definition_version: string;
}

export interface Detected {
  events: DetectedEvent[];
  /** KPIs the level-shift test ran on (monthly cohorts). */
  tested: string[];
  /** Tonight's codes per KPI and coded column: a new baseline records them. */
  codesNow: CodesNow;
  /** Anything a detector could not do (too few months, no previous extract…), for the log. */
  notes: string[];
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

/** A file's (or workbook sheet's) rejected rows by column, as `rejectedRowsByColumn` keys them. */
function fileKey(f: Pick<FileRow, 'sha256' | 'sheet'>): string {
  return JSON.stringify([f.sha256, f.sheet ?? null]);
}

/**
 * For each file, how many of its rows were rejected for each column (distinct lines; a workbook
 * sheet's own rejects, a file's all of them), in one query for every file detection compares.
 */
async function rejectedRowsByColumn(w: Warehouse, files: readonly FileRow[]): Promise<Map<string, Record<string, number>>> {
  const byFile = new Map<string, Record<string, number>>(files.map((f) => [fileKey(f), {}]));
  if (files.length === 0) return byFile;
  const asks = [...new Map(files.map((f) => [fileKey(f), { sha256: f.sha256, sheet: f.sheet ?? null }])).values()];
  const rows = await w.rows<{ sha256: string; sheet: string | null; column_name: string; n: string }>(
    `SELECT a.sha256, a.sheet, r.column_name, count(DISTINCT r.line) AS n
     FROM ${jsonRowsSql('$asks', { sha256: 'VARCHAR', sheet: 'VARCHAR' })} a
     JOIN meta.rejects r ON r.file_sha256 = a.sha256 AND (a.sheet IS NULL OR r.sheet = a.sheet)
     WHERE r.column_name IS NOT NULL GROUP BY ALL`,
    { asks: JSON.stringify(asks) },
  );
  for (const r of rows) byFile.get(fileKey(r))![snakeCase(r.column_name)] = Number(r.n);
  return byFile;
}

function fileColumns(f: FileRow, date: string | null, rejected: ReadonlyMap<string, Record<string, number>>): FileColumns {
  return {
    file: f.file_name,
    date,
    columns: f.columns_seen ?? [],
    rows: Number(f.rows_read),
    rejectedRows: rejected.get(fileKey(f)) ?? {},
  };
}

/**
 * Tonight's extract of every list and the one before it, newest first (meta.extracts_up_to,
 * sql/views/extracts.sql: a superseded copy of a date's extract is not compared with it), in one
 * query for all lists.
 */
async function lastTwoExtracts(w: Warehouse, asOf: string): Promise<Map<string, FileRow[]>> {
  const rows = await w.rows<FileRow & { list: string }>(
    `SELECT list, sha256, sheet, file_name, strftime(extract_date, '%Y-%m-%d') AS extract_date, columns_seen, rows_read
     FROM meta.extracts_up_to($as_of::DATE) WHERE recency <= 2
     ORDER BY list, recency`,
    { as_of: asOf },
  );
  const byList = new Map<string, FileRow[]>();
  for (const { list, ...f } of rows) byList.set(list, [...(byList.get(list) ?? []), f]);
  return byList;
}

/** Every loaded audit file, dated by its first audit (completion, else scheduled date), in that order. */
async function auditFiles(w: Warehouse, contract: ListContract): Promise<FileRow[]> {
  return w.rows<FileRow>(
    `SELECT f.sha256, f.file_name, NULL AS extract_date, f.columns_seen, f.rows_read,
            strftime(min(${eventDateSql(contract)}), '%Y-%m-%d') AS first_date
     FROM meta.files f LEFT JOIN core.audits a ON a.file_sha256 = f.sha256
     WHERE f.status = 'loaded' AND f.list = 'audits'
     GROUP BY ALL ORDER BY first_date NULLS LAST, f.file_name`,
  );
}

/** The files detection compares, read once for every list the catalogue reads. */
interface ComparedFiles {
  /** Per extract list, tonight's extract and the one before it, newest first. */
  extracts: Map<string, FileRow[]>;
  /** The audit files dated (by their first audit) on or before as-of, oldest first. */
  audits: FileRow[];
  /** Rejected rows by column of each of those files (`fileKey`). */
  rejected: Map<string, Record<string, number>>;
}

async function comparedFiles(w: Warehouse, asOf: string, contracts: readonly ListContract[]): Promise<ComparedFiles> {
  const extracts = contracts.some((c) => c.list !== 'audits') ? await lastTwoExtracts(w, asOf) : new Map<string, FileRow[]>();
  const audit = contracts.find((c) => c.list === 'audits');
  const audits = audit ? (await auditFiles(w, audit)).filter((f) => f.first_date && f.first_date <= asOf) : [];
  const rejected = await rejectedRowsByColumn(w, [...[...extracts.values()].flat(), ...audits]);
  return { extracts, audits, rejected };
}

async function codeCounts(w: Warehouse, c: Coded, sha: string, cohort: Cohort): Promise<CodeCount[]> {
  const params: Record<string, string> = { sha };
  return w.rows<CodeCount>(
    `SELECT lower(trim(v)) AS key, min(v) AS code, count(*)::INTEGER AS rows, strftime(min(d), '%Y-%m-%d') AS first
     FROM (SELECT ${codeValueSql(c)} AS v, ${eventDateSql(c.contract)} AS d FROM core.${q(c.contract.list)}
           WHERE file_sha256 = $sha AND ${cohortWhereSql(c.contract, cohort, params)})
     WHERE v IS NOT NULL GROUP BY 1 ORDER BY 1`,
    params,
  );
}

async function monthlyAuditCodes(w: Warehouse, c: Coded, asOf: string, cohort: Cohort): Promise<MonthlyCodeCount[]> {
  const params: Record<string, string> = { as_of: asOf };
  return w.rows<MonthlyCodeCount>(
    `SELECT strftime(d, '%Y-%m') AS month, lower(trim(v)) AS key, min(v) AS code, count(*)::INTEGER AS rows,
            strftime(min(d), '%Y-%m-%d') AS first
     FROM (SELECT ${codeValueSql(c)} AS v, ${eventDateSql(c.contract)} AS d FROM core.audits_at($as_of::DATE)
           WHERE ${cohortWhereSql(c.contract, cohort, params)})
     WHERE v IS NOT NULL AND d IS NOT NULL AND d <= $as_of::DATE GROUP BY 1, 2 ORDER BY 1, 2`,
    params,
  );
}

/** definition_changed: each KPI's version (and its benchmark's) tonight against the previous published snapshot's. */
async function definitionEvents(w: Warehouse, o: { asOf: string; runId: string; defs: readonly KpiDefinition[] }): Promise<DetectedEvent[]> {
  const [prev] = await w.rows<{ snapshot_id: string; run_id: string }>(
    'SELECT snapshot_id, run_id FROM meta.snapshots WHERE run_id <> $run ORDER BY created_at DESC LIMIT 1',
    { run: o.runId },
  );
  if (!prev) return [];
  const versions = new Map(
    (await w.rows<{ kpi: string; v: string }>('SELECT kpi, max(definition_version) AS v FROM kpi.values WHERE run_id = $run GROUP BY kpi', { run: prev.run_id })).map(
      (r) => [r.kpi, r.v],
    ),
  );
  const events: DetectedEvent[] = [];
  for (const d of o.defs) {
    const before = versions.get(d.meta.id);
    if (!before) continue; // a KPI new to the catalogue: its first published figure is its baseline
    const e = definitionChanged({ kpi: d.meta.id, asOf: o.asOf, previousVersion: before, newVersion: d.version, previousSnapshot: prev.snapshot_id });
    if (e) events.push(e);
  }
  // The benchmark's own definition (its indicator map entry), against the previous snapshot's.
  const benchmarks = await w.rows<{ kpi: string; before: string | null; after: string | null }>(
    `SELECT kpi, b.benchmark_version AS before, a.benchmark_version AS after
     FROM (SELECT kpi, benchmark_version FROM kpi.benchmarks WHERE run_id = $prev) b
     JOIN (SELECT kpi, benchmark_version FROM kpi.benchmarks WHERE run_id = $run) a USING (kpi)`,
    { prev: prev.run_id, run: o.runId },
  );
  for (const b of benchmarks) {
    if (!b.before || !b.after) continue; // a benchmark new (or gone) is not a changed one
    const e = benchmarkDefinitionChanged({ kpi: b.kpi, asOf: o.asOf, previousVersion: b.before, newVersion: b.after, previousSnapshot: prev.snapshot_id });
    if (e) events.push(e);
  }
  return events;
}

/** source_schema_changed and source_codes_changed of the audits: additive files, codes month by month. */
async function auditSourceEvents(
  w: Warehouse,
  o: { source: string; contract: ListContract; defs: readonly KpiDefinition[]; asOf: string; windowStart: string },
  compared: ComparedFiles,
  codesNow: CodesNow,
): Promise<DetectedEvent[]> {
  const files = compared.audits.map((f) => fileColumns(f, f.first_date!, compared.rejected));
  const readers = o.defs.map((d) => ({ kpi: d.meta.id, kpiColumns: d.meta.sources[o.source] ?? [] }));
  const events = schemaChangesAcrossFiles({ source: o.source, readers, files, fromMonth: o.windowStart });
  for (const { coded: c, cohort, defs: readers } of codeGroups(o.source, o.contract, o.defs)) {
    const rows = await monthlyAuditCodes(w, c, o.asOf, cohort);
    const codes = [...new Set(rows.map((r) => r.code))].sort();
    for (const d of readers) codesNow.set(codesKey(d.meta.id, o.contract.list, c.column), codes);
    for (const change of codesByMonth({ known: knownCodes(c), rows, fromMonth: o.windowStart })) {
      for (const d of readers) events.push(codesChangedEvent(d.meta.id, o.source, c.column, change, cohort));
    }
  }
  return events;
}

/** source_schema_changed and source_codes_changed of an extract list: tonight's extract against the one before. */
async function extractSourceEvents(
  w: Warehouse,
  o: { source: string; contract: ListContract; defs: readonly KpiDefinition[]; asOf: string },
  compared: ComparedFiles,
  codesNow: CodesNow,
  notes: string[],
): Promise<DetectedEvent[]> {
  const groups = codeGroups(o.source, o.contract, o.defs);
  const [now, before] = compared.extracts.get(o.contract.list) ?? [];
  if (!now) {
    notes.push(`${o.source}: no extract loaded on or before ${o.asOf}`);
    return [];
  }
  // Tonight's counts serve both the codes now and the comparison below: read once.
  const countsNow = new Map<(typeof groups)[number], CodeCount[]>();
  for (const g of groups) {
    const counts = await codeCounts(w, g.coded, now.sha256, g.cohort);
    countsNow.set(g, counts);
    for (const d of g.defs) codesNow.set(codesKey(d.meta.id, o.contract.list, g.coded.column), counts.map((x) => x.code));
  }
  if (!before) {
    notes.push(`${o.source}: only one extract (${shownName(now.file_name)}) so far; its columns and codes are the reference from now on`);
    return [];
  }
  const events: DetectedEvent[] = [];
  const effectivePeriod = monthOf(now.extract_date!);
  const fNow = fileColumns(now, now.extract_date, compared.rejected);
  const fBefore = fileColumns(before, before.extract_date, compared.rejected);
  for (const d of o.defs) {
    const e = schemaChanged({ kpi: d.meta.id, source: o.source, kpiColumns: d.meta.sources[o.source] ?? [], before: fBefore, after: fNow, effectivePeriod });
    if (e) events.push(e);
  }
  for (const g of groups) {
    const { coded: c, cohort, defs: readers } = g;
    const change = codesBetweenExtracts({
      known: knownCodes(c),
      before: await codeCounts(w, c, before.sha256, cohort),
      after: countsNow.get(g)!,
      beforeLabel: `extract ${before.file_name}`,
      afterLabel: `extract ${now.file_name}`,
      effectivePeriod,
    });
    if (!change) continue;
    for (const d of readers) events.push(codesChangedEvent(d.meta.id, o.source, c.column, change, cohort));
  }
  return events;
}

/** Every event the detectors find tonight, before anything is recorded. */
export async function detectBaselineEvents(
  w: Warehouse,
  o: { asOf: string; runId: string; defs: readonly KpiDefinition[]; values: readonly ValueRow[]; baselinesConfigPath?: string },
): Promise<Detected> {
  const { asOf, defs } = o;
  const notes: string[] = [];
  const windowStart = monthOf(o.values.reduce((m, v) => (v.period_end < m ? v.period_end : m), asOf));
  const events: DetectedEvent[] = await definitionEvents(w, o);

  // Per list the catalogue reads.
  const lists = new Map<string, KpiDefinition[]>();
  for (const d of defs) for (const s of Object.keys(d.meta.sources)) lists.set(s, [...(lists.get(s) ?? []), d]);
  const codesNow: CodesNow = new Map();
  const read = [...lists].flatMap(([source, readers]) => {
    const contract = listOf(source);
    return contract ? [{ source, contract, defs: readers, asOf }] : [];
  });
  const compared = await comparedFiles(w, asOf, read.map((l) => l.contract));
  for (const list of read) {
    events.push(
      ...(list.contract.list === 'audits'
        ? await auditSourceEvents(w, { ...list, windowStart }, compared, codesNow)
        : await extractSourceEvents(w, list, compared, codesNow, notes)),
    );
  }

  // level_shift on monthly cohorts.
  const tested: string[] = [];
  for (const d of defs) {
    const r = detectKpiLevelShift(d.meta, o.values.filter((v) => v.kpi === d.meta.id), asOf);
    if (!r.tested) continue;
    tested.push(d.meta.id);
    if (r.note) notes.push(`${d.meta.id}: level shift not tested: ${r.note}`);
    if (r.event) events.push(r.event);
  }

  // manual: declared in config/baselines.json, from the night their month has come.
  const config = await readBaselinesConfig(new Set(defs.map((d) => d.meta.id)), o.baselinesConfigPath);
  for (const b of config.baselines) {
    if (b.period > monthOf(asOf)) continue;
    events.push(manualEvent({ kpi: b.kpi, period: b.period, reason: b.reason, declaredBy: b.declared_by, declaredOn: b.declared_on, file: BASELINES_CONFIG }));
  }
  return { events, tested, codesNow, notes };
}
