/**
 * "How we compare" in the committee report (core/report-benchmark.ts): the spec's sentence with the
 * year named, the rank and quartile in words, symbols in words, the chart with its text alternative
 * and table, the public variant's suppressed own figure, and no WCAG 2.1 A/AA violation in headless
 * chromium (axe-core). Also `snapshots diff` naming a new benchmark year.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriesPeriodEnds } from '../core/dates.js';
import { metricsFile, SCHEMA_VERSION, type Benchmark, type MetricsFile } from '../core/metrics-contract.js';
import { benchmarkSection, benchmarkSentence, rankSentence } from '../core/report-benchmark.js';
import { renderReport } from '../core/report-html.js';
import { diffSnapshots, formatDiff } from '../core/snapshot-diff.js';
import { suppressForPublic } from '../core/suppression.js';
import { axeViolations, launchChromium } from './helpers/axe-chromium.js';

const AS_OF = '2015-06-30';
const HASH = `sha256:${'b'.repeat(64)}`;

/** The spec's example. */
const EXAMPLE: Benchmark = {
  file: 'c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv',
  time_period: '201415',
  period_start: '2014-04-01',
  period_end: '2015-03-31',
  council_published: 23.1,
  council_same_period: 23.4,
  england: 24.0,
  region: 21.7,
  region_name: 'London',
  statistical_neighbours: { mean: 22.5, median: 22.0, count: 9, missing: ['Bexley'] },
  rank: 61,
  of: 150,
  quartile: 'B',
  symbols: { council_published: null },
};
const REREFERRALS = { kpi: 're_referral_12m_pct', title: 'Re-referrals within 12 months (%)', unit: 'percent', polarity: 'lower' as const };

function metrics(benchmark: Benchmark | null, series: { numerator: number; denominator: number }[] = []): MetricsFile {
  const ends = seriesPeriodEnds(AS_OF);
  return metricsFile.parse({
    schema_version: SCHEMA_VERSION,
    snapshot_id: `${AS_OF}_20150701T050000Z_01a2b3c4`,
    as_of: AS_OF,
    created_at: '2015-07-01T05:00:00Z',
    metrics: [
      {
        ...REREFERRALS,
        period_start: '2015-06-01',
        period_end: AS_OF,
        value: 24.1,
        numerator: 241,
        denominator: 1000,
        target: 22,
        status: 'amber',
        definition_version: HASH,
        baseline: null,
        comparable_with_previous: true,
        basis: 'month',
        stale: false,
        notes: [],
        benchmark,
      },
    ],
    series: ends.map((period_end, i) => ({ kpi: REREFERRALS.kpi, period_end, value: 24.1, numerator: series[i]?.numerator ?? 241, denominator: series[i]?.denominator ?? 1000, provisional: false, status: 'amber' })),
    baseline_events: [],
    data_quality: { sources: [], gaps: [] },
  });
}

describe('how we compare, in words', () => {
  it('the spec’s sentence, with the year named, and the rank and quartile in words', () => {
    expect(benchmarkSentence(REREFERRALS, EXAMPLE)).toBe(
      'In 2014-15, 23.4% of our referrals were re-referrals (the Department for Education published 23.1% for us); England 24.0%, London 21.7%, our statistical neighbours 22.5% on average.',
    );
    expect(rankSentence(REREFERRALS, EXAMPLE)).toBe(
      'Ranked 61st of 150 local authorities with a published figure (1st is best: lower is better), in quartile B, the second quarter. Statistical neighbours: 9 with a figure, median 22.0%; no published figure for Bexley.',
    );
  });

  it('a census date and the 12 months to it are named as such; symbols are said in words', () => {
    const agency = { kpi: 'agency_rate_fte_pct', title: 'Agency social workers (% of FTE)', unit: 'percent', polarity: 'lower' as const };
    const atDate = { ...EXAMPLE, time_period: '2014', period_start: '2014-09-30', period_end: '2014-09-30', council_same_period: null, council_published: null, england: null, symbols: { council_published: 'c' as const }, statistical_neighbours: null, rank: null, quartile: null };
    expect(benchmarkSentence(agency, atDate)).toBe(
      'At 30 September 2014, the Department for Education’s figure for us is suppressed (c), and our own figure for that year is not available; England not published, London 21.7%.',
    );
    expect(rankSentence(agency, atDate)).toBe('Not ranked: the council has no published figure for that year (150 local authorities have one).');
    const caseload = { kpi: 'avg_caseload', title: 'Average caseload (children per FTE)', unit: 'children per FTE', polarity: 'lower' as const };
    const year = { ...EXAMPLE, time_period: '2014', period_start: '2013-10-01', period_end: '2014-09-30', council_same_period: 9.9, council_published: 10.1, symbols: { council_published: 'u' as const } };
    expect(benchmarkSentence(caseload, year)).toMatch(/^In the 12 months to 30 September 2014, our average caseload was 9\.9 children per FTE \(the Department for Education published 10\.1 children per FTE \(low reliability\) for us\); England 24\.0 children per FTE/);
  });

  it('the section: sentence, chart with its title and description, the table behind it, the source; nothing without a benchmark', () => {
    const html = benchmarkSection({ ...REREFERRALS, benchmark: EXAMPLE }, 'kpi-1');
    // A measure's section is an h3 (the committee report's layout): its parts are h4s.
    expect(html).toContain('<h4>How we compare</h4>');
    expect(html).toContain('<svg class="benchmark-chart"');
    expect(html).toContain('<title id="kpi-1-benchmark-title">How we compare: Re-referrals within 12 months (%), 2014-15</title>');
    expect(html).toContain('<th scope="row">Statistical neighbours, median</th><td class="num">22.0%</td>');
    expect(html).toContain('Source: c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv (Department for Education, Explore Education Statistics), time period 201415.');
    expect(benchmarkSection({ ...REREFERRALS, benchmark: null }, 'kpi-1')).toBe('');
    expect(benchmarkSection(REREFERRALS, 'kpi-1')).toBe('');
    expect(renderReport(metrics(EXAMPLE))).toContain('In 2014-15, 23.4% of our referrals were re-referrals');
  });

  it('the public variant: our own figure for the year is suppressed with anything else of the KPI', () => {
    const small = suppressForPublic(metrics(EXAMPLE, [{ numerator: 3, denominator: 40 }]));
    expect(small.metrics[0]?.benchmark?.council_same_period).toBe('c');
    expect(small.metrics[0]?.benchmark?.council_published).toBe(23.1);
    expect(renderReport(small)).toContain('In 2014-15, c (suppressed: a small number) of our referrals were re-referrals');
    expect(suppressForPublic(metrics(EXAMPLE)).metrics[0]?.benchmark?.council_same_period).toBe(23.4);
  });
});

describe('snapshots diff', () => {
  it('names a KPI whose benchmark year moved', () => {
    const manifest = (id: string) => ({ snapshot_id: id, sources: [], kpi_definitions: { re_referral_12m_pct: HASH } });
    const before = metrics({ ...EXAMPLE, time_period: '201314', period_start: '2013-04-01', period_end: '2014-03-31' });
    const d = diffSnapshots({ metrics: before, manifest: manifest('A') }, { metrics: metrics(EXAMPLE), manifest: manifest('B') });
    expect(d.benchmark_years).toEqual([{ kpi: 're_referral_12m_pct', before: '2013-14', after: '2014-15', file: EXAMPLE.file }]);
    expect(formatDiff(d)).toContain('Benchmark years changed: 1\n  re_referral_12m_pct: 2013-14 → 2014-15 (c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv)');
  });
});

describe('accessibility in headless chromium (axe-core, WCAG 2.1 A/AA)', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('a report with a comparison has no violations', async () => {
    const context = await browser.newContext({ bypassCSP: true });
    try {
      const page = await context.newPage();
      await page.setContent(renderReport(metrics(EXAMPLE)), { waitUntil: 'load' });
      expect(await axeViolations(page)).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
