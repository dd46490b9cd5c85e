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

const LETTER_PREFIX = String.raw`^\s*[A-Za-z]\)\s*`;

export interface ColumnSql {
  header: string;
  name: string;
  meta: ColumnMeta;
  typed: string;
  problems: string[];
}

function problem(cond: string, header: string, raw: string, reason: string): string {
  return `CASE WHEN ${cond} THEN {'column': ${lit(header)}, 'value': ${raw}, 'reason': ${reason}} END`;
}

function canonicalCode(x: string, codes: readonly string[]): string {
  const whens = codes.map((c) => `WHEN ${lit(c.toLowerCase())} THEN ${lit(c)}`).join(' ');
  return `CASE lower(${x}) ${whens} ELSE ${x} END`;
}

/** The typed value and the problem checks of one column; `raw` is the trimmed text or NULL. */
export function columnSql(header: string, schema: Parameters<typeof columnMeta>[0], present: boolean): ColumnSql {
  const meta = columnMeta(schema);
  const name = snakeCase(header);
  const raw = present ? `nullif(trim(${q(name)}), '')` : 'NULL::VARCHAR';
  const problems: string[] = [];
  let typed: string;
  if (meta.required) problems.push(problem(`${raw} IS NULL`, header, raw, lit(`${header} is blank but required`)));
  switch (meta.kind) {
    case 'text':
      typed = raw;
      break;
    case 'date': {
      typed = `coalesce(try_strptime(${raw}, '%d/%m/%Y'), try_strptime(${raw}, '%Y-%m-%d'))::DATE`;
      problems.push(
        problem(`${raw} IS NOT NULL AND ${typed} IS NULL`, header, raw, lit(`${header} is not a real date; write it as dd/mm/yyyy or yyyy-mm-dd`)),
      );
      if (meta.notAfterExtract) {
        problems.push(
          problem(
            `${typed} > $extract_date::DATE`,
            header,
            raw,
            `${lit(`${header} is after the file's extract date `)} || strftime($extract_date::DATE, '%d/%m/%Y') || ${lit('; check the date or the file name')}`,
          ),
        );
      }
      break;
    }
    case 'flag':
      typed = `CASE upper(${raw}) WHEN 'Y' THEN true WHEN 'YES' THEN true WHEN 'N' THEN false WHEN 'NO' THEN false END`;
      problems.push(problem(`${raw} IS NOT NULL AND ${typed} IS NULL`, header, raw, lit(`${header} must be Y or N (Yes/No)`)));
      break;
    case 'code': {
      const stripped = `regexp_replace(${raw}, ${lit(LETTER_PREFIX)}, '')`;
      typed = canonicalCode(stripped, meta.codes ?? []);
      if (meta.codesAreStrict) {
        const known = (meta.codes ?? []).map((c) => lit(c)).join(', ');
        problems.push(
          problem(`${raw} IS NOT NULL AND ${typed} NOT IN (${known})`, header, raw, lit(`${header} is not one of: ${(meta.codes ?? []).join(', ')}`)),
        );
      }
      break;
    }
    case 'count':
      typed = `CASE WHEN regexp_full_match(${raw}, '[0-9]+') THEN TRY_CAST(${raw} AS INTEGER) END`;
      problems.push(problem(`${raw} IS NOT NULL AND ${typed} IS NULL`, header, raw, lit(`${header} must be a whole number of 0 or more (or blank if unknown)`)));
      break;
    case 'fte':
      typed = `CASE WHEN TRY_CAST(${raw} AS DOUBLE) > 0 AND TRY_CAST(${raw} AS DOUBLE) <= 1.5 THEN TRY_CAST(${raw} AS DECIMAL(6,3)) END`;
      problems.push(problem(`${raw} IS NOT NULL AND ${typed} IS NULL`, header, raw, lit(`${header} must be a number above 0 and at most 1.5`)));
      break;
    case 'org_role': {
      const num = `TRY_CAST(regexp_extract(${raw}, '^([0-9]+)', 1) AS INTEGER)`;
      const words = `lower(trim(regexp_replace(${raw}, '^[0-9]+[\\s.:)-]*', '')))`;
      const wordNum = `CASE ${words} ${ORG_ROLES.map((r, i) => `WHEN ${lit(r.toLowerCase())} THEN ${i + 1}`).join(' ')} END`;
      typed = `(CASE WHEN ${num} IS NULL THEN ${wordNum} WHEN ${words} = '' AND ${num} BETWEEN 1 AND 6 THEN ${num} WHEN ${num} = ${wordNum} THEN ${num} END)::TINYINT`;
      problems.push(
        problem(
          `${raw} IS NOT NULL AND ${typed} IS NULL`,
          header,
          raw,
          lit(`${header} must be 1–6 or its words (1 Senior Manager … 6 Qualified Without Cases), and a number and words must agree`),
        ),
      );
      break;
    }
  }
  return { header, name, meta, typed, problems };
}

/**
 * SELECT over a staged table (snake_case text columns, plus `line`) giving every typed column
 * and `problems`, a list of {column, value, reason} structs: empty for a good row.
 */
export function checkedSelect(contract: ListContract, presentHeaders: ReadonlySet<string>, stageTable: string): string {
  const cols = Object.entries(contract.columns).map(([h, s]) => columnSql(h, s, presentHeaders.has(h)));
  const byHeader = new Map(cols.map((c) => [c.header, c]));
  const problems = cols.flatMap((c) => c.problems);
  for (const rule of contract.rules) {
    const a = byHeader.get(rule.column);
    const b = byHeader.get(rule.notBefore);
    if (!a || !b) throw new Error(`rule on unknown column in ${contract.list}`);
    const raw = presentHeaders.has(rule.column) ? `nullif(trim(${q(a.name)}), '')` : 'NULL::VARCHAR';
    problems.push(problem(`${a.typed} < ${b.typed}`, rule.column, raw, lit(`${rule.column} is before ${rule.notBefore}`)));
  }
  const typed = cols.map((c) => `${c.typed} AS ${q(c.name)}`).join(',\n  ');
  return `SELECT line,\n  ${typed},\n  list_filter([${problems.join(',\n    ')}], p -> p IS NOT NULL) AS problems\nFROM ${stageTable}`;
}

/** DDL of the typed `core` table of a list: lineage columns, then one column per contract column. */
export function coreTableDdl(contract: ListContract): string {
  const cols = Object.entries(contract.columns).map(([h, s]) => `${q(snakeCase(h))} ${columnMeta(s).duckdbType}`);
  return `CREATE TABLE IF NOT EXISTS core.${q(contract.list)} (\n  file_sha256 VARCHAR NOT NULL,\n  extract_date DATE,\n  line BIGINT NOT NULL,\n  ${cols.join(',\n  ')}\n)`;
}

/** DDL of the `raw` table of a list: the text as extracted, with file and line. */
export function rawTableDdl(contract: ListContract): string {
  const cols = Object.keys(contract.columns).map((h) => `${q(snakeCase(h))} VARCHAR`);
  return `CREATE TABLE IF NOT EXISTS raw.${q(contract.list)} (\n  file_sha256 VARCHAR NOT NULL,\n  line BIGINT NOT NULL,\n  ${cols.join(',\n  ')}\n)`;
}
