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
import { quoteIdent as q, sqlLiteral as lit } from '../core/sql-text.js';
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

/** The latest earlier run of this KPI under the same definition that read the same files, if any. */
export async function earlierRunWithSameInputs(
  w: Warehouse,
  k: { kpi: string; version: string; inputs: string; asOf: string; runId: string },
): Promise<{ runId: string; asOf: string } | null> {
  const [r] = await w.rows<{ run_id: string; as_of: string }>(
    `SELECT run_id, strftime(as_of, '%Y-%m-%d') AS as_of FROM meta.kpi_inputs
     WHERE kpi = $kpi AND definition_version = $version AND inputs = $inputs AND as_of <= $as_of::DATE AND run_id <> $run
     ORDER BY as_of DESC, run_id LIMIT 1`,
    { kpi: k.kpi, version: k.version, inputs: k.inputs, as_of: k.asOf, run: k.runId },
  );
  return r ? { runId: r.run_id, asOf: r.as_of } : null;
}

/** Does the run hold this KPI's points for exactly tonight's 25 trend points? */
export async function hasEveryPoint(w: Warehouse, k: { kpi: string; asOf: string; runId: string }): Promise<boolean> {
  const [r] = await w.rows<{ missing: string; got: string; want: string }>(
    `SELECT
       (SELECT count(*) FROM (SELECT period_end FROM ref.kpi_periods($as_of::DATE)
                              EXCEPT SELECT period_end FROM kpi.values WHERE run_id = $run AND kpi = $kpi)) AS missing,
       (SELECT count(*) FROM kpi.values WHERE run_id = $run AND kpi = $kpi) AS got,
       (SELECT count(*) FROM ref.kpi_periods($as_of::DATE)) AS want`,
    { as_of: k.asOf, run: k.runId, kpi: k.kpi },
  );
  return r?.missing === '0' && r.got === r.want;
}

/** Copies the earlier run's points E ≤ its as-of that are among tonight's points; returns how many. */
export async function copyPoints(w: Warehouse, k: { kpi: string; asOf: string; workflowId: string; runId: string }, from: { runId: string; asOf: string }): Promise<number> {
  const [r] = await w.rows<{ Count: string }>(
    `INSERT INTO kpi.values BY NAME
     SELECT * REPLACE ($as_of::DATE AS as_of, $workflow_id AS workflow_id, $run_id AS run_id)
     FROM kpi.values
     WHERE run_id = $from_run AND kpi = $kpi AND period_end <= $from_as_of::DATE
       AND period_end IN (SELECT period_end FROM ref.kpi_periods($as_of::DATE))`,
    { as_of: k.asOf, workflow_id: k.workflowId, run_id: k.runId, from_run: from.runId, kpi: k.kpi, from_as_of: from.asOf },
  );
  return Number(r?.Count ?? 0);
}
