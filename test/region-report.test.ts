/**
 * The regional report (core/region-report-html.ts): councils × measures with statuses in words,
 * the region's spread per measure, each council against the regional median with its rank and
 * quartile, failed and stale councils named; one self-contained page, WCAG 2.1 AA in headless
 * chromium (axe-core).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { againstMedianText, renderRegionReport } from '../core/region-report-html.js';
import { buildRegionSnapshot, type CouncilFigures, type HeadlineRow } from '../core/region-rollup.js';
import type { RegionSnapshotFile } from '../core/region-snapshot.js';
import { axeViolations, launchChromium } from './helpers/axe-chromium.js';

const RR = { kpi: 're_referral_12m_pct', title: 'Re-referrals within 12 months (%)', unit: '%', polarity: 'lower' as const };
const CIN = { kpi: 'cin_without_plan_6wk', title: 'Children in need without a plan after 6 weeks', unit: 'count', polarity: 'lower' as const };
const STAY = { kpi: 'agency_avg_stay_weeks', title: 'Average stay of agency social workers', unit: 'weeks', polarity: 'higher' as const };

function rows(rr: number | null, cin: number, stay: number, status: HeadlineRow['status'] = 'amber'): HeadlineRow[] {
  const base = { definition_version: `sha256:${'c'.repeat(64)}`, period_end: '2015-01-31', numerator: null, denominator: null, status };
  return [
    { ...RR, ...base, value: rr, numerator: rr === null ? null : 10, denominator: rr === null ? null : 40 },
    { ...CIN, ...base, value: cin, status: 'red' },
    { ...STAY, ...base, value: stay, status: 'none' },
  ];
}

function council(id: string, name: string, status: CouncilFigures['status'], r: HeadlineRow[], reason: string | null = null): CouncilFigures {
  return { id, name, laCode: '30' + id.length, status, snapshotId: status === 'failed' ? null : `snap-${id}`, snapshotAsOf: status === 'stale' ? '2015-02-27' : status === 'failed' ? null : '2015-02-28', signature: status === 'failed' ? null : 'signed', reason, rows: status === 'failed' ? [] : r };
}

function sample(): RegionSnapshotFile {
  return buildRegionSnapshot({
    snapshotId: '2015-02-28_20150301T051000Z_abcdef12',
    asOf: '2015-02-28',
    createdAt: '2015-03-01T05:10:00.000Z',
    region: 'North <Thames> & Co',
    councils: [
      council('barnet', 'Barnet', 'published', rows(22.1, 250, 36.3, 'green')),
      council('camden', 'Camden', 'published', rows(24.1, 180, 34)),
      council('enfield', 'Enfield', 'published', rows(null, 300, 34.3)),
      council('harrow', 'Harrow', 'stale', rows(19.9, 90, 30), "Tonight's night failed: The landing folder /srv/harrow/landing does not exist or is not a folder. Its figures are from the night of 27 February 2015 (snapshot snap-harrow)."),
      council('brent', 'Brent', 'failed', [], 'The landing folder /srv/brent/landing does not exist or is not a folder.'),
    ],
    neighbours: [
      { council: 'barnet', nearest: [{ council: 'enfield', position: 2, closeness: 'Very Close' }, { council: 'camden', position: 7, closeness: 'Close' }] },
      { council: 'camden', nearest: [] },
      { council: 'enfield', nearest: [{ council: 'barnet', position: 1, closeness: 'Extremely Close' }] },
      { council: 'harrow', nearest: [] },
      { council: 'brent', nearest: [] },
    ],
    notes: ['Westminster (LA code 213) is not in the statistical neighbour file, so it has no neighbours here.'],
  });
}

/** What a reader sees: tags dropped, the five entities the report writes decoded, spaces collapsed. */
const text = (html: string) =>
  html
    .replace(/<style>[\s\S]*?<\/style>/, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');

describe('the regional report', () => {
  const html = renderRegionReport(sample());
  const words = text(html);

  it('is one self-contained page: no scripts, no links out, every text escaped', () => {
    expect(html).not.toMatch(/<script|<link|https?:\/\/|src=/i);
    expect(html).toContain('North &lt;Thames&gt; &amp; Co');
    expect(html).not.toContain('<Thames>');
  });

  it('names each council’s night first: published, stale with its date, failed with its reason', () => {
    expect(words).toContain('5 councils: 3 published tonight; 1 stale (shown from an earlier night, left out of the region\'s figures); 1 failed (no figures).');
    expect(words).toContain('Barnet 306 Published tonight The night of 28 February 2015 Signed, and the signature checked');
    expect(words).toContain("Stale — Tonight's night failed: The landing folder /srv/harrow/landing does not exist or is not a folder. Its figures are from the night of 27 February 2015 (snapshot snap-harrow).");
    expect(words).toContain('Failed — The landing folder /srv/brent/landing does not exist or is not a folder.');
  });

  it('tables councils × measures with each status in words, stale figures marked, failed councils without figures', () => {
    expect(html).toContain('<caption id="grid-caption">Every measure for every council as of 28 February 2015</caption>');
    expect(words).toContain('Green meets or beats the target; Amber is worse than the target, within tolerance; Red is worse than the target');
    expect(words).toContain('Re-referrals within 12 months (%) 22.1% Green 24.1% Amber Not available Amber 19.9% (stale: from 27 February 2015) Amber No figures — the night failed');
    expect(words).toContain('Children in need without a plan after 6 weeks 250 Red 180 Red 300 Red 90 (stale: from 27 February 2015) Red No figures — the night failed');
  });

  it('gives each measure’s spread and each council against the regional median, with rank and quartile', () => {
    // Re-referrals, tonight's councils with a value: Barnet 22.1, Camden 24.1 → mean = median 23.1.
    expect(words).toContain('2 councils have a figure (lower is better). Mean 23.1%, median 23.1%; lowest 22.1% (Barnet), highest 24.1% (Camden).');
    expect(words).toContain('Barnet 22.1% 31 January 2015 Green — meets or beats target 1 percentage point below the regional median — better 1 of 2 B (second quarter)');
    expect(words).toContain('Camden 24.1% 31 January 2015 Amber — worse than target, within tolerance 1 percentage point above the regional median — worse 2 of 2 D (bottom quarter)');
    expect(words).toContain('Enfield not available 31 January 2015 Amber — worse than target, within tolerance Not compared: no figure tonight');
    expect(words).toContain('Harrow 19.9% 31 January 2015 Amber — worse than target, within tolerance Not compared: stale figures');
    // Average stay, higher is better: Barnet 36.3 against a median of 34.3.
    expect(words).toContain('Barnet 36.3 weeks 31 January 2015 No status 2 weeks above the regional median — better 1 of 3 B (second quarter)');
    // A count: "180", not "180 count".
    expect(words).toContain('Camden 180 31 January 2015 Red — worse than target 70 below the regional median — better 1 of 3 B (second quarter)');
  });

  it('says at the median in words', () => {
    expect(againstMedianText({ kpi: 'k', council: 'c', rank: 1, of: 1, quartile: 'D', difference_from_median: 0, neighbours_median: null }, RR)).toBe('At the regional median');
  });

  it('lists each council’s statistical neighbours in the region, and their median for each measure', () => {
    expect(words).toContain('Barnet: Enfield (2nd nearest, very close); Camden (7th nearest, close)');
    expect(words).toContain('Camden: none of its statistical neighbours is in the region');
    // Barnet's neighbours' median for children in need without a plan: Enfield 300, Camden 180 → 240.
    expect(words).toContain('Barnet 250 31 January 2015 Red — worse than target At the regional median 2 of 3 C (third quarter) 240');
    expect(words).toContain('Westminster (LA code 213) is not in the statistical neighbour file');
  });
});

describe('regional report accessibility in headless chromium (axe-core, WCAG 2.1 A/AA)', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('has no WCAG 2.1 A/AA violations, loads nothing from outside, and prints', async () => {
    const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1100, height: 900 } });
    try {
      const page = await context.newPage();
      const requests: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      await page.setContent(renderRegionReport(sample()), { waitUntil: 'load' });
      expect(await axeViolations(page)).toEqual([]);
      expect(requests.filter((u) => !u.startsWith('about:') && !u.startsWith('data:'))).toEqual([]);
      const pdf = await page.pdf({ format: 'A4', preferCSSPageSize: true });
      // The councils and the grid, then each of the 3 measures on a page of its own.
      expect(pdf.toString('latin1').match(/\/Type\s*\/Page(?!s)/g)?.length ?? 0).toBeGreaterThanOrEqual(4);
    } finally {
      await context.close();
    }
  });
});
