/**
 * The committee report as the pipeline publishes it: a real night on a small fixture, then the
 * snapshot's report.html (and public/report.html) opened from disk in headless Chromium (Debian's
 * package) and checked with axe-core at WCAG 2.1 A/AA: zero violations, nothing loaded from
 * anywhere but the file itself.
 *
 * With REPORT_SCREENSHOT set, also saves docs/report-screenshot.png (linked from the README):
 * of `<REPORT_SAMPLE_HOME>/snapshots/latest/report.html` when that is set (the committed sample
 * run: `node bin/csc-kpi.js run --landing fixtures/sample/landing --as-of 2015-02-28 --home /tmp/x`),
 * else of this test's report.
 */
import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectPath } from '../core/project-root.js';
import { runNight, writeReferrals } from './helpers/snapshot-night.js';
import { axeViolations, launchChromium, type AxeViolation } from './helpers/axe-chromium.js';


interface Audit {
  violations: AxeViolation[];
  foreignRequests: string[];
  headings: string[];
}

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
    snapshot = (await runNight({ home: join(root, 'home'), landing, asOf: '2015-02-28', runId: 'run-report-01', createdAt: '2015-03-01T02:00:00.000Z' })).path;
  });

  afterAll(async () => {
    await browser?.close();
  });

  async function audit(file: string, screenshot?: string): Promise<Audit> {
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
      const headings = await page.locator('h1, h2').allInnerTexts();
      const violations = await axeViolations(page);
      return { violations, foreignRequests, headings };
    } finally {
      await context.close();
    }
  }

  it('report.html has no violations, loads nothing else, and has a section per KPI', async () => {
    const { violations, foreignRequests, headings } = await audit(join(snapshot, 'report.html'));
    expect(violations).toEqual([]);
    expect(foreignRequests).toEqual([]);
    expect(headings[0]).toBe("Children's social care performance report");
    expect(headings).toContain('Re-referrals within 12 months (%)');
  });

  it('public/report.html (small numbers suppressed) has no violations either', async () => {
    const { violations, foreignRequests } = await audit(join(snapshot, 'public', 'report.html'));
    expect(violations).toEqual([]);
    expect(foreignRequests).toEqual([]);
  });

  it.runIf(process.env.REPORT_SCREENSHOT)('saves docs/report-screenshot.png', async () => {
    const sampleHome = process.env.REPORT_SAMPLE_HOME;
    const file = sampleHome ? join(sampleHome, 'snapshots', 'latest', 'report.html') : join(snapshot, 'report.html');
    const { violations } = await audit(file, projectPath('docs', 'report-screenshot.png'));
    expect(violations).toEqual([]);
  });
});
