/**
 * What baseline detection compares for the lists the catalogue reads, decided from the contracts
 * and the KPIs' metadata alone (no IO): the coded columns a KPI reads (codes, Org Role, flags)
 * and their known values, the comparisons to make — KPIs reading one column over the same cohort
 * share one (`cohortFor`, core/baseline-detect.ts) — and the SQL fragments that count a column's
 * codes over a cohort. activities/baseline-detection.ts runs the counts; core/baseline-detect.ts
 * judges them.
 */
import { columnMeta, type ColumnMeta } from './contracts/columns.js';
import { CONTRACTS, type ListContract } from './contracts/lists.js';
import { snakeCase } from './contracts/naming.js';
import { cohortFor, foldCode, type Cohort } from './baseline-detect.js';
import type { KpiDefinition } from './kpi-definition.js';
import { quoteIdent as q } from './sql-text.js';

export interface Coded {
  contract: ListContract;
  column: string;
  meta: ColumnMeta;
}

/** The contract of a `<source>/<list>` the KPI metadata names. */
export const listOf = (source: string): ListContract | undefined => [...CONTRACTS.values()].find((c) => `${c.source}/${c.list}` === source);

/** The coded columns (codes, Org Role, flags) a KPI reads, by `<source>/<list>`. */
export function codedColumns(d: KpiDefinition): Coded[] {
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
export function knownCodes(c: Coded): string[] {
  if (c.meta.kind === 'flag') return ['Y', 'N'];
  if (c.meta.kind === 'org_role') return (c.meta.codes ?? []).map((_, i) => String(i + 1));
  return [...(c.meta.codes ?? [])];
}

/** One comparison of codes: a coded column over one cohort, and the KPIs that read it so. */
export interface CodeGroup {
  coded: Coded;
  cohort: Cohort;
  defs: KpiDefinition[];
}

/** The code comparisons a list needs: KPIs reading the same column over the same cohort share one. */
export function codeGroups(source: string, contract: ListContract, defs: readonly KpiDefinition[]): CodeGroup[] {
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

/** Tonight's codes of each coded column a KPI reads, by `<kpi>|<list>.<column>`. */
export type CodesNow = Map<string, string[]>;

export const codesKey = (kpi: string, list: string, column: string): string => `${kpi}|${list}.${column}`;

/** The codes a KPI's new baseline records (meta.baselines.source_codes): tonight's, per column it reads. */
export function sourceCodesOf(d: KpiDefinition, codesNow: CodesNow): Record<string, string[]> {
  return Object.fromEntries(codedColumns(d).map((c) => [`${c.contract.list}.${c.column}`, codesNow.get(codesKey(d.meta.id, c.contract.list, c.column)) ?? []]));
}

/** A coded column's value as text: flags as Y/N, the rest as written. */
export function codeValueSql(c: Coded): string {
  const col = q(c.column);
  return c.meta.kind === 'flag' ? `CASE WHEN ${col} THEN 'Y' WHEN NOT ${col} THEN 'N' END` : `CAST(${col} AS VARCHAR)`;
}

/**
 * A list's event date, which dates a code's first use: for audits the completion, else the
 * scheduled date; for an extract list its required date that may not be after the extract
 * (referral date, CIN start…).
 */
export function eventDateSql(contract: ListContract): string {
  if (contract.list === 'audits') return 'coalesce(completed_date, scheduled_date)';
  const header = Object.entries(contract.columns).find(([, s]) => {
    const m = columnMeta(s);
    return m.kind === 'date' && m.required && m.notAfterExtract;
  })?.[0];
  return header ? q(snakeCase(header)) : 'NULL::DATE';
}

/**
 * The row condition of a KPI's cohort (`cohortFor`): per filter column, its value after the
 * council's code mappings (ref.map_code, as the KPI SQL reads it) is one of the cohort's codes,
 * or — not blank — outside the known codes (it may be a cohort code renamed). Identifiers
 * quoted; the column names, cohort codes and known codes added to `params`, to be bound.
 */
export function cohortWhereSql(contract: ListContract, cohort: Cohort, params: Record<string, string>): string {
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
