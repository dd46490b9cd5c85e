/**
 * Managers' commentary in a published snapshot (real activities and DuckDB): each KPI carries the
 * commentary on its headline month, from the commentary files in the landing folder tonight; a
 * .md and a .csv for one month agree by file name; the public variant carries none.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { metricsFile } from '../core/metrics-contract.js';
import { publishedPublicFile } from '../core/suppression.js';
import { put } from './helpers/landing.js';
import { runNight, writeReferrals } from './helpers/snapshot-night.js';

const REFERRALS: [string, string][] = [
  ['C1', '28/02/2014'],
  ['C1', '10/02/2015'],
  ['C2', '05/02/2015'],
  ['C3', '02/03/2015'],
];

async function read(dir: string) {
  const full = metricsFile.parse(JSON.parse(await readFile(join(dir, 'metrics.json'), 'utf8')));
  const pub = publishedPublicFile.parse(JSON.parse(await readFile(join(dir, 'public', 'metrics.json'), 'utf8')));
  return { full, pub, report: await readFile(join(dir, 'report.html'), 'utf8'), publicReport: await readFile(join(dir, 'public', 'report.html'), 'utf8') };
}

describe('commentary in the snapshot', () => {
  it('goes with each KPI’s headline month, a later-named file winning a clash, and never into public/', async () => {
    const root = await mkdtemp(join(tmpdir(), 'csc-kpi-commentary-'));
    const landing = join(root, 'landing');
    const home = join(root, 'home');
    const file = (rel: string, text: string) => put({ root, landing, home, warehouse: '' }, rel, text);
    await writeReferrals(landing, '2015-02-28', REFERRALS);
    await file(
      'commentary/2015-02.csv',
      'KPI,Commentary,Author role\nre_referral_12m_pct,From the CSV.,Head of Service\ncin_without_plan_6wk,Plans are being written.,Service Manager\n',
    );
    await file('commentary/2015-02.md', '## re_referral_12m_pct\nAuthor role: Head of Service, Front Door\nFrom the Markdown <b>file</b>.\n');
    await file('commentary/2015-01.csv', 'KPI,Commentary,Author role\nplo_avg_weeks,January only.,Head of Service\n');
    await file('commentary/2015-03.md', '## cin_without_plan_6wk\nAuthor role: Service Manager\nMarch already.\n');

    // As of 28 February every headline is February: the .md (sorting after the .csv) wins re-referrals.
    const feb = await read((await runNight({ home, landing, asOf: '2015-02-28', runId: 'run-feb', createdAt: '2015-03-01T02:00:00.000Z' })).path);
    const said = (kpi: string) => feb.full.metrics.find((r) => r.kpi === kpi)!.commentary;
    expect(feb.full.schema_version).toBe('3');
    expect(said('re_referral_12m_pct')).toEqual({ month: '2015-02', text: 'From the Markdown <b>file</b>.', author_role: 'Head of Service, Front Door', file: '2015-02.md' });
    expect(said('cin_without_plan_6wk')).toEqual({ month: '2015-02', text: 'Plans are being written.', author_role: 'Service Manager', file: '2015-02.csv' });
    expect(said('plo_avg_weeks')).toBeNull(); // January's commentary is not February's
    const sources = Object.fromEntries(feb.full.data_quality.sources.filter((s) => s.source === 'commentary/commentary').map((s) => [s.file, [s.status, s.used, s.age_days, s.stale]]));
    expect(sources).toEqual({
      '2015-01.csv': ['loaded', false, null, null],
      '2015-02.csv': ['loaded', true, null, null],
      '2015-02.md': ['loaded', true, null, null],
      '2015-03.md': ['after_as_of', false, null, null],
    });
    expect(feb.report).toContain('<blockquote><p>From the Markdown &lt;b&gt;file&lt;/b&gt;.</p></blockquote>');
    expect(feb.report).toContain('No commentary this month: none was received for February 2015.');
    // The public variant: no commentary in its metrics.json or its report.
    expect(feb.pub.metrics.every((r) => r.commentary === null)).toBe(true);
    expect(feb.publicReport).not.toContain('From the Markdown');
    expect(feb.publicReport).not.toContain('Plans are being written');
    expect(feb.publicReport).not.toContain('No commentary this month');

    // As of 1 March: month KPIs still headline February (and keep February's commentary); a state
    // at 1 March takes March's.
    const mar = await read((await runNight({ home, landing, asOf: '2015-03-01', runId: 'run-mar', createdAt: '2015-03-02T02:00:00.000Z' })).path);
    const saidMar = (kpi: string) => mar.full.metrics.find((r) => r.kpi === kpi)!.commentary;
    expect(saidMar('re_referral_12m_pct')?.file).toBe('2015-02.md');
    expect(saidMar('cin_without_plan_6wk')).toEqual({ month: '2015-03', text: 'March already.', author_role: 'Service Manager', file: '2015-03.md' });
    await rm(root, { recursive: true, force: true });
  });
});
