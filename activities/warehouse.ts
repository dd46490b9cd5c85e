/**
 * The DuckDB warehouse as activities see it: open a file, run bound SQL, read rows as JSON-safe
 * objects (BIGINT as string → converted at the edge by the caller), run SQL files from `sql/`.
 * One process may write a DuckDB file, so a process shares one instance per path (refcounted)
 * rather than opening the same file twice.
 */
import { readFile } from 'node:fs/promises';
import { DuckDBInstance, type DuckDBConnection, type DuckDBPreparedStatement, type DuckDBValue } from '@duckdb/node-api';
import { projectPath } from '../core/project-root.js';
import { fillSqlTemplate } from '../core/sql-text.js';

export type Params = Record<string, DuckDBValue>;
export type JsonRow = Record<string, unknown>;

interface Shared {
  instance: DuckDBInstance;
  users: number;
  /** Set while nobody uses the instance but it is kept open a little longer (see `close`). */
  idle: NodeJS.Timeout | null;
}
const open = new Map<string, Promise<Shared>>();

export interface CloseOptions {
  /**
   * Keep the instance open this long after its last user lets go, for a next user that is about to
   * come (the next step of a night): closing checkpoints the file and opening reads it again, about
   * 70 ms a step on a 10 M-row warehouse. Another process cannot open the file meanwhile.
   */
  lingerMs?: number;
}

export class Warehouse {
  private constructor(
    readonly path: string,
    readonly conn: DuckDBConnection,
    private readonly release: (o: CloseOptions) => void,
  ) {}

  static async open(path: string): Promise<Warehouse> {
    let shared = open.get(path);
    if (!shared) {
      shared = createWhenFree(path).then((instance) => ({ instance, users: 0, idle: null }));
      open.set(path, shared);
      shared.catch(() => open.delete(path));
    }
    const s = await shared;
    if (s.idle) {
      clearTimeout(s.idle);
      s.idle = null;
    }
    s.users++;
    const conn = await s.instance.connect();
    return new Warehouse(path, conn, ({ lingerMs = 0 }) => {
      conn.closeSync();
      if (--s.users > 0) return;
      if (lingerMs <= 0) return closeInstance(path, s);
      s.idle = setTimeout(() => {
        // Nobody waits on this close to report a failure to: the committed work is in the WAL either way.
        try {
          closeInstance(path, s);
        } catch {
          /* the next open replays the WAL */
        }
      }, lingerMs);
      // A process with nothing else to do exits without waiting: its committed work is in the WAL.
      s.idle.unref();
    });
  }

  /** Opens, runs `fn`, and always closes (`o.lingerMs`: see CloseOptions). */
  static async with<T>(path: string, fn: (w: Warehouse) => Promise<T>, o: CloseOptions = {}): Promise<T> {
    const w = await Warehouse.open(path);
    try {
      return await fn(w);
    } finally {
      w.close(o);
    }
  }

  /** Closes an instance kept open after its last user (CloseOptions.lingerMs) now; a no-op when there is none. */
  static async closeIdle(path: string): Promise<void> {
    const shared = open.get(path);
    if (!shared) return;
    const s = await shared.catch(() => null);
    if (s?.idle) {
      clearTimeout(s.idle);
      closeInstance(path, s);
    }
  }

  close(o: CloseOptions = {}): void {
    this.release(o);
  }

  /** Runs one statement; binds only the named parameters it uses (DuckDB refuses unused names). */
  async run(sql: string, params?: Params): Promise<void> {
    if (!params) return void (await this.conn.run(sql));
    const prepared = await this.conn.prepare(sql);
    try {
      bindUsed(prepared, params);
      await prepared.run();
    } finally {
      prepared.destroySync();
    }
  }

  async rows<T = JsonRow>(sql: string, params?: Params): Promise<T[]> {
    if (!params) return (await this.conn.runAndReadAll(sql)).getRowObjectsJson() as T[];
    const prepared = await this.conn.prepare(sql);
    try {
      bindUsed(prepared, params);
      return (await prepared.runAndReadAll()).getRowObjectsJson() as T[];
    } finally {
      prepared.destroySync();
    }
  }

  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    await this.conn.run('BEGIN TRANSACTION');
    try {
      const out = await fn();
      await this.conn.run('COMMIT');
      return out;
    } catch (err) {
      await this.conn.run('ROLLBACK').catch(() => undefined);
      throw err;
    }
  }

  /**
   * Runs a SQL file under `sql/` (several statements), binding to each only the parameters it
   * uses; `names` fills a template's placeholders (core/sql-text.ts `fillSqlTemplate`).
   */
  async runFile(relPath: string, params: Params = {}, names?: Readonly<Record<string, string>>): Promise<void> {
    const text = await readFile(projectPath('sql', relPath), 'utf8');
    await runScript(this.conn, names ? fillSqlTemplate(text, names) : text, params);
  }
}

/**
 * How long an open waits for another process's hold on the file to end: a night's step in another
 * worker keeps the warehouse open for NEXT_STEP_LINGER_MS after it (activities/index.ts), so a
 * step that lands on a second worker waits that out rather than failing.
 */
export const LOCK_WAIT_MS = 5_000;
const LOCKED = /Could not set lock on file/;

async function createWhenFree(path: string): Promise<DuckDBInstance> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      return await DuckDBInstance.create(path);
    } catch (err) {
      if (!(err instanceof Error && LOCKED.test(err.message)) || Date.now() >= deadline) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** Closes a shared instance nobody uses (a checkpoint). */
function closeInstance(path: string, s: Shared): void {
  s.idle = null;
  if (s.users > 0) return;
  open.delete(path);
  s.instance.closeSync();
}

/** Binds to a prepared statement the named parameters it uses; a missing one is an error. */
function bindUsed(prepared: DuckDBPreparedStatement, params: Params): void {
  const values: Params = {};
  for (let p = 1; p <= prepared.parameterCount; p++) {
    const name = prepared.parameterName(p);
    if (!Object.hasOwn(params, name)) throw new Error(`SQL uses parameter $${name}, which was not given`);
    values[name] = params[name] as DuckDBValue;
  }
  if (prepared.parameterCount > 0) prepared.bind(values);
}

/**
 * Runs a multi-statement SQL script, binding to each statement only the named parameters it
 * uses. (`conn.run(sql, values)` binds values to the last statement only, and binding a name a
 * statement does not use is an error.)
 */
export async function runScript(conn: DuckDBConnection, sql: string, params: Params): Promise<void> {
  const statements = await conn.extractStatements(sql);
  for (let i = 0; i < statements.count; i++) {
    // Prepared one at a time, after the earlier statements ran: later ones refer to their tables.
    const prepared = await statements.prepare(i);
    try {
      bindUsed(prepared, params);
      await prepared.run();
    } finally {
      prepared.destroySync();
    }
  }
}
