/**
 * Managers' commentary through the night's pull and load (real DuckDB): files archived by hash
 * like every source, a bad name or size refused by pull, a later month left for its nights, a
 * file that is not text rejected whole, rows that break a rule kept in meta.rejects with reasons
 * that quote none of the text, and only counts returned.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMENTARY_MAX_BYTES } from '../core/commentary.js';
import { pullAndLoad, put, query, tempNight } from './helpers/landing.js';

const CSV_1252 = Buffer.concat([
  Buffer.from('KPI,Commentary,Author role\r\nre_referral_12m_pct,"Re-referrals rose; '),
  Buffer.from([0x93]), // “ in Windows-1252
  Buffer.from('step-downs'),
  Buffer.from([0x94]), // ”
  Buffer.from(' now cost '),
  Buffer.from([0xa3]), // £
  Buffer.from('0.",Head of Service\r\nplo_avg_week,SECRET-TEXT about a child,Head of Service\r\n'),
]);

const MD = ['# February 2015', '', '## plo_avg_weeks', 'Author role: Head of Service, Courts', 'Down to 35 weeks.', '', '## Average caseload (children per FTE)', 'Caseloads are steady.'].join('\n');

describe('commentary files in the landing folder', () => {
  it('are pulled, archived, loaded or rejected with reasons, and never echo their text', async () => {
    const t = await tempNight();
    await put(t, 'commentary/2015-02.csv', CSV_1252);
    await put(t, 'commentary/2015-02.md', MD);
    await put(t, 'commentary/2015-03.csv', 'KPI,Commentary,Author role\nplo_avg_weeks,March.,Head\n');
    await put(t, 'commentary/2015-01.csv', Buffer.from([0x4b, 0x50, 0x49, 0x00, 0x01]));
    await put(t, 'commentary/notes for Feb.csv', 'whatever');
    await put(t, 'commentary/notes for Feb.txt', 'whatever');
    await put(t, 'commentary/2014-12.csv', Buffer.alloc(COMMENTARY_MAX_BYTES + 1, 'a'));

    const { found, loads } = await pullAndLoad(t, '2015-02-28');
    const byName = new Map(found.map((f) => [f.name, f]));
    expect(byName.get('2015-02.csv')).toMatchObject({ source: 'commentary', list: 'commentary', extractDate: '2015-02-01', status: 'new', encoding: 'windows-1252' });
    expect(byName.get('2015-02.md')).toMatchObject({ status: 'new', encoding: 'utf-8' });
    expect(byName.get('2015-03.csv')).toMatchObject({
      status: 'after_as_of',
      reason: "commentary for March 2015, a month after tonight's as-of date 2015-02-28; left for a later night",
    });
    expect(byName.get('notes for Feb.csv')).toMatchObject({
      status: 'rejected',
      reason: 'commentary files must be named <YYYY-MM>.csv or <YYYY-MM>.md after the month they are about (e.g. 2015-02.csv); rename it',
    });
    // commentary/ is a source folder (core/source-folders.ts): a kind of file it does not take is ignored, unread.
    expect(byName.get('notes for Feb.txt')).toMatchObject({
      source: null,
      status: 'ignored',
      reason: 'a “.txt” file: commentary/ takes only .csv or .md files, so it was not read; if it should be read, save it as .csv',
    });
    expect(byName.get('2014-12.csv')).toMatchObject({ status: 'rejected', reason: 'the file is 256 KB, over the 256 KB limit for commentary (a sentence or two per KPI); check it is the right file' });
    // Archived by hash like every source file.
    const csv = byName.get('2015-02.csv')!;
    expect(csv.rawPath).toBe(join(t.home, 'raw', 'commentary', `${csv.sha256}.csv`));
    expect(await readFile(csv.rawPath!)).toEqual(CSV_1252);

    // Only counts come back from a load.
    expect(loads.get('commentary/2015-02.csv')).toEqual({ sha256: csv.sha256, status: 'loaded', rowsRead: 2, rowsLoaded: 1, rowsRejected: 1 });
    expect(loads.get('commentary/2015-02.md')).toMatchObject({ status: 'loaded', rowsRead: 2, rowsLoaded: 1, rowsRejected: 1 });
    expect(loads.get('commentary/2015-01.csv')).toMatchObject({ status: 'rejected', rowsRead: 0 });

    expect(await query(t, 'SELECT line, kpi, author_role, commentary FROM core.commentary ORDER BY kpi')).toEqual([
      { line: '3', kpi: 'plo_avg_weeks', author_role: 'Head of Service, Courts', commentary: 'Down to 35 weeks.' },
      { line: '2', kpi: 're_referral_12m_pct', author_role: 'Head of Service', commentary: 'Re-referrals rose; “step-downs” now cost £0.' },
    ]);
    const rejects = await query<{ file_name: string; line: string; column_name: string; reason: string }>(
      t,
      'SELECT file_name, line, column_name, reason FROM meta.rejects ORDER BY file_name, line',
    );
    expect(rejects).toEqual([
      { file_name: '2015-02.csv', line: '3', column_name: 'KPI', reason: '"plo_avg_week" is not a measure in this report; give its KPI id (e.g. re_referral_12m_pct) or its title' },
      { file_name: '2015-02.md', line: '7', column_name: 'Author role', reason: 'the author role is blank; say who wrote it, as a role (e.g. Head of Service, Assessment)' },
    ]);
    const files = await query<{ file_name: string; source: string; status: string; reason: string | null; extract_date: string }>(
      t,
      `SELECT file_name, source, status, reason, strftime(extract_date, '%Y-%m-%d') AS extract_date FROM meta.files ORDER BY file_name`,
    );
    expect(files).toEqual([
      { file_name: '2015-01.csv', source: 'commentary', status: 'rejected', reason: 'not a text file (it holds binary data): save the commentary as CSV or as plain text (.md)', extract_date: '2015-01-01' },
      { file_name: '2015-02.csv', source: 'commentary', status: 'loaded', reason: null, extract_date: '2015-02-01' },
      { file_name: '2015-02.md', source: 'commentary', status: 'loaded', reason: null, extract_date: '2015-02-01' },
    ]);
    const everything = JSON.stringify({ found, loads: [...loads.values()], rejects, files });
    expect(everything).not.toContain('SECRET');
    expect(everything).not.toContain('Caseloads are steady');
  });

  it('rejects a commentary file whole when it has no usable header, and loads it again once fixed', async () => {
    const t = await tempNight();
    await put(t, 'commentary/2015-02.csv', 'Measure,Text\nplo_avg_weeks,Down.\n');
    const first = await pullAndLoad(t, '2015-02-28', 'run-1');
    expect(first.loads.get('commentary/2015-02.csv')).toMatchObject({ status: 'rejected' });
    expect(await query(t, "SELECT reason FROM meta.files WHERE source = 'commentary'")).toEqual([
      { reason: 'the header row has no Commentary, Author role column; the columns are KPI, Commentary and Author role (README, "Managers\' commentary")' },
    ]);
    await put(t, 'commentary/2015-02.csv', 'Measure,Comment,Role\nplo_avg_weeks,Down.,Head of Service\n');
    const second = await pullAndLoad(t, '2015-02-28', 'run-2');
    expect(second.loads.get('commentary/2015-02.csv')).toMatchObject({ status: 'loaded', rowsLoaded: 1 });
  });
});
