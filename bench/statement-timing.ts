/**
 * Times the night's steps from outside the activities (issue 19: no timing maps inside them):
 * every statement the warehouse runs is timed by what it does (its first words, and for a KPI's
 * insert the KPI it computes), under the activity that ran it. The activity wrapper (bench/night.ts)
 * says which activity is running; the night runs one at a time. What an activity spends outside
 * DuckDB statements (hashing, the CSV scan, reading workbooks, file copies) is its wall time less
 * its statements'.
 */
import { Warehouse, type Params } from '../activities/warehouse.js';

/** What a statement does, in a few words. */
export function statementKind(sql: string, params?: Params): string {
  const s = sql.replace(/\s+/g, ' ').trim();
  if (/^INSERT INTO kpi\.values/i.test(s) && typeof params?.kpi === 'string') return `KPI ${params.kpi}`;
  const rules: [RegExp, string][] = [
    [/^INSERT INTO core\..*read_csv\(/i, 'read once → core (typed, checked)'],
    [/^INSERT INTO core\./i, 'raw_rows → core (typed, checked)'],
    [/^INSERT INTO raw_rows\./i, 'read → raw_rows (rows kept as text)'],
    [/^SELECT min\(rowid\)|^UPDATE \S+ SET line = rowid/i, 'lines from row ids'],
    [/^UPDATE core\./i, 'line map → core lines'],
    [/^UPDATE raw_rows\./i, 'raw_rows lines'],
    [/^CREATE OR REPLACE VIEW raw\./i, 'raw view'],
    [/checked_bad|INSERT INTO meta\.rejects/i, 'rejected rows → meta.rejects'],
    [/^DELETE FROM/i, 'clear earlier attempt'],
    [/^CHECKPOINT/i, 'checkpoint'],
  ];
  for (const [re, kind] of rules) if (re.test(s)) return kind;
  return 'other statements';
}

export interface StatementTimer {
  /** The activity now running (set by the activity wrapper); null between activities. */
  activity: string | null;
  /** Milliseconds by `<activity>: <kind>`. */
  readonly ms: Map<string, number>;
  stop(): void;
}

/** Wraps Warehouse.run and Warehouse.rows for this process until stop(). */
export function timeStatements(): StatementTimer {
  const proto = Warehouse.prototype;
  const run = proto.run;
  const rows = proto.rows;
  const transaction = proto.transaction;
  const timer: StatementTimer = {
    activity: null,
    ms: new Map(),
    stop() {
      proto.run = run;
      proto.rows = rows;
      proto.transaction = transaction;
    },
  };
  const add = (sql: string, params: Params | undefined, t0: number): void => {
    const key = `${timer.activity ?? '(none)'}: ${statementKind(sql, params)}`;
    timer.ms.set(key, (timer.ms.get(key) ?? 0) + performance.now() - t0);
  };
  proto.run = async function (this: Warehouse, sql: string, params?: Params) {
    const t0 = performance.now();
    try {
      return await run.call(this, sql, params);
    } finally {
      add(sql, params, t0);
    }
  };
  proto.rows = async function <T>(this: Warehouse, sql: string, params?: Params): Promise<T[]> {
    const t0 = performance.now();
    try {
      return await rows.call(this, sql, params) as T[];
    } finally {
      add(sql, params, t0);
    }
  };
  // BEGIN and COMMIT (where a transaction's writes reach the file): its time less its body's.
  proto.transaction = async function <T>(this: Warehouse, fn: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    let body = 0;
    try {
      return await transaction.call(this, async () => {
        const t1 = performance.now();
        try {
          return await fn();
        } finally {
          body += performance.now() - t1;
        }
      }) as T;
    } finally {
      const key = `${timer.activity ?? '(none)'}: begin, commit`;
      timer.ms.set(key, (timer.ms.get(key) ?? 0) + performance.now() - t0 - body);
    }
  };
  return timer;
}
