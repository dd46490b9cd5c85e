/**
 * The flat rows (metrics.csv/.parquet, public and full) and the published public file (issue 14,
 * "Analysts and dashboards"): numbers stay numbers with a `symbol` beside them, every trend row
 * has its period start, status and comparability, and `notes` is always a list.
 */
import { describe, expect, it } from 'vitest';
import { FLAT_COLUMNS, flattenMetrics, metricsFile, PUBLIC_FLAT_COLUMNS, SCHEMA_VERSION, type MetricRow, type MetricsFile, type SeriesPoint } from '../core/metrics-contract.js';
import { PUBLIC_SCHEMA_PATH, PUBLIC_SCHEMA_VERSION, publicFileOf, publicMetricsJsonSchemaText, publishedPublicFile, suppressForPublic } from '../core/suppression.js';
import { projectPath } from '../core/project-root.js';
import { readFile, writeFile } from 'node:fs/promises';
import { toCsv } from '../core/csv-safe.js';
import { seriesPeriodEnds } from '../core/dates.js';

const AS_OF = '2015-03-15';

function row(kpi: string, basis: MetricRow['basis'], period_start: string, period_end: string, f: Pick<MetricRow, 'value' | 'numerator' | 'denominator'>, extra: Partial<MetricRow> = {}): MetricRow {
  return {
    kpi,
    title: kpi,
    period_start,
    period_end,
    ...f,
    unit: '%',
    polarity: 'higher',
    target: 50,
    status: 'red',
    definition_version: `sha256:${'0'.repeat(64)}`,
    baseline: null,
    comparable_with_previous: true,
    basis,
    stale: false,
    notes: ['a headline note'],
    commentary: null,
    ...extra,
  };
}

/** 25 points per KPI (24 month ends + as-of); the month KPI's as-of point is month to date. */
function series(kpi: string, basis: MetricRow['basis'], f: () => Pick<SeriesPoint, 'value' | 'numerator' | 'denominator'>): SeriesPoint[] {
  return seriesPeriodEnds(AS_OF).map((period_end) => {
    const provisional = basis === 'month' && period_end === AS_OF;
    return { kpi, period_end, ...f(), provisional, status: provisional ? 'none' : 'green' };
  });
}

/**
 * As of 15 March 2015: a month KPI (headline February 2015), a trailing-12-months KPI and a
 * state KPI (headline 15 March). A level shift in the month KPI took effect in July 2014.
 */
function sample(): MetricsFile {
  return metricsFile.parse({
    schema_version: SCHEMA_VERSION,
    snapshot_id: 's1',
    as_of: AS_OF,
    created_at: '2015-03-16T05:00:00Z',
    metrics: [
      row('month_pct', 'month', '2015-02-01', '2015-02-28', { value: 17.6, numerator: 3, denominator: 17 }, { baseline: { period_end: '2014-07-31', value: 60, since: '2014-07-01', reason: 'level shift' }, comparable_with_previous: true }),
      row('t12_pct', 'trailing_12_months', '2014-03-16', AS_OF, { value: 50, numerator: 10, denominator: 20 }),
      row('state_n', 'at_date', AS_OF, AS_OF, { value: 4, numerator: null, denominator: null }, { notes: [] }),
    ],
    series: [
      // month_pct in July 2014 is 3/5: a small denominator, so the baseline value goes too.
      ...series('month_pct', 'month', () => ({ value: 40, numerator: 8, denominator: 20 })),
      ...series('t12_pct', 'trailing_12_months', () => ({ value: 50, numerator: 10, denominator: 20 })),
      ...series('state_n', 'at_date', () => ({ value: 12, numerator: null, denominator: null })),
    ].map((p) => {
      if (p.kpi !== 'month_pct') return p;
      if (p.period_end === '2014-07-31') return { ...p, value: 60, numerator: 3, denominator: 5 };
      return p.period_end === '2015-02-28' ? { ...p, value: 17.6, numerator: 3, denominator: 17 } : p;
    }),
    baseline_events: [{ kpi: 'month_pct', kind: 'level_shift', effective_period: '2014-07', detected_in: 's0', evidence: {} }],
    data_quality: { sources: [], gaps: [] },
  });
}

describe('the published public file', () => {
  const pub = publishedPublicFile.parse(publicFileOf(suppressForPublic(sample())));

  it('has its own version, which follows the full file’s (a change to either bumps it)', () => {
    expect(PUBLIC_SCHEMA_VERSION).toBe(`${SCHEMA_VERSION}.1`);
    expect(pub.schema_version).toBe(`${SCHEMA_VERSION}.1`);
  });

  it('ships its JSON Schema (schema/public-metrics.schema.json), generated from the contract', async () => {
    const path = projectPath(PUBLIC_SCHEMA_PATH);
    if (process.env.UPDATE_SCHEMA) await writeFile(path, publicMetricsJsonSchemaText());
    expect(await readFile(path, 'utf8')).toBe(publicMetricsJsonSchemaText());
    const schema = JSON.parse(publicMetricsJsonSchemaText()) as { properties: { metrics: { items: { properties: { value: unknown; symbol: unknown } } } } };
    expect(schema.properties.metrics.items.properties.value).toEqual({ type: ['number', 'null'] });
    expect(schema.properties.metrics.items.properties.symbol).toEqual({ anyOf: [{ type: 'string', const: 'c' }, { type: 'null' }] });
  });

  it('keeps numbers numbers: a suppressed figure is null with symbol "c"; its status stays the code "c"', () => {
    expect(pub.metrics[0]).toMatchObject({ value: null, numerator: null, denominator: 17, symbol: 'c', status: 'c' });
    expect(pub.metrics[0]?.baseline).toMatchObject({ value: null, symbol: 'c', period_end: '2014-07-31' });
    expect(pub.metrics[1]).toMatchObject({ value: 50, numerator: 10, denominator: 20, symbol: null, status: 'red' });
    expect(pub.metrics[2]).toMatchObject({ value: null, symbol: 'c' });
    expect(pub.series.find((p) => p.kpi === 'month_pct' && p.period_end === '2014-07-31')).toMatchObject({ value: null, numerator: null, denominator: null, symbol: 'c' });
    expect(pub.series.find((p) => p.kpi === 't12_pct' && p.period_end === AS_OF)).toMatchObject({ value: 50, symbol: null });
    // Nowhere a "c" where a number belongs.
    const numbers = [...pub.metrics, ...pub.series].flatMap((r) => [r.value, r.numerator, r.denominator]);
    expect(numbers.every((n) => n === null || typeof n === 'number')).toBe(true);
  });

  it('flat (public/metrics.csv and .parquet): value a number or empty, the symbol in its own column', () => {
    const flat = flattenMetrics(pub);
    expect(PUBLIC_FLAT_COLUMNS.slice(PUBLIC_FLAT_COLUMNS.indexOf('value'), PUBLIC_FLAT_COLUMNS.indexOf('value') + 2)).toEqual(['value', 'symbol']);
    expect(PUBLIC_FLAT_COLUMNS).toContain('baseline_symbol');
    expect(FLAT_COLUMNS).not.toContain('symbol' as never);
    const feb = flat.find((r) => r.kpi === 'month_pct' && r.is_current)!;
    expect(feb).toMatchObject({ value: null, symbol: 'c', baseline_value: null, baseline_symbol: 'c' });
    const csv = toCsv(flat, [...PUBLIC_FLAT_COLUMNS]);
    expect(csv.split('\r\n')[0]).toBe(`\uFEFF${PUBLIC_FLAT_COLUMNS.join(',')}`);
    const values = csv
      .split('\r\n')
      .slice(1)
      .filter(Boolean)
      .map((l) => l.split(',')[PUBLIC_FLAT_COLUMNS.indexOf('value')]);
    expect(values.every((v) => v === '' || /^\d+(\.\d+)?$/.test(v!))).toBe(true);
  });
});

describe('the flat rows (metrics.csv, metrics.parquet, public and full)', () => {
  const flat = flattenMetrics(sample());
  const at = (kpi: string, period_end: string) => flat.find((r) => r.kpi === kpi && r.period_end === period_end)!;

  it('fill period_start on every trend row from the KPI’s basis', () => {
    // month: the 1st of the month; trailing 12 months: the day after E − 12 months; a state: E.
    expect(at('month_pct', '2014-07-31').period_start).toBe('2014-07-01');
    expect(at('month_pct', AS_OF).period_start).toBe('2015-03-01'); // month to date: 1 to 15 March
    expect(at('t12_pct', '2015-02-28').period_start).toBe('2014-03-01');
    expect(at('t12_pct', '2014-02-28').period_start).toBe('2013-03-01');
    expect(at('state_n', '2014-12-31').period_start).toBe('2014-12-31');
    expect(flat.every((r) => typeof r.period_start === 'string')).toBe(true);
  });

  it('give status and comparable_with_previous on every row: false on the first point of a new baseline', () => {
    expect(flat.every((r) => typeof r.status === 'string' && typeof r.comparable_with_previous === 'boolean')).toBe(true);
    expect(flat.filter((r) => r.comparable_with_previous === false).map((r) => `${r.kpi} ${r.period_end}`)).toEqual(['month_pct 2014-07-31']);
    expect(at('month_pct', AS_OF)).toMatchObject({ provisional: true, status: 'none' });
    // The headline row keeps the metric row's own flag and fields.
    expect(at('month_pct', '2015-02-28')).toMatchObject({ is_current: true, comparable_with_previous: true, stale: false, baseline_period_end: '2014-07-31' });
  });

  it('always give notes as a list: the headline’s notes, [] on trend rows', () => {
    expect(flat.every((r) => Array.isArray(r.notes))).toBe(true);
    expect(at('month_pct', '2015-02-28').notes).toEqual(['a headline note']);
    expect(at('month_pct', '2015-01-31').notes).toEqual([]);
    const csv = toCsv(flat, [...FLAT_COLUMNS]);
    expect(csv.split('\r\n').filter(Boolean).slice(1).every((l) => l.endsWith(',[]') || l.endsWith('"[""a headline note""]"'))).toBe(true);
  });
});
