/**
 * The indicator map (`config/benchmark-indicators.json`, spec benchmarks.md): for each KPI with a
 * published comparator, the DfE publication, the file name pattern of its Explore Education
 * Statistics (EES) open-data CSV, the column names it has had release by release, and the kind
 * of period its `time_period` names. Pure: parsing, checking, the benchmark definition version of
 * each KPI, and matching a file's name and header to the indicators it carries. Reading the file
 * is activities/benchmark-config.ts.
 *
 * A KPI's **benchmark definition version** is the sha256 of its own entry (and its id), so an
 * edit to one KPI's entry is a `definition_changed` event for that KPI's benchmark alone
 * (activities/detect-baselines.ts); the **map version** hashes the whole map, and a benchmark file
 * loaded under another map version is read again (activities/pull.ts), since which of its columns
 * are indicators may have changed.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { formatIso } from './dates.js';

export const BENCHMARK_INDICATORS_CONFIG = 'config/benchmark-indicators.json';

/**
 * What a file's `time_period` names for an indicator:
 * - `financial_year`: `201415` = 1 April 2014 to 31 March 2015;
 * - `at_30_september`: `2014` = the state at 30 September 2014 (a census date);
 * - `year_to_30_september`: `2014` = the 12 months 1 October 2013 to 30 September 2014.
 */
export const PERIOD_TYPES = ['financial_year', 'at_30_september', 'year_to_30_september'] as const;
export type PeriodType = (typeof PERIOD_TYPES)[number];

const indicatorEntry = z.strictObject({
  /** The DfE statistical release, in words (shown in notes). */
  publication: z.string().trim().min(1),
  /** The file name pattern: `*` any characters, `?` one; matched case-insensitively against the whole name. */
  file: z.string().trim().min(1),
  /** Every column name accepted for the indicator, the current release's first; `releases` says which releases used it. */
  columns: z.array(z.strictObject({ name: z.string().trim().min(1), releases: z.string().trim().min(1) })).min(1),
  period: z.enum(PERIOD_TYPES),
});

export const benchmarkIndicatorsFile = z.strictObject({
  version: z.literal(1),
  indicators: z.record(z.string().regex(/^[a-z0-9_]+$/, 'a KPI id'), indicatorEntry),
});

export type IndicatorEntry = z.infer<typeof indicatorEntry>;
export type BenchmarkIndicators = z.infer<typeof benchmarkIndicatorsFile>;

/** The spec's five indicators: what a missing config/benchmark-indicators.json means. */
export const DEFAULT_BENCHMARK_INDICATORS: BenchmarkIndicators = {
  version: 1,
  indicators: {
    re_referral_12m_pct: {
      publication: 'Characteristics of children in need',
      file: 'c1_children_in_need_referrals_and_rereferrals_*.csv',
      columns: [
        { name: 'rereferral_percent', releases: 'current releases' },
        { name: 'Re_referrals_percent', releases: 'older releases' },
      ],
      period: 'financial_year',
    },
    cp_repeat_plan_pct: {
      publication: 'Characteristics of children in need',
      file: 'd3_cpps_subsequent_plan_*.csv',
      columns: [{ name: 'CPP_subsequent_percent', releases: 'all releases' }],
      period: 'financial_year',
    },
    agency_rate_fte_pct: {
      publication: "Children's social work workforce",
      file: 'csww_indicators_*.csv',
      columns: [{ name: 'agency_rate_fte', releases: 'all releases' }],
      period: 'at_30_september',
    },
    turnover_rate_fte_pct: {
      publication: "Children's social work workforce",
      file: 'csww_indicators_*.csv',
      columns: [
        { name: 'turnover_rate_fte', releases: 'current releases' },
        { name: 'turnover_rate_fte_%', releases: 'older releases' },
      ],
      period: 'year_to_30_september',
    },
    avg_caseload: {
      publication: "Children's social work workforce",
      file: 'csww_indicators_*.csv',
      columns: [{ name: 'caseload_fte', releases: 'all releases' }],
      period: 'at_30_september',
    },
  },
};

const sha256 = (s: string): string => `sha256:${createHash('sha256').update(s).digest('hex')}`;
const key = (name: string): string => name.trim().toLowerCase();

/**
 * Parses the map's text and checks it: no column name claimed by two indicators (a cell must
 * belong to one). An entry for a KPI id the catalogue does not hold is not an error — a council's
 * catalogue may be a subset — it is simply never read. Errors, never a throw.
 */
export function parseBenchmarkIndicators(text: string, file = BENCHMARK_INDICATORS_CONFIG): { value?: BenchmarkIndicators; errors: string[] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { errors: [`${file}: not valid JSON: ${(e as Error).message}`] };
  }
  const parsed = benchmarkIndicatorsFile.safeParse(json);
  if (!parsed.success) return { errors: parsed.error.issues.map((i) => `${file}: ${i.path.join('.') || '(top level)'}: ${i.message}`) };
  const errors = checkIndicators(parsed.data, file);
  return errors.length > 0 ? { errors } : { value: parsed.data, errors };
}

export function checkIndicators(map: BenchmarkIndicators, file = BENCHMARK_INDICATORS_CONFIG): string[] {
  const errors: string[] = [];
  const owner = new Map<string, string>();
  for (const [kpi, entry] of Object.entries(map.indicators)) {
    for (const c of entry.columns) {
      const before = owner.get(key(c.name));
      if (before !== undefined && before !== kpi) errors.push(`${file}: indicators.${kpi}: the column "${c.name}" is also an indicator of ${before}; a column can serve one KPI only`);
      if (before === kpi) errors.push(`${file}: indicators.${kpi}: the column "${c.name}" is listed twice`);
      owner.set(key(c.name), kpi);
    }
  }
  return errors;
}

/** The benchmark definition version of one KPI: its id and its entry, every field, in a fixed order. */
export function benchmarkVersion(kpi: string, entry: IndicatorEntry): string {
  return sha256(JSON.stringify([kpi, entry.publication, entry.file, entry.columns.map((c) => [c.name, c.releases]), entry.period]));
}

/** The version of the whole map: a file loaded under another one is read again. */
export function mapVersion(map: BenchmarkIndicators): string {
  return sha256(JSON.stringify(Object.keys(map.indicators).sort().map((k) => benchmarkVersion(k, map.indicators[k]!))));
}

/** A `*`/`?` file pattern as a whole-name, case-insensitive test. */
export function fileMatches(pattern: string, name: string): boolean {
  const re = pattern
    .trim()
    .split('')
    .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
    .join('');
  return new RegExp(`^${re}$`, 'i').test(name);
}

/** One indicator column of a file: the KPI it serves and its position and spelling in the header. */
export interface IndicatorColumn {
  kpi: string;
  column: string;
  position: number;
}

/**
 * The indicator columns of a file. The KPIs considered are those whose file pattern matches the
 * name; a file whose name matches no pattern at all (a download renamed by hand) is read by its
 * columns alone, since no column name serves two KPIs. For each KPI, the first of its accepted
 * names present in the header (the current release's before older ones).
 */
export function indicatorColumns(map: BenchmarkIndicators, fileName: string, header: readonly string[]): IndicatorColumn[] {
  const entries = Object.entries(map.indicators);
  const named = entries.filter(([, e]) => fileMatches(e.file, fileName));
  const considered = named.length > 0 ? named : entries;
  const positions = new Map<string, number>();
  header.forEach((h, i) => {
    if (!positions.has(key(h))) positions.set(key(h), i);
  });
  const out: IndicatorColumn[] = [];
  for (const [kpi, e] of considered) {
    const hit = e.columns.find((c) => positions.has(key(c.name)));
    if (hit) out.push({ kpi, column: header[positions.get(key(hit.name))!]!, position: positions.get(key(hit.name))! });
  }
  return out.sort((a, b) => a.position - b.position);
}

/** The dates a `time_period` names for a period type; null when it is not that kind of period. */
export function periodOf(type: PeriodType, timePeriod: string): { start: string; end: string } | null {
  const t = timePeriod.trim();
  if (type === 'financial_year') {
    const m = /^(\d{4})(\d{2})$/.exec(t);
    if (!m) return null;
    const y = Number(m[1]);
    if ((y + 1) % 100 !== Number(m[2])) return null;
    return { start: formatIso(y, 4, 1), end: formatIso(y + 1, 3, 31) };
  }
  if (!/^\d{4}$/.test(t)) return null;
  const y = Number(t);
  if (type === 'at_30_september') return { start: formatIso(y, 9, 30), end: formatIso(y, 9, 30) };
  return { start: formatIso(y - 1, 10, 1), end: formatIso(y, 9, 30) };
}

/** A `time_period` EES could mean at all: a year (`2014`) or a financial or academic year (`201415`). */
export function isTimePeriod(text: string): boolean {
  const t = text.trim();
  if (/^\d{4}$/.test(t)) return true;
  const m = /^(\d{4})(\d{2})$/.exec(t);
  return m !== null && (Number(m[1]) + 1) % 100 === Number(m[2]);
}
