/**
 * The analysts' warehouse opened so that SQL typed at `csc-kpi query` can read it and nothing
 * else. Two locks, each enough for the known attacks on its own:
 *
 * 1. DuckDB itself: read-only, no file system or network access (so no COPY … TO, read_csv,
 *    glob, ATTACH, EXPORT), no extension installs or autoloads, and the configuration locked so
 *    SQL cannot switch any of that back on (FACTS.md, "A read-only DuckDB that cannot touch files").
 * 2. Only reads run: every statement is prepared first — DuckDB's own parser and binder say what
 *    kind it is — and unless all are SELECTs (which covers WITH, FROM-first, VALUES, DESCRIBE,
 *    SHOW, SUMMARIZE, and PRAGMAs DuckDB rewrites to queries such as `PRAGMA table_info`), none
 *    runs. That closes what the first lock leaves open: LOAD of a built-in extension, CREATE TEMP,
 *    SET VARIABLE, EXPLAIN ANALYZE of a write.
 */
import { DuckDBInstance, StatementType, type DuckDBConnection, type DuckDBPreparedStatement } from '@duckdb/node-api';

export const READ_ONLY_LOCKED: Record<string, string> = {
  access_mode: 'READ_ONLY',
  enable_external_access: 'false',
  autoinstall_known_extensions: 'false',
  autoload_known_extensions: 'false',
  lock_configuration: 'true',
};

export async function openLockedWarehouse(path: string): Promise<{ instance: DuckDBInstance; conn: DuckDBConnection }> {
  const instance = await DuckDBInstance.create(path, READ_ONLY_LOCKED);
  try {
    return { instance, conn: await instance.connect() };
  } catch (err) {
    instance.closeSync();
    throw err;
  }
}

/** Why a statement of this kind is refused, in the words an analyst needs. */
function refusalReason(type: StatementType): string {
  switch (type) {
    case StatementType.COPY:
    case StatementType.EXPORT:
    case StatementType.COPY_DATABASE:
      return 'it writes files; to keep a result, use --format csv or --format json and redirect the output (> result.csv)';
    case StatementType.ATTACH:
    case StatementType.DETACH:
      return "it opens another database; csc-kpi query reads the analysts' warehouse only";
    case StatementType.LOAD:
    case StatementType.EXTENSION:
    case StatementType.UPDATE_EXTENSIONS:
      return 'it loads or installs a DuckDB extension';
    case StatementType.SET:
    case StatementType.VARIABLE_SET:
    case StatementType.PRAGMA:
      return 'it changes a setting';
    case StatementType.INSERT:
    case StatementType.UPDATE:
    case StatementType.DELETE:
    case StatementType.MERGE_INTO:
    case StatementType.CREATE:
    case StatementType.CREATE_FUNC:
    case StatementType.DROP:
    case StatementType.ALTER:
    case StatementType.VACUUM:
    case StatementType.ANALYZE:
      return 'it would change the warehouse, which is read-only';
    default:
      return 'only SELECT statements run here';
  }
}

/** DuckDB's messages can run to several lines (the SQL with a caret): the first says what is wrong. */
const firstLine = (message: string) => message.split('\n')[0]!.trim();

export interface CheckedSql {
  /** Every statement, prepared, when all of them are reads; empty when any is refused. */
  statements: DuckDBPreparedStatement[];
  /** One line per refused or broken statement, e.g. `statement 2 (COPY) refused: it writes files; …`. */
  problems: string[];
}

/** Prepares every statement of `sql` (nothing runs) and keeps them only if all are reads. */
export async function prepareReadOnly(conn: DuckDBConnection, sql: string): Promise<CheckedSql> {
  let extracted;
  try {
    extracted = await conn.extractStatements(sql);
  } catch (err) {
    return { statements: [], problems: [`the SQL does not parse: ${firstLine((err as Error).message).replace(/^Failed to extract statements: /, '')}`] };
  }
  if (extracted.count === 0) return { statements: [], problems: ['no SQL statement given'] };
  const statements: DuckDBPreparedStatement[] = [];
  const problems: string[] = [];
  for (let i = 0; i < extracted.count; i++) {
    const n = `statement ${i + 1}`;
    let prepared: DuckDBPreparedStatement;
    try {
      prepared = await extracted.prepare(i);
    } catch (err) {
      const message = firstLine((err as Error).message);
      problems.push(
        message.startsWith('Permission Error')
          ? `${n} refused: it reads or writes files outside the warehouse, which csc-kpi query never does (${message})`
          : `${n}: ${message}`,
      );
      continue;
    }
    if (prepared.statementType === StatementType.SELECT) statements.push(prepared);
    else problems.push(`${n} (${StatementType[prepared.statementType] ?? 'unknown'}) refused: ${refusalReason(prepared.statementType)}`);
  }
  return problems.length > 0 ? { statements: [], problems } : { statements, problems };
}
