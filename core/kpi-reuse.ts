/**
 * When may a night reuse a KPI's figures from an earlier night instead of computing them again?
 * (activities/kpi-reuse.ts does the reusing.) A point E of a run as of D is a function of the
 * rows the KPI reads, E, and D. Most KPIs read D in two ways only: which extract is tonight's
 * (`core.<list>_at($as_of)`, `ref.kpi_periods($as_of)`), and as a cut-off that leaves out facts
 * dated after D (`<date column> <= $as_of`). For such a KPI, a run as of D1 and a run as of a
 * later D2 that read the same files agree on every point E ≤ D1 unless a fact in those files is
 * dated after D1 and on or before D2 — which the night checks in the data.
 *
 * This module decides, from the SQL text alone, whether a KPI reads D only in those ways. It
 * is deliberately narrow: anything else (another schema, a list read without `_at`, arithmetic
 * on `$as_of`, the clock, a file read) makes the KPI ineligible, and it is computed in full.
 */
import { columnMeta } from './contracts/columns.js';
import { CONTRACTS } from './contracts/lists.js';
import { snakeCase } from './contracts/naming.js';
import type { KpiDefinition } from './kpi-definition.js';

export type Reusability = { reusable: true; lists: string[] } | { reusable: false; why: string };

/** Snake-case names of every date column in the contracts: the columns a cut-off may compare. */
const DATE_COLUMNS = new Set(
  [...CONTRACTS.values()].flatMap((c) => Object.entries(c.columns).filter(([, s]) => columnMeta(s).kind === 'date').map(([h]) => snakeCase(h))),
);

const AT_CALL = /\bcore\.([a-z_]+)_at\s*\(\s*\$as_of\s*\)/g;
const PERIODS_CALL = /\bref\.kpi_periods\s*\(\s*\$as_of\s*\)/g;
const SCHEMA_REF = /\b(core|meta|kpi|raw|drill|main|temp|information_schema|pg_catalog)\s*\.\s*([a-z_]+)/gi;
const FORBIDDEN = /\b(read_[a-z_]+|glob|now|current_date|current_timestamp|today|get_current_time|getvariable|random|uuid|gen_random_uuid)\s*\(|\bcurrent_date\b|\bcurrent_timestamp\b/i;
const OPERATOR = /[+\-*/%|]/;

/** Strips `--` and block comments (metadata included), so words in them do not count. */
function withoutComments(sql: string): string {
  return sql.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/--[^\n]*/g, ' ');
}

/** Is the `$as_of` at `at` (index in `sql`) a plain cut-off `<date column> <= $as_of`? */
function isCutoff(sql: string, at: number): boolean {
  const head = sql.slice(0, at);
  const m = /((?:[a-z_]\w*\.)?([a-z_]\w*))\s*<=\s*$/i.exec(head);
  if (!m) return false;
  const column = m[2]!.toLowerCase();
  if (!DATE_COLUMNS.has(column) && column !== 'extract_date') return false;
  const lead = head.slice(0, m.index).trimEnd().slice(-1);
  if (OPERATOR.test(lead) || lead === '.') return false; // e.g. `start + role_end_date <= $as_of`
  const trail = sql.slice(at + '$as_of'.length).trimStart();
  if (trail.startsWith('::') || OPERATOR.test(trail.charAt(0))) return false; // e.g. `<= $as_of - 7`
  return true;
}

export function reusability(def: Pick<KpiDefinition, 'sql'>): Reusability {
  const sql = withoutComments(def.sql);
  const forbidden = FORBIDDEN.exec(sql);
  if (forbidden) return { reusable: false, why: `it calls ${forbidden[0].replace(/\s*\($/, '')}()` };
  const lists = new Set<string>();
  for (const m of sql.matchAll(AT_CALL)) lists.add(m[1]!);
  for (const l of lists) if (!CONTRACTS.has(l)) return { reusable: false, why: `core.${l}_at is not a list of the contracts` };
  // Every schema-qualified name must be a `core.<list>_at($as_of)` call (ref.* is reference data and macros).
  const rest = sql.replace(AT_CALL, ' ').replace(PERIODS_CALL, ' ');
  const other = SCHEMA_REF.exec(rest);
  SCHEMA_REF.lastIndex = 0;
  if (other) return { reusable: false, why: `it reads ${other[1]}.${other[2]} (not through core.<list>_at($as_of))` };
  for (const m of rest.matchAll(/\$as_of\b/g)) {
    if (!isCutoff(rest, m.index)) {
      const around = rest.slice(Math.max(0, m.index - 40), m.index + 12).replace(/\s+/g, ' ').trim();
      return { reusable: false, why: `it uses $as_of other than as a cut-off on a date column: "${around}"` };
    }
  }
  if (lists.size === 0) return { reusable: false, why: 'it reads no list through core.<list>_at($as_of)' };
  return { reusable: true, lists: [...lists].sort() };
}

/**
 * The date columns of a list that can hold a date after the file's extract date (the loader
 * rejects such dates in the others, so they can never fall after an earlier as-of date). All of
 * an audit workbook's dates: it has no extract date.
 */
export function datesThatCanBeLater(list: string): string[] {
  const contract = CONTRACTS.get(list);
  if (!contract) throw new Error(`unknown list ${list}`);
  return Object.entries(contract.columns)
    .filter(([, s]) => {
      const m = columnMeta(s);
      return m.kind === 'date' && (contract.source === 'audits' || !m.notAfterExtract);
    })
    .map(([h]) => snakeCase(h));
}
