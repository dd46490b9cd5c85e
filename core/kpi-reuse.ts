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
 * is deliberately narrow: anything else (another schema, arithmetic on `$as_of`, the clock, a
 * file read) makes the KPI ineligible, and it is computed in full. A KPI may also read a list
 * whole (`core.<list>`, every extract) and `meta.files` or `meta.extracts` (the files' extracts, a
 * workbook's sheets among them): its inputs are then every extract on
 * or before D, and every loaded file. And it may read each point's own extract,
 * `core.<list>_at(p.period_end)` (the newest on or before that point E, as care_leavers_* do):
 * E ≤ D, so that extract is one of those on or before D, and the list is keyed like one read whole.
 */
import { columnMeta } from './contracts/columns.js';
import { CONTRACTS } from './contracts/lists.js';
import { snakeCase } from './contracts/naming.js';
import type { KpiDefinition } from './kpi-definition.js';

export type Reusability =
  | {
      reusable: true;
      /** Every list it reads. */
      lists: string[];
      /** The lists it reads whole (`core.<list>`: every extract), not only tonight's extract. */
      wholeLists: string[];
      /** It reads meta.files or meta.extracts (which files were loaded, with their extract dates; a workbook's sheets follow from its bytes). */
      readsFileList: boolean;
      /** The date columns it cuts off at as-of (`<column> <= $as_of`): only their values can move a past point. */
      cutoffColumns: string[];
    }
  | { reusable: false; why: string };

/** Snake-case names of every date column in the contracts: the columns a cut-off may compare. */
const DATE_COLUMNS = new Set(
  [...CONTRACTS.values()].flatMap((c) => Object.entries(c.columns).filter(([, s]) => columnMeta(s).kind === 'date').map(([h]) => snakeCase(h))),
);

const AT_CALL = /\bcore\.([a-z0-9_]+)_at\s*\(\s*\$as_of\s*\)/g;
const PERIODS_CALL = /\bref\.kpi_periods\s*\(\s*\$as_of\s*\)/g;
/** A point's own extract: `core.<list>_at(<alias>.period_end)`, period_end from ref.kpi_periods($as_of). */
const POINT_AT_CALL = /\bcore\.([a-z0-9_]+)_at\s*\(\s*[a-z_]\w*\.period_end\s*\)/g;
const SCHEMA_REF = /\b(core|meta|kpi|raw|drill|main|temp|information_schema|pg_catalog)\s*\.\s*([a-z0-9_]+)/gi;
/** The clock, randomness, session state and files: a KPI calling any of these is never reused. */
const FORBIDDEN_CALL = /\b(read_\w+|glob|\w*current\w*|\w*timestamp\w*|localtime|now|today|random|setseed|uuid|gen_random_uuid|getvariable|current_setting|epoch\w*)\s*\(/i;
const FORBIDDEN_WORD = /\b(current_date|current_time|current_timestamp|localtime|localtimestamp)\b/i;
const OPERATOR = /[+\-*/%|]/;

/**
 * The SQL with comments blanked and string literals emptied (`'…'` → `''`), so that neither can
 * hide or fake what the checks look for. Quoted names (`"…"`) are kept and reported.
 */
export function sqlSkeleton(sql: string): { text: string; quotedNames: boolean } {
  let out = '';
  let quotedNames = false;
  for (let i = 0; i < sql.length; ) {
    const two = sql.slice(i, i + 2);
    if (two === '--') {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end;
      out += ' ';
    } else if (two === '/*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? sql.length : end + 2;
      out += ' ';
    } else if (sql[i] === "'") {
      let j = i + 1;
      while (j < sql.length && !(sql[j] === "'" && sql[j + 1] !== "'")) j += sql[j] === "'" ? 2 : 1;
      i = j + 1;
      out += "''";
    } else {
      if (sql[i] === '"') quotedNames = true;
      out += sql[i];
      i++;
    }
  }
  return { text: out, quotedNames };
}

/** If the `$as_of` at `at` (index in `sql`) is a plain cut-off `<date column> <= $as_of`, that column. */
function cutoffColumn(sql: string, at: number): string | null {
  const head = sql.slice(0, at);
  const m = /((?:[a-z_]\w*\.)?([a-z_]\w*))\s*<=\s*$/i.exec(head);
  if (!m) return null;
  const column = m[2]!.toLowerCase();
  if (!DATE_COLUMNS.has(column) && column !== 'extract_date') return null;
  const lead = head.slice(0, m.index).trimEnd().slice(-1);
  if (OPERATOR.test(lead) || lead === '.' || lead === '>') return null; // e.g. `start + role_end_date <= $as_of`
  const trail = sql.slice(at + '$as_of'.length).trimStart();
  if (trail.startsWith('::') || OPERATOR.test(trail.charAt(0))) return null; // e.g. `<= $as_of - 7`
  return column;
}

export function reusability(def: Pick<KpiDefinition, 'sql'>): Reusability {
  const { text: sql, quotedNames } = sqlSkeleton(def.sql);
  const no = (why: string): Reusability => ({ reusable: false, why });
  if (quotedNames) return no('it uses a quoted name ("…"), which these checks do not read');
  const forbidden = FORBIDDEN_CALL.exec(sql) ?? FORBIDDEN_WORD.exec(sql);
  if (forbidden) return no(`it calls ${forbidden[0].replace(/\s*\($/, '')}${forbidden[0].endsWith('(') ? '()' : ''}`);
  if (/\b(from|join)\s*''/i.test(sql)) return no('it reads a file named in a string');
  if (sql.includes('->')) return no('it uses a lambda (x -> …), whose parameters these checks do not follow');
  if (/\bover\s*\([^)]*period_/i.test(sql)) return no('a window runs across trend points, so one point depends on others');
  const aliased = new RegExp(`\\bas\\s+(${[...DATE_COLUMNS].join('|')})\\b`, 'i').exec(sql);
  if (aliased) return no(`it names a derived value ${aliased[1]}, like a date column`);
  const lists = new Set<string>();
  for (const m of sql.matchAll(AT_CALL)) lists.add(m[1]!);
  for (const l of lists) if (!CONTRACTS.has(l)) return no(`core.${l}_at is not a list of the contracts`);
  // A point's own extract is one of those on or before as-of: keyed as the list read whole. Only
  // while period_end is the trend point's own (nothing else is named period_end).
  const wholeLists = new Set<string>();
  for (const m of sql.matchAll(POINT_AT_CALL)) {
    if (!CONTRACTS.has(m[1]!)) return no(`core.${m[1]}_at is not a list of the contracts`);
    if (/\bas\s+period_end\b/i.test(sql)) return no('it names a derived value period_end, which a point’s own extract is read at');
    if (sql.search(PERIODS_CALL) < 0) return no('it reads a point’s own extract without ref.kpi_periods($as_of)');
    wholeLists.add(m[1]!);
  }
  // Every other schema-qualified name must be a list read whole (`core.<list>`: its key is then
  // every extract on or before as-of) or meta.files / meta.extracts; ref.* is reference data and macros.
  const rest = sql.replace(AT_CALL, ' ').replace(POINT_AT_CALL, ' ').replace(PERIODS_CALL, ' ');
  let readsFileList = false;
  for (const m of rest.matchAll(SCHEMA_REF)) {
    const [schema, name] = [m[1]!.toLowerCase(), m[2]!.toLowerCase()];
    if (schema === 'core' && CONTRACTS.has(name)) wholeLists.add(name);
    else if (schema === 'meta' && (name === 'files' || name === 'extracts')) readsFileList = true;
    else return no(`it reads ${m[1]}.${m[2]} (only core.<list>_at($as_of), core.<list>, meta.files and meta.extracts can be keyed)`);
  }
  for (const l of wholeLists) lists.add(l);
  const cutoffs = new Set<string>();
  for (const m of rest.matchAll(/\$as_of\b/g)) {
    const column = cutoffColumn(rest, m.index);
    if (!column) {
      const around = rest.slice(Math.max(0, m.index - 40), m.index + 12).replace(/\s+/g, ' ').trim();
      return no(`it uses $as_of other than as a cut-off on a date column: "${around}"`);
    }
    if (column !== 'extract_date') cutoffs.add(column);
  }
  if (lists.size === 0) return no('it reads no list through core.<list>_at($as_of)');
  return { reusable: true, lists: [...lists].sort(), wholeLists: [...wholeLists].sort(), readsFileList, cutoffColumns: [...cutoffs].sort() };
}

/**
 * The lists a KPI reads at each trend point's own extract (`core.<list>_at(p.period_end)`): every
 * extract that is the newest on or before some point feeds its figures, not only tonight's.
 */
export function pointExtractLists(def: Pick<KpiDefinition, 'sql'>): string[] {
  const { text } = sqlSkeleton(def.sql);
  return [...new Set([...text.matchAll(POINT_AT_CALL)].map((m) => m[1]!))].filter((l) => CONTRACTS.has(l)).sort();
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
