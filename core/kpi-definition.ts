/**
 * A KPI definition: one SQL file under sql/kpi/ whose leading block comment holds its metadata as
 * JSON, the shared macros its SQL calls (core/kpi-macros.ts: sql/cohort/, sql/meta/macros.sql, …),
 * plus the council's code mappings for the coded columns it reads (config/code-mappings.json).
 *
 * Definition version: the sha256 of the whole file (SQL and metadata), followed, when it calls
 * shared macros, by each one's statement (transitively: the macros those call too), and, when a
 * code mapping touches a column the KPI reads, by the canonical JSON of those mappings. Any edit
 * of the file or of a macro it calls, or adding/removing a mapping for a column it reads, is a
 * definition change; a macro it does not call, or a mapping for another column, leaves it alone.
 *
 * Optional `filters` name the KPI's cohort per source (coded column → known codes), for the
 * baseline detector's code comparison (docs/baselines.md); they are part of the file, so part of
 * the version, and are checked against the contracts like `sources`.
 *
 * Parsing returns errors rather than throwing, so one bad file is reported, not fatal. Pure: the
 * files are read by activities/kpi-files.ts.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { columnMeta } from './contracts/columns.js';
import { CONTRACTS } from './contracts/lists.js';
import { snakeCase } from './contracts/naming.js';
import { BASES } from './headline.js';
import { macrosCalled, macroText, type MacroRegistry } from './kpi-macros.js';
import { checkReuseDeclaration, reuseDeclaration } from './kpi-reuse.js';
import { sqlSkeleton } from './sql-skeleton.js';

export const kpiMeta = z.object({
  id: z.string().regex(/^[a-z0-9_]+$/),
  title: z.string(),
  unit: z.enum(['percent', 'weeks', 'count', 'ratio', 'children per FTE']),
  /** percentage | average | ratio | count: decides what numerator and denominator mean. */
  measure: z.enum(['percentage', 'average', 'ratio', 'count']),
  polarity: z.enum(['higher', 'lower']),
  target: z.number().nullable(),
  /** The amber bound: with polarity higher, amber when value ≥ amber; lower, when value ≤ amber. */
  amber: z.number().nullable(),
  /** How the amber bound compares: the spec says e.g. "green ≤ 26, amber < 30" (strict). */
  amber_strict: z.boolean().default(false),
  /**
   * What a point's figure is a cohort or state of (spec: kpis.md "Headline figure, provisional
   * points, freshness"): `month`, the month ending E (period_start the 1st of E's month);
   * `at_date`, a state at E (period_start = E); `trailing_12_months`, the 12 months ending E
   * (period_start the day after E − 12 months). It decides the headline period (core/headline.ts).
   */
  basis: z.enum(BASES),
  /** `<source>/<list>` (as in metrics.json data_quality) → the warehouse columns the KPI reads. */
  sources: z.record(z.string(), z.array(z.string())),
  /**
   * Optional cohort filter per `<source>/<list>`: coded column → the known codes of the rows the
   * KPI counts, e.g. `{"audits/audits": {"audit_type": ["Assessment"]}}`. Read by the baseline
   * detector only (source_codes_changed compares a column's codes over the KPI's own rows; see
   * docs/baselines.md): the SQL still does the filtering. The column must be one the KPI reads
   * (in `sources`) and a coded column whose codes are known; the values must be known codes.
   */
  filters: z.record(z.string(), z.record(z.string(), z.array(z.string().trim().min(1)).min(1))).optional(),
  /**
   * What the figure tells a councillor, in a sentence or two of plain English: no period
   * algebra ("month ending E"), no column names, no choices. The committee report shows it under
   * each measure; `definition` (precise, for analysts) goes to its appendix and the dictionary.
   */
  summary: z.string().trim().min(1),
  definition: z.string(),
  /**
   * What the SQL (with the macros it calls) reads, so that a night may copy past points from an
   * earlier one (core/kpi-reuse.ts); absent, every point is computed each night.
   */
  reuse: reuseDeclaration.optional(),
});

export type KpiMeta = z.infer<typeof kpiMeta>;

export interface KpiDefinition {
  meta: KpiMeta;
  /** The SQL after the metadata block (one SELECT, `$as_of` bound). */
  sql: string;
  /** The whole file text, metadata included. */
  text: string;
  /** The shared macros the SQL calls, directly or through others (`<schema>.<name>`), sorted. */
  macros: string[];
  /** Their statements as the version hashes them (core/kpi-macros.ts); empty when it calls none. */
  macroText: string;
  /** `sha256:<hex>`: see the module comment. */
  version: string;
  file: string;
}

const HEADER = /^\s*\/\*---\s*([\s\S]*?)\s*---\*\//;

const sha256 = (s: string) => `sha256:${createHash('sha256').update(s).digest('hex')}`;

/** Checks that every `<source>/<list>` and column the metadata names exists in the contracts. */
function checkSources(file: string, meta: KpiMeta): string[] {
  const errors: string[] = [];
  for (const [key, columns] of Object.entries(meta.sources)) {
    const contract = [...CONTRACTS.values()].find((c) => `${c.source}/${c.list}` === key);
    if (!contract) {
      errors.push(`${file}: metadata sources: "${key}" is not a <source>/<list> of the contracts`);
      continue;
    }
    const known = new Set(Object.keys(contract.columns).map(snakeCase));
    for (const c of columns) if (!known.has(c)) errors.push(`${file}: metadata sources: ${key} has no column "${c}"`);
  }
  for (const [key, filter] of Object.entries(meta.filters ?? {})) {
    const read = meta.sources[key];
    if (!read) {
      errors.push(`${file}: metadata filters: "${key}" is not one of the KPI's sources`);
      continue;
    }
    const contract = [...CONTRACTS.values()].find((c) => `${c.source}/${c.list}` === key)!;
    for (const [column, values] of Object.entries(filter)) {
      const header = Object.keys(contract.columns).find((h) => snakeCase(h) === column);
      const m = header === undefined ? undefined : columnMeta(contract.columns[header]!);
      if (!read.includes(column)) {
        errors.push(`${file}: metadata filters: ${key} column "${column}" is not among the columns the KPI reads (sources)`);
      } else if (!m || m.kind !== 'code' || !m.codes) {
        errors.push(`${file}: metadata filters: ${key} column "${column}" is not a coded column with known codes`);
      } else {
        for (const v of values) {
          if (!m.codes.some((c) => c.toLowerCase() === v.toLowerCase())) {
            errors.push(`${file}: metadata filters: "${v}" is not a known ${column} (${m.codes.join(', ')})`);
          }
        }
      }
    }
  }
  return errors;
}

/**
 * Every column the SQL maps codes of (`ref.map_code('<column>', …)`, in the KPI file or a shared
 * macro it calls) must be one the metadata says the KPI reads: the definition version takes in
 * the mappings of exactly those columns.
 */
function checkMappedColumns(file: string, meta: KpiMeta, sql: string): string[] {
  const read = new Set(Object.values(meta.sources).flat());
  return [...sql.matchAll(/\bref\.map_code\s*\(\s*'([^']*)'/g)]
    .map((x) => x[1]!)
    .filter((c) => !read.has(c))
    .map((c) => `${file}: the SQL maps codes of "${c}" (ref.map_code) but metadata sources does not list that column, so its mappings would not be part of the definition version`);
}

/**
 * A KPI that declares reuse must be able to compute only the points after a date: each of its
 * `ref.kpi_periods(…)` calls passes `$points_after` (NULL on a night computing every point).
 */
function checkPointsAfter(file: string, meta: KpiMeta, sql: string): string[] {
  if (!meta.reuse || 'never' in meta.reuse) return [];
  const skeleton = sqlSkeleton(sql).text;
  const errors: string[] = [];
  for (const m of skeleton.matchAll(/\bref\s*\.\s*kpi_periods\s*\(/gi)) {
    let depth = 1;
    let i = m.index + m[0].length;
    for (; i < skeleton.length && depth > 0; i++) depth += skeleton[i] === '(' ? 1 : skeleton[i] === ')' ? -1 : 0;
    if (!/\$points_after\b/.test(skeleton.slice(m.index + m[0].length, i))) {
      errors.push(`${file}: ref.kpi_periods is called without $points_after (write ref.kpi_periods($as_of, $points_after)): a KPI that declares reuse computes only the points an earlier night could not give`);
    }
  }
  return errors;
}

/**
 * Parses one KPI file. `macros`: the shared macros its version takes in (core/kpi-macros.ts);
 * without them the version is the file's alone, as for a KPI that calls none.
 */
export function parseKpiFile(file: string, text: string, macros?: MacroRegistry): { value?: KpiDefinition; errors: string[] } {
  const m = HEADER.exec(text);
  if (!m) return { errors: [`${file}: no /*--- {metadata} ---*/ header block`] };
  let json: unknown;
  try {
    json = JSON.parse(m[1]!);
  } catch (e) {
    return { errors: [`${file}: metadata is not valid JSON: ${(e as Error).message}`] };
  }
  const meta = kpiMeta.safeParse(json);
  if (!meta.success) return { errors: meta.error.issues.map((i) => `${file}: metadata ${i.path.join('.')}: ${i.message}`) };
  const expected = file.replace(/^.*\//, '').replace(/\.sql$/, '');
  if (meta.data.id !== expected) return { errors: [`${file}: id "${meta.data.id}" must match the file name "${expected}"`] };
  const sql = text.slice(m[0].length);
  const called = macros ? macrosCalled(sql, macros) : [];
  const shared = macros ? macroText(called, macros) : '';
  const sourceErrors = [
    ...checkSources(file, meta.data),
    ...checkMappedColumns(file, meta.data, `${sql}\n${shared}`),
    ...checkReuseDeclaration(file, meta.data.sources, meta.data.reuse),
    ...checkPointsAfter(file, meta.data, sql),
  ];
  if (sourceErrors.length > 0) return { errors: sourceErrors };
  return { value: { meta: meta.data, sql, text, macros: called, macroText: shared, version: definitionVersion(text, meta.data, [], shared), file }, errors: [] };
}

// ---------------------------------------------------------------------------------------------
// Code mappings (spec: kpis.md "Baselines"): the council's own translation of a new code to a
// known one, e.g. grade "Requires Improvement to be Good" → "Requires Improvement".

export const codeMappingsFile = z
  .object({
    version: z.number().int().positive(),
    mappings: z.array(
      z
        .object({
          /** Warehouse column name (snake_case), e.g. `grade`, `audit_type`, `case_status`. */
          column: z.string().regex(/^[a-z0-9_]+$/),
          from: z.string().trim().min(1),
          to: z.string().trim().min(1),
        })
        .strict(),
    ),
  })
  .strict();

export interface CodeMapping {
  column: string;
  from: string;
  /** Always the known code's canonical spelling. */
  to: string;
}

/** Coded columns a mapping may name (non-strict codes: unknown values are kept, not rejected) → known codes. */
export function mappableColumns(): Map<string, readonly string[]> {
  const out = new Map<string, readonly string[]>();
  for (const c of CONTRACTS.values()) {
    for (const [header, schema] of Object.entries(c.columns)) {
      const m = columnMeta(schema);
      if (m.kind === 'code' && m.codes && !m.codesAreStrict) out.set(snakeCase(header), m.codes);
    }
  }
  return out;
}

/**
 * Validates a parsed code-mappings file: the column must be a coded column, `to` a known code of
 * it (spelled canonically in the result), `from` not already a known code, and no `from` mapped
 * twice (compared case-insensitively, as codes are).
 */
export function checkCodeMappings(json: unknown, source = 'config/code-mappings.json'): { value?: CodeMapping[]; errors: string[] } {
  const parsed = codeMappingsFile.safeParse(json);
  if (!parsed.success) return { errors: parsed.error.issues.map((i) => `${source}: ${i.path.join('.')}: ${i.message}`) };
  const columns = mappableColumns();
  const errors: string[] = [];
  const seen = new Set<string>();
  const value: CodeMapping[] = [];
  parsed.data.mappings.forEach((m, i) => {
    const where = `${source}: mappings[${i}]`;
    const codes = columns.get(m.column);
    if (!codes) {
      errors.push(`${where}: "${m.column}" is not a coded column that can be mapped (one of: ${[...columns.keys()].join(', ')})`);
      return;
    }
    const to = codes.find((c) => c.toLowerCase() === m.to.toLowerCase());
    if (!to) errors.push(`${where}: "to" must be a known ${m.column} (${codes.join(', ')}), not "${m.to}"`);
    if (codes.some((c) => c.toLowerCase() === m.from.toLowerCase())) errors.push(`${where}: "${m.from}" is already a known ${m.column}; it cannot be remapped`);
    const key = `${m.column}\u0000${m.from.toLowerCase()}`;
    if (seen.has(key)) errors.push(`${where}: "${m.from}" is mapped twice for ${m.column}`);
    seen.add(key);
    if (to) value.push({ column: m.column, from: m.from, to });
  });
  return errors.length > 0 ? { errors } : { value, errors };
}

/** The columns a KPI reads, across all its sources. */
export function columnsRead(meta: KpiMeta): Set<string> {
  return new Set(Object.values(meta.sources).flat());
}

/** The mappings that are part of a KPI's definition, in canonical order. */
export function mappingsFor(meta: KpiMeta, mappings: readonly CodeMapping[]): CodeMapping[] {
  const read = columnsRead(meta);
  const key = (m: CodeMapping) => `${m.column}\u0000${m.from.toLowerCase()}\u0000${m.from}`;
  return mappings.filter((m) => read.has(m.column)).sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/**
 * The definition version of a KPI file under a set of code mappings, with the text of the shared
 * macros it calls (core/kpi-macros.ts `macroText`; empty: it calls none). See the module comment.
 */
export function definitionVersion(text: string, meta: KpiMeta, mappings: readonly CodeMapping[], macros = ''): string {
  const withMacros = macros === '' ? text : `${text}\n-- shared macros\n${macros}`;
  const mine = mappingsFor(meta, mappings);
  if (mine.length === 0) return sha256(withMacros);
  const canonical = JSON.stringify(mine.map((m) => ({ column: m.column, from: m.from, to: m.to })));
  return sha256(`${withMacros}\n${canonical}`);
}

/** The definition with its version under the given mappings. */
export function withMappings(d: KpiDefinition, mappings: readonly CodeMapping[]): KpiDefinition {
  return { ...d, version: definitionVersion(d.text, d.meta, mappings, d.macroText) };
}
