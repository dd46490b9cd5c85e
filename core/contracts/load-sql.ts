/**
 * Turns a list contract into the SQL that types and checks staged text rows. DuckDB does the
 * per-row work (fast: no row crosses into JavaScript); the contract decides what is checked.
 * Only contract constants are written into the SQL text; file values stay in the table and the
 * extract date is the bound parameter `$extract_date`.
 */
import type { ListContract } from './lists.js';
import { columnMeta, ORG_ROLES, type ColumnMeta } from './columns.js';
import { snakeCase } from './naming.js';
import { quoteIdent as q, sqlLiteral as lit } from '../sql-text.js';

/**
 * The lettered Annex A prefix of a coded value (`c) Child in need plan`, `a) Yes`): one letter
 * and a closing bracket. A code that leads with the code itself (`F1: Full time in higher
 * education`) has none.
 */
const LETTER_PREFIX = String.raw`^\s*[A-Za-z]\)\s*`;

/**
 * The value without its lettered prefix, as written in the rule (the regex). The prefix needs a
 * ')': without one the regex cannot match, so it is not run (same result, cheaper). KPI SQL calls
 * this form through `ref.without_letter_prefix` (its text is part of those KPIs' definition
 * versions); the loader uses `withoutLetterPrefixFast`, which gives the same value.
 */
export function withoutLetterPrefix(x: string): string {
  return `CASE WHEN contains(${x}, ')') THEN regexp_replace(${x}, ${lit(LETTER_PREFIX)}, '') ELSE ${x} END`;
}

/**
 * The usual lettered prefix, as a GLOB: a letter, ')', one space, then a character RE2's `\s`
 * does not match (it matches tab, line feed, form feed, carriage return and space only).
 */
const USUAL_LETTER_PREFIX = '[A-Za-z]) [!\t\n\f\r ]*';

/**
 * `withoutLetterPrefix`, computed cheaply for the usual shape: a letter, ')', one space, then
 * anything but whitespace (`a) Male`) is the value from its fourth character, which is what the
 * regex leaves; any other value with a ')' goes through the regex. The regex costs about twice
 * the GLOB and substring on every coded Annex A cell (test/load-sql-forms.test.ts checks the
 * two forms agree).
 */
export function withoutLetterPrefixFast(x: string): string {
  return `CASE WHEN NOT contains(${x}, ')') THEN ${x}
    WHEN ${x} GLOB ${lit(USUAL_LETTER_PREFIX)} THEN substr(${x}, 4)
    ELSE regexp_replace(${x}, ${lit(LETTER_PREFIX)}, '') END`;
}

/** `ref.without_letter_prefix(x)`: the same rule for KPI SQL that reads a text column holding codes (created by migrate). */
export function letterPrefixMacroSql(): string {
  return `CREATE OR REPLACE MACRO ref.without_letter_prefix(x) AS ${withoutLetterPrefix('x')}`;
}

export interface ColumnSql {
  header: string;
  name: string;
  meta: ColumnMeta;
  /** The trimmed text, NULL when blank: an expression over the staged column. */
  raw: string;
  /** The typed value: an expression over `raw(name)` (the column of the trimmed-text layer). */
  typed: string;
  /** Problem checks over the typed layer, where `name` is the typed value and `rawRef(name)` the text. */
  problems: Problem[];
}

interface Problem {
  /** True when the row breaks the rule (never NULL). */
  cond: string;
  struct: string;
}

/** The column of the trimmed-text layer that holds a contract column's text. */
export function rawRef(name: string): string {
  return q(`${name}$raw`);
}

function problem(cond: string, header: string, raw: string, reason: string): Problem {
  return { cond: `coalesce(${cond}, false)`, struct: `CASE WHEN ${cond} THEN {'column': ${lit(header)}, 'value': ${raw}, 'reason': ${reason}} END` };
}

function canonicalCode(x: string, codes: readonly string[]): string {
  const whens = codes.map((c) => `WHEN ${lit(c.toLowerCase())} THEN ${lit(c)}`).join(' ');
  return `CASE lower(${x}) ${whens} ELSE ${x} END`;
}

/**
 * `dd/mm/yyyy` (one or two digit day and month) or `yyyy-mm-dd`; never `mm/dd/yyyy`, never a
 * two-digit year. As a rule: the value fully matches `[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}` or
 * `[0-9]{4}-[0-9]{2}-[0-9]{2}` and is a real date. Computed with GLOB patterns, cheaper than the
 * regexes on every date cell: first the two usual shapes exactly (`01/02/2015`, `2015-02-01`),
 * then any other value that starts with a digit and ends with '/' and four digits, which
 * `strptime('%d/%m/%Y')` takes only where the first regex matches (alone it also takes
 * surrounding whitespace and a year of one to three digits). test/load-sql-forms.test.ts checks
 * this form against the regexes.
 */
export function dateSql(x: string): string {
  const d = '[0-9]';
  return `CASE WHEN ${x} GLOB '${d}${d}/${d}${d}/${d}${d}${d}${d}' THEN try_strptime(${x}, '%d/%m/%Y')
    WHEN ${x} GLOB '${d}${d}${d}${d}-${d}${d}-${d}${d}' THEN try_strptime(${x}, '%Y-%m-%d')
    WHEN ${x} GLOB '${d}*/${d}${d}${d}${d}' THEN try_strptime(${x}, '%d/%m/%Y') END::DATE`;
}

/**
 * `trim(x)`, which strips Unicode space separators (category Zs) from both ends, called only
 * where it can change something: a value that starts or ends with an ASCII space, or holds any
 * non-ASCII character (more bytes than characters; every Zs but the space is non-ASCII). Most
 * cells are neither, and skipping the call makes the trimmed-text layer about a third cheaper.
 * The space tests are LIKE patterns, which DuckDB runs as byte prefix and suffix compares: about
 * a third of the cost of starts_with and ends_with here.
 */
export function trimmed(x: string): string {
  return `CASE WHEN ${x} LIKE ' %' OR ${x} LIKE '% ' OR strlen(${x}) <> length(${x}) THEN trim(${x}) ELSE ${x} END`;
}

/** The typed value and the problem checks of one column. */
export function columnSql(header: string, schema: Parameters<typeof columnMeta>[0], present: boolean): ColumnSql {
  const meta = columnMeta(schema);
  const name = snakeCase(header);
  const rawExpr = present ? `nullif(${trimmed(q(name))}, '')` : 'NULL::VARCHAR';
  const raw = rawRef(name);
  const v = q(name);
  const problems: Problem[] = [];
  let typed: string;
  if (meta.required) problems.push(problem(`${raw} IS NULL`, header, raw, lit(`${header} is blank but required`)));
  switch (meta.kind) {
    case 'text':
      typed = raw;
      break;
    case 'date': {
      typed = dateSql(raw);
      problems.push(
        problem(`${raw} IS NOT NULL AND ${v} IS NULL`, header, raw, lit(`${header} is not a real date; write it as dd/mm/yyyy or yyyy-mm-dd`)),
      );
      if (meta.notAfterExtract) {
        problems.push(
          problem(
            `${v} > $extract_date::DATE`,
            header,
            raw,
            `${lit(`${header} is after the file's extract date `)} || strftime($extract_date::DATE, '%d/%m/%Y') || ${lit('; check the date or the file name')}`,
          ),
        );
      }
      break;
    }
    case 'flag': {
      // Annex A writes its flags as coded values too (`a) Yes`, `b) No`): the lettered prefix is dropped, as for codes.
      typed = `CASE upper(${withoutLetterPrefixFast(raw)}) WHEN 'Y' THEN true WHEN 'YES' THEN true WHEN 'N' THEN false WHEN 'NO' THEN false END`;
      problems.push(problem(`${raw} IS NOT NULL AND ${v} IS NULL`, header, raw, lit(`${header} must be Y or N (Yes/No)`)));
      break;
    }
    case 'code': {
      typed = canonicalCode(withoutLetterPrefixFast(raw), meta.codes ?? []);
      if (meta.codesAreStrict) {
        const known = (meta.codes ?? []).map((c) => lit(c)).join(', ');
        problems.push(
          problem(`${raw} IS NOT NULL AND ${v} NOT IN (${known})`, header, raw, lit(`${header} is not one of: ${(meta.codes ?? []).join(', ')}`)),
        );
      }
      break;
    }
    case 'count':
      typed = `CASE WHEN regexp_full_match(${raw}, '[0-9]+') THEN TRY_CAST(${raw} AS INTEGER) END`;
      problems.push(problem(`${raw} IS NOT NULL AND ${v} IS NULL`, header, raw, lit(`${header} must be a whole number of 0 or more (or blank if unknown)`)));
      break;
    case 'fte':
      typed = `CASE WHEN regexp_full_match(${raw}, '[0-9]*\\.?[0-9]+') AND TRY_CAST(${raw} AS DOUBLE) > 0 AND TRY_CAST(${raw} AS DOUBLE) <= 1.5 THEN TRY_CAST(${raw} AS DECIMAL(18,12)) END`;
      problems.push(problem(`${raw} IS NOT NULL AND ${v} IS NULL`, header, raw, lit(`${header} must be a number above 0 and at most 1.5`)));
      break;
    case 'org_role': {
      const num = `TRY_CAST(regexp_extract(${raw}, '^([0-9]+)', 1) AS INTEGER)`;
      const words = `lower(trim(regexp_replace(${raw}, '^[0-9]+[\\s.:)-]*', '')))`;
      const wordNum = `CASE ${words} ${ORG_ROLES.map((r, i) => `WHEN ${lit(r.toLowerCase())} THEN ${i + 1}`).join(' ')} END`;
      typed = `(CASE WHEN ${num} IS NULL THEN ${wordNum} WHEN ${words} = '' AND ${num} BETWEEN 1 AND 6 THEN ${num} WHEN ${num} = ${wordNum} THEN ${num} END)::TINYINT`;
      problems.push(
        problem(
          `${raw} IS NOT NULL AND ${v} IS NULL`,
          header,
          raw,
          lit(`${header} must be 1–6 or its words (1 Senior Manager … 6 Qualified Without Cases), and a number and words must agree`),
        ),
      );
      break;
    }
  }
  return { header, name, meta, raw: rawExpr, typed, problems };
}

/**
 * SELECT over a staged table (snake_case text columns, plus `line`) giving every typed column,
 * `ok` (the row passes every check) and `problems`, a list of {column, value, reason} structs
 * (empty for a good row). Three layers, so each expression is computed once per row: trimmed
 * text, typed values (and the window facts of unique rules), then the checks.
 */
export function checkedSelect(contract: ListContract, presentHeaders: ReadonlySet<string>, stageTable: string): string {
  const cols = Object.entries(contract.columns).map(([h, s]) => columnSql(h, s, presentHeaders.has(h)));
  const byHeader = new Map(cols.map((c) => [c.header, c]));
  const problems = cols.flatMap((c) => c.problems);
  const windows: string[] = [];
  for (const rule of contract.rules) {
    const a = byHeader.get(rule.column);
    if (!a) throw new Error(`rule on unknown column in ${contract.list}`);
    if (rule.kind === 'unique') {
      const first = q(`${a.name}$first_line`);
      windows.push(`CASE WHEN ${rawRef(a.name)} IS NOT NULL THEN min(line) OVER (PARTITION BY ${rawRef(a.name)}) END AS ${first}`);
      problems.push(
        problem(
          `line > ${first}`,
          rule.column,
          rawRef(a.name),
          `${lit(`${rule.column} is repeated: the same value is already on line `)} || ${first} || ${lit(' of this file (that row was kept); give each its own ID or remove the copy')}`,
        ),
      );
      continue;
    }
    const b = byHeader.get(rule.notBefore);
    if (!b) throw new Error(`rule on unknown column in ${contract.list}`);
    problems.push(problem(`${q(a.name)} < ${q(b.name)}`, rule.column, rawRef(a.name), lit(`${rule.column} is before ${rule.notBefore}`)));
  }
  const layer1 = cols.map((c) => `${c.raw} AS ${rawRef(c.name)}`).join(', ');
  const layer2 = [...cols.map((c) => `${c.typed} AS ${q(c.name)}`), ...windows].join(',\n    ');
  const typedCols = cols.map((c) => q(c.name)).join(', ');
  // `random() < 2` is always true; being volatile, it keeps DuckDB from pushing `WHERE ok` down
  // through the layers by inlining their expressions, which would parse every date and code twice
  // per row (once in the filter, again for the row it keeps): about a quarter of the checked read.
  const ok = `${problems.length > 0 ? `NOT (${problems.map((p) => p.cond).join(' OR ')})` : 'true'} AND random() < 2`;
  return `SELECT line, ${typedCols}, ok,
  CASE WHEN ok THEN [] ELSE list_filter([${problems.map((p) => p.struct).join(',\n    ')}], p -> p IS NOT NULL) END AS problems
FROM (
  SELECT *, ${ok} AS ok
  FROM (
    SELECT *,
    ${layer2}
    FROM (SELECT line, ${layer1} FROM ${stageTable})))`;
}

/** DDL of the typed `core` table of a list: lineage columns, then one column per contract column. */
export function coreTableDdl(contract: ListContract): string {
  const cols = Object.entries(contract.columns).map(([h, s]) => `${q(snakeCase(h))} ${columnMeta(s).duckdbType}`);
  return `CREATE TABLE IF NOT EXISTS core.${q(contract.list)} (\n  file_sha256 VARCHAR NOT NULL,\n  extract_date DATE,\n  line BIGINT NOT NULL,\n  ${cols.join(',\n  ')}\n)`;
}

/**
 * DDL of the `raw_rows` table of a list (the rows a load keeps as rows; `raw.<list>` is a view
 * over it and the archived files, activities/raw-view.ts): the text as extracted, with file and
 * line; a file's columns that match no contract column in `extra_columns`, by header
 * (core/extra-columns.ts).
 */
export function rawTableDdl(contract: ListContract): string {
  const cols = Object.keys(contract.columns).map((h) => `${q(snakeCase(h))} VARCHAR`);
  return `CREATE TABLE IF NOT EXISTS raw_rows.${q(contract.list)} (\n  file_sha256 VARCHAR NOT NULL,\n  line BIGINT NOT NULL,\n  ${cols.join(',\n  ')},\n  ${RAW_EXTRA_COLUMNS}\n)`;
}

/** The raw tables' column of extra columns; added to a raw table made before it existed (activities/migrate.ts). */
export const RAW_EXTRA_COLUMNS = 'extra_columns MAP(VARCHAR, VARCHAR)';
