/**
 * The committee report as the pipeline publishes it: a real night on a small fixture (referrals,
 * a managers' commentary file with one bad row), then the snapshot's report.html (and
 * public/report.html) opened from disk in headless Chromium (Debian's package) and checked with
 * axe-core at WCAG 2.1 A/AA: zero violations, nothing loaded from anywhere but the file itself.
 * Its structure is read from the rendered page: the scorecard groups in order, a commentary and a
 * "no commentary this month", no JSON, hash, path, id or config name in any text before the
 * "For the data team" appendix, and every hash and file of the snapshot inside it.
 *
 * With REPORT_SCREENSHOT set, also saves docs/report-screenshot.png and
 * docs/report-measure-screenshot.png (linked from the README): of `<REPORT_SAMPLE_HOME>/snapshots/latest/report.html` when that is set (the committed sample
 * run: `node bin/csc-kpi.js run --landing fixtures/sample/landing --as-of 2015-02-28 --home /tmp/x`),
 * else of this test's report.
 */
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricsFile } from '../core/metrics-contract.js';
import { projectPath } from '../core/project-root.js';
import { runNight, writeReferrals } from './helpers/snapshot-night.js';
import { axeViolations, launchChromium, type AxeViolation } from './helpers/axe-chromium.js';


interface Audit {
  violations: AxeViolation[];
  foreignRequests: string[];
  headings: string[];
  /** Every text node before `<section id="data-team">` (SVG titles and descriptions included), and the appendix's text. */
  bodyText: string;
  appendixText: string;
}

/** What a councillor must not be handed before the appendix. */
const TECHNICAL_IN_BODY: [string, RegExp][] = [
  ['JSON', /[{}[\]]/],
  ['a hash', /sha256|\b[0-9a-f]{16,}\b/i],
  ['a file or source path', /\b[\w.-]+\.(ts|js|json|sql|csv|xlsx|md)\b|\b(core|activities|sql|config|case-system|audits|hr|commentary)\//],
  ['a config file name', /code-mappings|freshness\.json|baselines\.json/],
  ['a snapshot id', /\d{4}-\d{2}-\d{2}_\d{8}T\d{6}Z/],
  ['a KPI id', /\b[a-z0-9]+(_[a-z0-9]+){2,}\b/],
  ['statistics', /likelihood|threshold|statistic/i],
  ['engineer counting words', /\(s\)|\brows?\b/],
];

describe('the published report.html in headless Chromium with axe-core (WCAG 2.1 A/AA)', () => {
  let browser: Browser;
  let snapshot: string;

  beforeAll(async () => {
    browser = await launchChromium();
    const root = await mkdtemp(join(tmpdir(), 'csc-kpi-report-'));
    const landing = join(root, 'landing');
    await writeReferrals(landing, '2015-02-28', [
      ['C1', '28/02/2014'],
      ['C1', '28/02/2015'],
      ['C2', '01/03/2014'],
      ['C2', '10/02/2015'],
      ['C3', '05/02/2015'],
      ['C4', '20/01/2015'],
      ['C4', '03/02/2015'],
      ['C5', '14/12/2014'],
      ['C5', '14/01/2015'],
    ]);
    await mkdir(join(landing, 'commentary'), { recursive: true });
    await writeFile(
      join(landing, 'commentary', '2015-02.csv'),
      'KPI,Commentary,Author role\r\nre_referral_12m_pct,"Re-referrals are above target; every step-down is now reviewed before closure.","Head of Service, Front Door"\r\nno_such_measure,Misfiled.,Head of Service\r\n',
    );
    snapshot = (await runNight({ home: join(root, 'home'), landing, asOf: '2015-02-28', runId: 'run-report-01', createdAt: '2015-03-01T02:00:00.000Z' })).path;
  });

  afterAll(async () => {
    await browser?.close();
  });

  async function audit(file: string, screenshot?: string, measureShot?: { selector: string; path: string }): Promise<Audit> {
    // The page's own CSP forbids scripts; bypass it only so the test can inject axe.
    const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1100, height: 1400 } });
    try {
      const page = await context.newPage();
      const url = pathToFileURL(file).href;
      const foreignRequests: string[] = [];
      page.on('request', (r) => {
        if (r.url() !== url && !r.url().startsWith('data:')) foreignRequests.push(r.url());
      });
      await page.goto(url, { waitUntil: 'load' });
      if (screenshot) {
        await mkdir(projectPath('docs'), { recursive: true });
        await page.screenshot({ path: screenshot, fullPage: false });
      }
      if (measureShot) await page.locator(measureShot.selector).screenshot({ path: measureShot.path });
      const headings = await page.locator('h1, h2').allInnerTexts();
      const { bodyText, appendixText } = await page.evaluate(() => {
        // Runs in the browser; the project's tsconfig has no DOM lib, hence the casts.
        const doc = (globalThis as unknown as { document: { body: unknown; getElementById: (id: string) => unknown; createRange: () => { setStartBefore: (n: unknown) => void; setEndBefore: (n: unknown) => void; toString: () => string } } }).document;
        const appendix = doc.getElementById('data-team') as { textContent: string } | null;
        if (!appendix) return { bodyText: '', appendixText: '' };
        const range = doc.createRange();
        range.setStartBefore(doc.body);
        range.setEndBefore(appendix);
        return { bodyText: range.toString(), appendixText: appendix.textContent };
      });
      const violations = await axeViolations(page);
      return { violations, foreignRequests, headings, bodyText, appendixText };
    } finally {
      await context.close();
    }
  }

  it('report.html has no violations and loads nothing else', async () => {
    const { violations, foreignRequests, headings } = await audit(join(snapshot, 'report.html'));
    expect(violations).toEqual([]);
    expect(foreignRequests).toEqual([]);
    expect(headings[0]).toBe("Children's social care performance report");
  });

  it('report.html reads in scorecard order, shows a commentary and says where there is none, and keeps every technical detail in the appendix for the data team', async () => {
    const { headings, bodyText, appendixText } = await audit(join(snapshot, 'report.html'));
    expect(headings).toEqual([
      "Children's social care performance report",
      'Summary',
      'Front door and assessment',
      'Child in need and child protection',
      'Children in care and care leavers',
      'Courts',
      'Workforce',
      'Quality assurance',
      'Baselines and gaps',
      'For the data team',
    ]);
    expect(bodyText).toContain('Re-referrals are above target; every step-down is now reviewed before closure.');
    expect(bodyText).toContain('— Head of Service, Front Door, February 2015');
    expect(bodyText).toContain('No commentary this month: none was received for February 2015.');
    // Only referrals arrived: the other measures say so in words, not with the file pattern.
    expect(bodyText).toContain('no children in need extract dated on or before 28 February 2015 has been received');
    expect(bodyText).toContain('1 commentary entry in the commentary file for February 2015 was left out because it breaks a recording rule');
    for (const [what, re] of TECHNICAL_IN_BODY) expect(bodyText.match(re)?.[0], `${what} before the appendix`).toBeUndefined();

    const m = metricsFile.parse(JSON.parse(await readFile(join(snapshot, 'metrics.json'), 'utf8')));
    expect(appendixText).toContain(m.snapshot_id);
    for (const r of m.metrics) expect(appendixText).toContain(r.definition_version);
    for (const s of m.data_quality.sources) {
      expect(appendixText).toContain(s.file);
      expect(appendixText).toContain(s.sha256!);
    }
    expect(appendixText).toContain('case-system/children_in_need_<YYYY-MM-DD>.csv'); // a missing list's file pattern, as published
    expect(appendixText).toContain('from commentary/2015-02.csv (2015-02), by Head of Service, Front Door');
  });

  it('public/report.html (small numbers suppressed) has no violations either', async () => {
    const { violations, foreignRequests } = await audit(join(snapshot, 'public', 'report.html'));
    expect(violations).toEqual([]);
    expect(foreignRequests).toEqual([]);
  });

  it.runIf(process.env.REPORT_SCREENSHOT)('saves docs/report-screenshot.png and docs/report-measure-screenshot.png (one measure with its commentary)', async () => {
    const sampleHome = process.env.REPORT_SAMPLE_HOME;
    const file = sampleHome ? join(sampleHome, 'snapshots', 'latest', 'report.html') : join(snapshot, 'report.html');
    const measure = { selector: '#kpi-re_referral_12m_pct .kpi-head', path: projectPath('docs', 'report-measure-screenshot.png') };
    const { violations } = await audit(file, projectPath('docs', 'report-screenshot.png'), measure);
    expect(violations).toEqual([]);
  });
});
