/**
 * Generated data and a whole night without Temporal for the baseline tests: audit files with the
 * seed's assessment-quality story (18% → 90% from July 2014, ~15 audits a month) and optionally
 * the January 2015 grade scale change; referral extracts; a temp copy of KPI files; and `night()`
 * that pulls, loads, computes, detects baselines and publishes as the workflow does, with the
 * same activities on a real DuckDB file.
 */
import { copyFile, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeKpis } from '../../activities/compute.js';
import { detectBaselines, type DetectBaselinesResult } from '../../activities/detect-baselines.js';
import { readKpiCatalogue } from '../../activities/kpi-files.js';
import { loadFile } from '../../activities/load-file.js';
import { migrate } from '../../activities/migrate.js';
import { publishSnapshot } from '../../activities/publish.js';
import { pullSources } from '../../activities/pull.js';
import { Warehouse } from '../../activities/warehouse.js';
import { metricsFile, type MetricsFile } from '../../core/metrics-contract.js';
import { projectPath } from '../../core/project-root.js';
import { binomial, intBetween, mulberry32, type Rng } from '../../core/random.js';

export const AUDIT_HEADER = 'Audit ID,Child Unique ID,Audit Type,Scheduled Date,Completed Date,Auditor ID,Auditor Role,Worker ID,Grade';
export const REFERRAL_HEADER =
  'Child Unique ID,Gender,Ethnicity,Date of Birth,Age of Child (Years),Allocated Team,Allocated Worker,Date of referral,Referral Source,Referral NFA?';

const dmy = (y: number, m: number, d: number): string => `${String(d).padStart(2, '0')}/${String(m).padStart(2, '0')}/${y}`;

export interface AuditStory {
  seed?: number;
  /** Months of audits, from (inclusive) … to (inclusive), YYYY-MM. */
  from?: string;
  to?: string;
  /** Assessment audits a month (min, max) and their good-or-better rate before / from `stepAt`. */
  assessments?: [number, number];
  assessmentGood?: [number, number];
  stepAt?: string;
  /** Case File audits a month and their steady good-or-better rate. */
  caseFiles?: [number, number];
  caseFileGood?: number;
  /** From this month every "Requires Improvement" is written "Requires Improvement to be Good". */
  newGradeFrom?: string | null;
  /** The audit types the new grade label is used on (default both). */
  newGradeTypes?: string[];
  /** From `from` (YYYY-MM), audits of type `type` are written `as` (a renamed audit type). */
  renamedType?: { type: string; as: string; from: string } | null;
}

function months(from: string, to: string): { y: number; m: number; ym: string }[] {
  const out: { y: number; m: number; ym: string }[] = [];
  let [y, m] = from.split('-').map(Number) as [number, number];
  for (;;) {
    const ym = `${y}-${String(m).padStart(2, '0')}`;
    if (ym > to) return out;
    out.push({ y, m, ym });
    m++;
    if (m > 12) {
      m = 1;
      y++;
    }
  }
}

function grade(rng: Rng, good: boolean, newLabel: boolean): string {
  if (good) return rng() < 0.15 ? 'Outstanding' : 'Good';
  if (rng() < 0.35) return 'Inadequate';
  return newLabel ? 'Requires Improvement to be Good' : 'Requires Improvement';
}

/**
 * Audit CSVs, one per quarter (`QA_audits_<yyyy>_Q<n>.csv`, additive like the council's
 * workbooks). Each month: Assessment audits with binomial(n, p) good, Case File audits likewise.
 */
export function auditFiles(story: AuditStory = {}): Map<string, string> {
  const s = {
    seed: 20140701,
    from: '2012-09',
    to: '2015-02',
    assessments: [13, 17] as [number, number],
    assessmentGood: [0.18, 0.9] as [number, number],
    stepAt: '2014-07',
    caseFiles: [18, 24] as [number, number],
    caseFileGood: 0.35,
    newGradeFrom: null as string | null,
    newGradeTypes: ['Assessment', 'Case File'],
    renamedType: null as AuditStory['renamedType'],
    ...story,
  };
  const rng = mulberry32(s.seed);
  const files = new Map<string, string[]>();
  let id = 1;
  for (const { y, m, ym } of months(s.from, s.to)) {
    const file = `QA_audits_${y}_Q${Math.floor((m - 1) / 3) + 1}.csv`;
    const rows = files.get(file) ?? [];
    const add = (type: string, n: number, p: number): void => {
      const newLabel = s.newGradeFrom !== null && ym >= s.newGradeFrom && s.newGradeTypes.includes(type);
      const written = s.renamedType && s.renamedType.type === type && ym >= s.renamedType.from ? s.renamedType.as : type;
      const good = binomial(rng, n, p);
      for (let i = 0; i < n; i++) {
        const day = intBetween(rng, 5, 26);
        rows.push(
          [
            `AUD${String(id).padStart(6, '0')}`,
            `C${String(intBetween(rng, 1, 9999)).padStart(6, '0')}`,
            written,
            dmy(y, m, day - 3),
            dmy(y, m, day),
            `W${String(intBetween(rng, 1, 40)).padStart(4, '0')}`,
            i % 3 === 0 ? 'QA' : 'Manager',
            `W${String(intBetween(rng, 41, 200)).padStart(4, '0')}`,
            grade(rng, i < good, newLabel),
          ].join(','),
        );
        id++;
      }
    };
    add('Assessment', intBetween(rng, ...s.assessments), ym < s.stepAt ? s.assessmentGood[0] : s.assessmentGood[1]);
    add('Case File', intBetween(rng, ...s.caseFiles), s.caseFileGood);
    files.set(file, rows);
  }
  return new Map([...files].map(([f, rows]) => [f, [AUDIT_HEADER, ...rows].join('\r\n') + '\r\n']));
}

/**
 * A referrals extract dated `extract`: ~`perMonth` referrals a month from 2012-09 to the extract
 * month, NFA Y for ~30%. `withNfa: false` leaves the `Referral NFA?` column out.
 */
export function referralsExtract(extract: string, o: { seed?: number; perMonth?: number; withNfa?: boolean } = {}): string {
  const rng = mulberry32(o.seed ?? 7);
  const withNfa = o.withNfa ?? true;
  const header = withNfa ? REFERRAL_HEADER : REFERRAL_HEADER.replace(',Referral NFA?', '');
  const rows: string[] = [];
  const [ey, em, ed] = extract.split('-').map(Number) as [number, number, number];
  for (const { y, m } of months('2012-09', extract.slice(0, 7))) {
    const n = intBetween(rng, (o.perMonth ?? 40) - 5, (o.perMonth ?? 40) + 5);
    for (let i = 0; i < n; i++) {
      const day = intBetween(rng, 1, 28);
      if (y === ey && m === em && day > ed) continue;
      const child = `C${String(intBetween(rng, 1, 1500)).padStart(6, '0')}`;
      const cells = [child, 'F', 'WBRI', '01/01/2010', '5', 'Team A', 'W0001', dmy(y, m, day), 'Police'];
      if (withNfa) cells.push(rng() < 0.3 ? 'Y' : 'N');
      rows.push(cells.join(','));
    }
  }
  return [header, ...rows].join('\r\n') + '\r\n';
}

/** A test-only monthly KPI reading the optional `referral_nfa` flag (for schema and code changes). */
export const NFA_KPI = `/*---
{
  "id": "referrals_nfa_pct",
  "title": "Referrals closed with no further action (%)",
  "unit": "percent",
  "measure": "percentage",
  "polarity": "lower",
  "target": null,
  "amber": null,
  "basis": "month",
  "sources": { "case-system/referrals": ["date_of_referral", "referral_nfa"] },
  "summary": "Test only: referrals with no further action.",
  "definition": "Test only: referrals received in the month ending E with NFA recorded: % with NFA Y."
}
---*/
SELECT p.period_end, p.period_start,
       count(*) FILTER (WHERE r.referral_nfa) AS numerator,
       count(r.referral_nfa) AS denominator,
       ref.div_round1(100 * numerator, denominator) AS value,
       CASE WHEN denominator = 0 THEN 'No referral with NFA recorded in the month.' END AS null_reason
FROM ref.kpi_periods($as_of) p
LEFT JOIN core.referrals_at($as_of) r ON r.date_of_referral BETWEEN p.period_start AND p.period_end
GROUP BY ALL ORDER BY p.period_end
`;

export interface BaselineNight {
  root: string;
  landing: string;
  home: string;
  warehouse: string;
  kpiDir: string;
  baselinesConfig: string;
}

/** A temp landing, home, warehouse, a KPI folder holding copies of `kpis` (plus extra files), an empty manual-baselines file. */
export async function baselineNight(kpis: string[], extra: Record<string, string> = {}): Promise<BaselineNight> {
  const root = await mkdtemp(join(tmpdir(), 'csc-kpi-baseline-'));
  const t = {
    root,
    landing: join(root, 'landing'),
    home: join(root, 'home'),
    warehouse: join(root, 'warehouse.duckdb'),
    kpiDir: join(root, 'kpi'),
    baselinesConfig: join(root, 'baselines.json'),
  };
  for (const s of ['case-system', 'hr', 'audits']) await mkdir(join(t.landing, s), { recursive: true });
  await mkdir(t.kpiDir);
  for (const k of kpis) await copyFile(projectPath('sql', 'kpi', `${k}.sql`), join(t.kpiDir, `${k}.sql`));
  for (const [name, text] of Object.entries(extra)) await writeFile(join(t.kpiDir, name), text);
  await writeFile(t.baselinesConfig, '{ "version": 1, "baselines": [] }\n');
  return t;
}

export async function putFiles(t: BaselineNight, source: string, files: Map<string, string> | Record<string, string>): Promise<void> {
  for (const [name, text] of files instanceof Map ? files : Object.entries(files)) await writeFile(join(t.landing, source, name), text);
}

let nightNo = 0;

/**
 * One night as the workflow runs it (pull, load, compute, detect, publish); returns the detection
 * summary, metrics.json and the snapshot folder. `freshnessPath`: a freshness config other than
 * config/freshness.json.
 */
export async function night(
  t: BaselineNight,
  asOf: string,
  o: { freshnessPath?: string } = {},
): Promise<{ detected: DetectBaselinesResult; metrics: MetricsFile; runId: string; path: string }> {
  nightNo++;
  const runId = `run-${nightNo}-${asOf}`;
  const workflowId = `kpi-night-${asOf}`;
  const createdAt = new Date(Date.UTC(2015, 5, 1, 2, 0, nightNo)).toISOString();
  return Warehouse.with(t.warehouse, async (w) => {
    await migrate(w);
    const found = await pullSources(w, { asOf, landing: t.landing, home: t.home });
    for (const f of found.filter((x) => x.status === 'new')) await loadFile(w, f, runId);
    await computeKpis(w, { asOf, workflowId, runId, kpiDir: t.kpiDir, freshnessPath: o.freshnessPath });
    const defs = await readKpiCatalogue({ dir: t.kpiDir });
    const detected = await detectBaselines(w, { home: t.home, asOf, workflowId, runId, createdAt }, { defs, baselinesConfigPath: t.baselinesConfig });
    const published = await publishSnapshot(
      w,
      { asOf, landing: t.landing, home: t.home, workflowId, runId, createdAt, found },
      { catalogue: { dir: t.kpiDir }, freshnessPath: o.freshnessPath },
    );
    const metrics = metricsFile.parse(JSON.parse(await readFile(join(published.path, 'metrics.json'), 'utf8')));
    return { detected, metrics, runId, path: published.path };
  });
}

export async function rows<T = Record<string, unknown>>(t: BaselineNight, sql: string): Promise<T[]> {
  return Warehouse.with(t.warehouse, (w) => w.rows<T>(sql));
}
