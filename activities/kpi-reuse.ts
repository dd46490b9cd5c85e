/**
 * Reusing an earlier night's figures (see core/kpi-reuse.ts for when a KPI may). A quiet night —
 * no new files, as-of one day on — would otherwise recompute 25 points per KPI of which 24 are
 * the same; at regional scale that is most of the night. A point E is copied from an earlier run
 * as of D1 to tonight's run as of D2 only when all of these hold:
 *   - the KPI declares in its metadata what its SQL reads (`reuse`, core/kpi-reuse.ts);
 *   - same definition version (SQL, the shared macros it calls, metadata and code mappings);
 *   - the same files feed it (for each list: tonight's extract, `meta.extracts_at`, or every
 *     extract on or before D2, `meta.extracts_through`, sql/views/extracts.sql; for audits:
 *     every current workbook);
 *   - no value in those files of a date column the KPI declares it cuts off at as-of (and that
 *     may be dated after its extract) is dated after D1 and on or before D2;
 *   - E ≤ D1.
 * Points after D1 are computed as usual: compute binds the KPI's `$points_after` to D1
 * (ref.kpi_periods(as_of, points_after)). `meta.kpi_inputs` records, per run and KPI, the files
 * read and which run the copied points came from. What every KPI leans on but its definition
 * version does not cover is part of the inputs too — the release (package version and
 * CSC_KPI_COMMIT), the DuckDB version, the SQL files under sql/meta, sql/views and
 * sql/reference, the macros and views as they are in the warehouse, the calendar, and the
 * column contracts — so a release or an engine upgrade computes afresh.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { columnMeta } from '../core/contracts/columns.js';
import { CONTRACTS } from '../core/contracts/lists.js';
import { datesThatCanBeLater, type Reusability } from '../core/kpi-reuse.js';
import { projectPath } from '../core/project-root.js';
import { jsonRowsSql, quoteIdent as q, sqlLiteral as lit } from '../core/sql-text.js';
import type { Warehouse } from './warehouse.js';

export type ReusePlan = Extract<Reusability, { reusable: true }>;

/**
 * The facts a reuse rests on, looked up once per compute (several KPIs read the same list):
 * which file(s) feed a list as of a date, what the shared SQL is, and whether any value of some
 * date columns that may be dated after the extract falls in a span of days.
 */
export class ReuseLookups {
  private readonly files = new Map<string, Promise<string | string[] | null>>();
  private readonly later = new Map<string, Promise<boolean>>();
  private shared: Promise<string> | null = null;

  /** `commit`: CSC_KPI_COMMIT (the release; another release never reuses this one's points). */
  constructor(
    private readonly w: Warehouse,
    private readonly commit: string | null = null,
  ) {}

  /**
   * What a KPI's points are computed from as of D, as a stable JSON text: the file(s) of each
   * list it reads (`{"<list>": sha256 | [sha256, …]}`: tonight's extract, or every extract on or
   * before D for a list it reads whole), every loaded file when it reads meta.files, and
   * `"(shared SQL)"`, a hash of what all KPIs lean on.
   */
  async inputsOf(plan: ReusePlan, asOf: string): Promise<string> {
    const out: Record<string, string | string[] | null> = {};
    for (const list of plan.lists) {
      const whole = plan.wholeLists.includes(list);
      out[list] = await this.memo(this.files, `${list}|${whole}|${asOf}`, () => this.filesOf(list, whole, asOf));
    }
    if (plan.readsFileList) {
      out['(meta.files)'] = await this.memo(this.files, `(meta.files)|${asOf}`, async () =>
        (await this.w.rows<{ sha256: string }>(
          `SELECT sha256 FROM meta.files WHERE status = 'loaded' AND (extract_date IS NULL OR extract_date <= $as_of::DATE) ORDER BY sha256`,
          { as_of: asOf },
        )).map((r) => r.sha256),
      );
    }
    out['(shared SQL)'] = await (this.shared ??= this.sharedSql());
    return JSON.stringify(out);
  }

  /**
   * Does any file read as of `upTo` hold, in one of the date columns the KPI cuts off at as-of,
   * a value dated after `after` and on or before `upTo`? For audits, also: does core.audits_at
   * read any row otherwise as of `upTo` than as of `after` (its completion cut-off, asked of
   * core.audits_changed_between so the rule stays written once, in sql/views/audits_at.sql)?
   */
  async factsDatedBetween(plan: ReusePlan, after: string, upTo: string): Promise<boolean> {
    for (const list of plan.lists) {
      if (list === 'audits' && (await this.memo(this.later, `audits|cut-off|${after}|${upTo}`, () => this.auditsChangedBetween(after, upTo)))) return true;
      const whole = plan.wholeLists.includes(list);
      const compared = new Set(plan.cutoffColumns);
      const columns = datesThatCanBeLater(list).filter((c) => compared.has(c));
      if (columns.length === 0) continue;
      const key = `${list}|${whole}|${columns.join(',')}|${after}|${upTo}`;
      if (await this.memo(this.later, key, () => this.listFactsBetween(list, whole, columns, after, upTo))) return true;
    }
    return false;
  }

  /**
   * sha256 of the release, the engine, the shared SQL (as files and as installed), the calendar and the contracts.
   *
   * Known: DuckDB echoes a macro's text differently in the session that created it (type names
   * quoted, `AS "DATE"`) than after the warehouse is reopened (`AS DATE`). Pull's migrate makes
   * every shared macro again each night (sql/reference/working_days.sql included) and the night
   * keeps the warehouse open from pull into compute (NEXT_STEP_LINGER_MS, activities/index.ts), so
   * the hash is made of the text as made in that session, the same from night to night
   * (test/kpi-reuse.test.ts). A compute in a session that did not migrate (a step retried after
   * the warehouse was closed) hashes differently and computes afresh once — a reuse missed, never a
   * wrong one. Should that bite, hash the macros' source SQL (files and the SQL migrate generates)
   * instead of the echoed text.
   */
  private async sharedSql(): Promise<string> {
    const [r] = await this.w.rows<Record<string, string | null>>(
      `SELECT
         version() AS duckdb,
         (SELECT string_agg(schema_name || '.' || function_name || ' ' || coalesce(macro_definition, '') || ' ' || parameters::VARCHAR, chr(10)
                 ORDER BY schema_name, function_name, macro_definition)
          FROM duckdb_functions() WHERE schema_name IN ('ref', 'core') AND function_type IN ('macro', 'table_macro')) AS macros,
         (SELECT string_agg(schema_name || '.' || view_name || ' ' || sql, chr(10) ORDER BY schema_name, view_name)
          FROM duckdb_views() WHERE NOT internal AND schema_name = 'meta') AS views,
         (SELECT string_agg(h::VARCHAR, chr(10) ORDER BY h::VARCHAR) FROM ref.bank_holidays h) AS holidays,
         (SELECT md5(string_agg(c::VARCHAR, chr(10) ORDER BY c::VARCHAR)) FROM ref.calendar c) AS calendar`,
    );
    const hash = createHash('sha256').update(JSON.stringify(r ?? null));
    const pkg = JSON.parse(await readFile(projectPath('package.json'), 'utf8')) as { version: string };
    hash.update(`${pkg.version}+${this.commit ?? ''}`);
    for (const dir of ['meta', 'views', 'reference']) {
      for (const f of (await readdir(projectPath('sql', dir))).sort()) hash.update(`${dir}/${f}\n${await readFile(projectPath('sql', dir, f), 'utf8')}`);
    }
    hash.update(JSON.stringify([...CONTRACTS.values()].map((c) => [c.list, Object.entries(c.columns).map(([h, col]) => [h, columnMeta(col)])])));
    return hash.digest('hex');
  }

  private memo<T>(cache: Map<string, Promise<T>>, key: string, fn: () => Promise<T>): Promise<T> {
    let hit = cache.get(key);
    if (!hit) cache.set(key, (hit = fn()));
    return hit;
  }

  private async filesOf(list: string, whole: boolean, asOf: string): Promise<string | string[] | null> {
    if (list === 'audits') {
      return (await this.w.rows<{ sha256: string }>('SELECT sha256 FROM meta.current_audit_files ORDER BY sha256')).map((r) => r.sha256);
    }
    // Every extract on or before as-of, or the one that is tonight's: the one SQL definition of each (sql/views/extracts.sql).
    if (whole) {
      return (await this.w.rows<{ sha256: string }>(
        'SELECT DISTINCT sha256 FROM meta.extracts_through($as_of::DATE) WHERE list = $list ORDER BY sha256',
        { list, as_of: asOf },
      )).map((r) => r.sha256);
    }
    const [r] = await this.w.rows<{ sha256: string }>('SELECT sha256 FROM meta.extracts_at($as_of::DATE) WHERE list = $list', { list, as_of: asOf });
    return r?.sha256 ?? null;
  }

  private async auditsChangedBetween(after: string, upTo: string): Promise<boolean> {
    const [r] = await this.w.rows<{ n: string }>('SELECT count(*) AS n FROM core.audits_changed_between($after::DATE, $up_to::DATE)', { after, up_to: upTo });
    return Number(r?.n ?? 0) > 0;
  }

  private async listFactsBetween(list: string, whole: boolean, columns: readonly string[], after: string, upTo: string): Promise<boolean> {
    const rows =
      list === 'audits'
        ? 'core.audits a SEMI JOIN meta.current_audit_files f ON f.sha256 = a.file_sha256'
        : whole
          ? `core.${q(list)} c SEMI JOIN meta.extracts_through($up_to::DATE) f ON f.sha256 = c.file_sha256 AND f.list = ${lit(list)}`
          : `core.${q(`${list}_at`)}($up_to::DATE)`;
    const between = columns.map((c) => `(${q(c)} > $after::DATE AND ${q(c)} <= $up_to::DATE)`).join(' OR ');
    const [r] = await this.w.rows<{ n: string }>(`SELECT count(*) AS n FROM ${rows} WHERE ${between}`, { after, up_to: upTo });
    return Number(r?.n ?? 0) > 0;
  }
}

/** What one KPI asks of the earlier runs: its definition version and its inputs (`ReuseLookups.inputsOf`). */
export interface ReuseAsk {
  kpi: string;
  version: string;
  inputs: string;
}

/** An earlier run whose points a KPI may copy, and its as-of date. */
export interface EarlierRun {
  runId: string;
  asOf: string;
}

/** Tonight's run, as the reuse bookkeeping needs it. */
export interface Tonight {
  asOf: string;
  workflowId: string;
  runId: string;
}

/**
 * For each KPI asked about, the latest earlier run under the same definition that read the same
 * files, as of tonight's date or before; a KPI with none is left out.
 */
export async function earlierRunsWithSameInputs(w: Warehouse, asks: readonly ReuseAsk[], tonight: Tonight): Promise<Map<string, EarlierRun>> {
  if (asks.length === 0) return new Map();
  const rows = await w.rows<{ kpi: string; run_id: string; as_of: string }>(
    `SELECT i.kpi, i.run_id, strftime(i.as_of, '%Y-%m-%d') AS as_of
     FROM meta.kpi_inputs i
     JOIN ${jsonRowsSql('$asks', { kpi: 'VARCHAR', version: 'VARCHAR', inputs: 'VARCHAR' })} a
       ON i.kpi = a.kpi AND i.definition_version = a.version AND i.inputs = a.inputs
     WHERE i.as_of <= $as_of::DATE AND i.run_id <> $run
     QUALIFY row_number() OVER (PARTITION BY i.kpi ORDER BY i.as_of DESC, i.run_id) = 1`,
    { asks: JSON.stringify(asks), as_of: tonight.asOf, run: tonight.runId },
  );
  return new Map(rows.map((r) => [r.kpi, { runId: r.run_id, asOf: r.as_of }]));
}

/**
 * Copies, for each KPI in `from`, the earlier run's points E ≤ that run's as-of that are among
 * tonight's points, into tonight's run; returns how many each KPI got (none: left out).
 */
export async function copyPoints(w: Warehouse, tonight: Tonight, from: ReadonlyMap<string, EarlierRun>): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  if (from.size === 0) return counts;
  const copied = await w.rows<{ kpi: string }>(
    `INSERT INTO kpi.values BY NAME
     SELECT * REPLACE ($as_of::DATE AS as_of, $workflow_id AS workflow_id, $run_id AS run_id)
     FROM kpi.values v
     WHERE EXISTS (SELECT 1 FROM ${jsonRowsSql('$from', { kpi: 'VARCHAR', run_id: 'VARCHAR', as_of: 'DATE' })} f
                   WHERE f.kpi = v.kpi AND f.run_id = v.run_id AND v.period_end <= f.as_of)
       AND period_end IN (SELECT period_end FROM ref.kpi_periods($as_of::DATE))
     RETURNING kpi`,
    {
      as_of: tonight.asOf,
      workflow_id: tonight.workflowId,
      run_id: tonight.runId,
      from: JSON.stringify([...from].map(([kpi, e]) => ({ kpi, run_id: e.runId, as_of: e.asOf }))),
    },
  );
  for (const { kpi } of copied) counts.set(kpi, (counts.get(kpi) ?? 0) + 1);
  return counts;
}

/** The KPIs among `kpis` whose points in tonight's run are not exactly tonight's trend points (ref.kpi_periods). */
export async function kpisWithoutEveryPoint(w: Warehouse, tonight: Tonight, kpis: readonly string[]): Promise<string[]> {
  if (kpis.length === 0) return [];
  const rows = await w.rows<{ kpi: string }>(
    `WITH want AS (SELECT period_end FROM ref.kpi_periods($as_of::DATE)),
          asked AS (SELECT unnest(from_json($kpis, '["VARCHAR"]')) AS kpi),
          got AS (SELECT kpi, period_end FROM kpi.values WHERE run_id = $run AND kpi IN (SELECT kpi FROM asked))
     SELECT a.kpi FROM asked a
     WHERE (SELECT count(*) FROM got g WHERE g.kpi = a.kpi) <> (SELECT count(*) FROM want)
        OR EXISTS (SELECT 1 FROM want p WHERE NOT EXISTS (SELECT 1 FROM got g WHERE g.kpi = a.kpi AND g.period_end = p.period_end))
     ORDER BY a.kpi`,
    { kpis: JSON.stringify(kpis), as_of: tonight.asOf, run: tonight.runId },
  );
  return rows.map((r) => r.kpi);
}

/** One row of meta.kpi_inputs: what a KPI was computed from tonight, and the run its copied points came from. */
export interface KpiInputsRow extends ReuseAsk {
  reusedFromRun: string | null;
  pointsReused: number;
}

/** Records tonight's meta.kpi_inputs rows, in one statement. */
export async function recordKpiInputs(w: Warehouse, tonight: Tonight, rows: readonly KpiInputsRow[]): Promise<void> {
  if (rows.length === 0) return;
  await w.run(
    `INSERT INTO meta.kpi_inputs (run_id, kpi, as_of, definition_version, inputs, reused_from_run, points_reused)
     SELECT $run, kpi, $as_of::DATE, version, inputs, reused_from_run, points_reused
     FROM ${jsonRowsSql('$rows', { kpi: 'VARCHAR', version: 'VARCHAR', inputs: 'VARCHAR', reused_from_run: 'VARCHAR', points_reused: 'INTEGER' })}`,
    {
      run: tonight.runId,
      as_of: tonight.asOf,
      rows: JSON.stringify(rows.map((r) => ({ kpi: r.kpi, version: r.version, inputs: r.inputs, reused_from_run: r.reusedFromRun, points_reused: r.pointsReused }))),
    },
  );
}
