/**
 * When may a night reuse a KPI's figures from an earlier night instead of computing them again?
 * (activities/kpi-reuse.ts does the reusing.) A point E of a run as of D is a function of the
 * rows the KPI reads, E, and D. Most KPIs read D in two ways only: which extract is tonight's
 * (`core.<list>_at($as_of)`, `ref.kpi_periods($as_of, $points_after)`), and as a cut-off that
 * leaves out facts dated after D (`<date column> <= $as_of`). For such a KPI, a run as of D1 and
 * a run as of a later D2 that read the same files agree on every point E ≤ D1 unless a fact in
 * those files is dated after D1 and on or before D2 — which the night checks in the data.
 *
 * The KPI's author says what its SQL reads, in its metadata (`reuse`, {@link reuseDeclaration}),
 * through the shared macros it calls included; nothing here reads the SQL. The declaration is
 * policed by test/kpi-reuse-declarations.test.ts: for every list and every date column that may
 * post-date its extract, a night that reuses must get exactly the figures of a night that
 * computes everything, for every KPI — a cut-off column or a list left out of a declaration makes
 * it fail.
 */
import { z } from 'zod';
import { columnMeta } from './contracts/columns.js';
import { CONTRACTS } from './contracts/lists.js';
import { snakeCase } from './contracts/naming.js';

const snake = z.string().regex(/^[a-z0-9_]+$/);

/**
 * What a KPI's SQL reads (with the macros it calls), so that its past points can be reused:
 * - `lists_at_as_of`: lists read only at tonight's extract, `core.<list>_at($as_of)` (audits:
 *   `core.audits_at($as_of)`, every audit workbook in the folder);
 * - `lists_whole`: lists read whole, `core.<list>` (every extract dated on or before as-of);
 * - `point_extract_lists`: lists read at each trend point's own extract,
 *   `core.<list>_at(p.period_end)` (the newest on or before E; keyed like a list read whole);
 * - `reads_file_list`: it reads `meta.files` or `meta.extracts` (which files were loaded);
 * - `cutoff_columns`: every date column it compares with as-of as a plain cut-off
 *   (`<column> <= $as_of`): only values of these, dated after one night and on or before the
 *   next, can move a past point.
 * Anything else that reads as-of (arithmetic on it, another schema, the clock) cannot be reused:
 * declare `{ "never": "<why>" }` instead. A KPI with no declaration is computed in full every night.
 */
export const reuseDeclaration = z.union([
  z
    .object({
      never: z.string().trim().min(1),
      /** Still needed by publishing (which extracts feed the figures), reused or not. */
      point_extract_lists: z.array(snake).default([]),
    })
    .strict(),
  z
    .object({
      lists_at_as_of: z.array(snake),
      lists_whole: z.array(snake),
      point_extract_lists: z.array(snake),
      reads_file_list: z.boolean(),
      cutoff_columns: z.array(snake),
    })
    .strict(),
]);

export type ReuseDeclaration = z.infer<typeof reuseDeclaration>;

export type Reusability =
  | {
      reusable: true;
      /** Every list it reads. */
      lists: string[];
      /** The lists it reads whole or at each point's own extract (every extract on or before as-of), not only tonight's extract. */
      wholeLists: string[];
      /** It reads meta.files or meta.extracts (which files were loaded, with their extract dates; a workbook's sheets follow from its bytes). */
      readsFileList: boolean;
      /** The date columns it cuts off at as-of (`<column> <= $as_of`): only their values can move a past point. */
      cutoffColumns: string[];
    }
  | { reusable: false; why: string };

const sorted = (xs: Iterable<string>): string[] => [...new Set(xs)].sort();

/** The KPI's declared reading, as the night uses it. */
export function reusability(def: { meta: { reuse?: ReuseDeclaration } }): Reusability {
  const r = def.meta.reuse;
  if (!r) return { reusable: false, why: 'its metadata declares no reuse (what its SQL reads), so every point is computed each night' };
  if ('never' in r) return { reusable: false, why: r.never };
  return {
    reusable: true,
    lists: sorted([...r.lists_at_as_of, ...r.lists_whole, ...r.point_extract_lists]),
    wholeLists: sorted([...r.lists_whole, ...r.point_extract_lists]),
    readsFileList: r.reads_file_list,
    cutoffColumns: sorted(r.cutoff_columns),
  };
}

/**
 * The lists a KPI reads at each trend point's own extract (`core.<list>_at(p.period_end)`): every
 * extract that is the newest on or before some point feeds its figures, not only tonight's.
 */
export function pointExtractLists(def: { meta: { reuse?: ReuseDeclaration } }): string[] {
  return sorted(def.meta.reuse?.point_extract_lists ?? []);
}

/**
 * Checks a declaration against the KPI's `sources` (`<source>/<list>` → columns read): every list
 * it names is a source of the KPI and every source is named; each cut-off column is a date column
 * the KPI reads. (Whether the SQL reads what is declared is the reuse test's job.)
 */
export function checkReuseDeclaration(file: string, sources: Readonly<Record<string, readonly string[]>>, r: ReuseDeclaration | undefined): string[] {
  if (!r) return [];
  const errors: string[] = [];
  const read = new Map(Object.entries(sources).map(([key, columns]) => [key.replace(/^.*\//, ''), columns]));
  const named = 'never' in r ? r.point_extract_lists : [...r.lists_at_as_of, ...r.lists_whole, ...r.point_extract_lists];
  for (const list of new Set(named)) {
    if (!CONTRACTS.has(list)) errors.push(`${file}: metadata reuse: "${list}" is not a list of the contracts`);
    else if (!read.has(list)) errors.push(`${file}: metadata reuse: "${list}" is not one of the KPI's sources`);
  }
  if ('never' in r) return errors;
  for (const list of read.keys()) {
    if (!named.includes(list)) errors.push(`${file}: metadata reuse: the KPI reads ${list} (sources) but reuse does not say how (lists_at_as_of, lists_whole or point_extract_lists)`);
  }
  for (const column of r.cutoff_columns) {
    const lists = [...read].filter(([, columns]) => columns.includes(column)).map(([list]) => list);
    const isDate = lists.some((list) => {
      const contract = CONTRACTS.get(list);
      const header = contract && Object.keys(contract.columns).find((h) => snakeCase(h) === column);
      return header !== undefined && columnMeta(contract!.columns[header]!).kind === 'date';
    });
    if (!isDate) errors.push(`${file}: metadata reuse: cutoff column "${column}" is not a date column the KPI reads (sources)`);
  }
  return errors;
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
