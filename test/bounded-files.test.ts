/**
 * Issue 12, "every bad file is a reject with bounded memory": each file below once failed the
 * night or exhausted the process. Each is now rejected whole with a reason naming the limit or
 * the fix, while a good file beside it loads, and the process checking them (`csc-kpi validate`,
 * the night's pull and load checks, built from this checkout and run in a child process of its
 * own) stays under 1.5 GB at its peak. The files are generated here, in a temp folder.
 *
 * The night's own path (archive copy, worker, snapshot) with all of them at once is
 * test/bounded-night.test.ts.
 */
import { open, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { permanentFsReason } from '../activities/fs-errors.js';
import { checkXlsxPackage } from '../activities/zip-guard.js';
import { DEFAULT_LIMITS } from '../core/limits.js';
import { buildProject, makeUnreadable, MEMORY_BOUND_MB, runMeasured, type BuiltProject, type Measured } from './helpers/child-process.js';
import { AUDIT_HEADER, GOOD_AUDIT_ROWS, REF_HEADER, referralRows } from './helpers/bad-files.js';
import { emptyStyledRow, rowXml, writeXlsx } from './helpers/xlsx-package.js';

let built: BuiltProject;
/** Temp folders with hundreds of MB in them: removed at the end. */
const made: string[] = [];
beforeAll(async () => {
  built = await buildProject();
}, 300_000);
afterAll(async () => {
  await built?.remove();
  for (const dir of made) await rm(dir, { recursive: true, force: true });
});

const MB = 1024 ** 2;

async function landing(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'csc-kpi-bounded-'));
  made.push(root);
  for (const s of ['case-system', 'hr', 'audits']) await mkdir(join(root, 'landing', s), { recursive: true });
  // The good file that must load beside every bad one.
  await writeFile(join(root, 'landing', 'case-system', 'referrals_2015-02-28.csv'), `${REF_HEADER}\n${referralRows(1, 50).join('\n')}\n`);
  return join(root, 'landing');
}

async function validate(dir: string, opts: { asFileOwnerOnly?: boolean } = {}): Promise<Measured> {
  return runMeasured([built.cli, 'validate', '--landing', dir, '--as-of', '2015-02-28'], opts);
}

/** The validate report's block for one file: its status line and reason. */
function block(out: string, file: string): string {
  const lines = out.split('\n');
  const at = lines.findIndex((l) => l.split(/\s+/)[1] === file);
  if (at < 0) return `(no line for ${file} in:\n${out})`;
  const rest = lines.slice(at + 1);
  const end = rest.findIndex((l) => !l.startsWith(' '));
  return [lines[at], ...rest.slice(0, end < 0 ? rest.length : end)].join('\n');
}

function expectBounded(r: Measured): void {
  expect({ overBound: r.overBound, peakUnderBound: r.peakMb < MEMORY_BOUND_MB, stderr: r.stderr }).toEqual({ overBound: false, peakUnderBound: true, stderr: '' });
}

function expectGoodFileLoaded(r: Measured): void {
  expect(block(r.stdout, 'case-system/referrals_2015-02-28.csv')).toMatch(/^OK +case-system\/referrals_2015-02-28\.csv \(referrals\) +read 50, loaded 50, rejected 0$/);
}

describe('every bad file is a reject with bounded memory', () => {
  it('a file and a source folder the worker cannot read: rejected with the reason, not retried into a failed night', async () => {
    const dir = await landing();
    const file = join(dir, 'case-system', 'referrals_2015-02-27.csv');
    await writeFile(file, `${REF_HEADER}\n${referralRows(100, 10).join('\n')}\n`);
    const hrFile = join(dir, 'hr', 'workforce_2015-02-28.csv');
    await writeFile(hrFile, 'Worker ID\nW1\n');
    const unreadable = [await makeUnreadable(file, 'file'), await makeUnreadable(join(dir, 'hr'), 'folder')];
    try {
      const r = await validate(dir, { asFileOwnerOnly: true });
      expectBounded(r);
      expect(block(r.stdout, 'case-system/referrals_2015-02-27.csv')).toContain(
        'the worker cannot read the file (permission denied); give the account that runs csc-kpi read access to it (EACCES)',
      );
      expect(block(r.stdout, 'hr/')).toContain(
        'the worker cannot read the folder (permission denied); give the account that runs csc-kpi read access to it (EACCES); none of its files were read tonight',
      );
      expectGoodFileLoaded(r);
      // A source folder that is simply not there is not a problem (and not reported).
      await rm(join(dir, 'audits'), { recursive: true });
      expect((await validate(dir, { asFileOwnerOnly: true })).stdout).not.toMatch(/audits/);
    } finally {
      for (const u of unreadable) await u.restore();
    }
  }, 180_000);

  it('which file-system errors are the file’s (a reject) and which may mend (retried)', () => {
    const err = (code: string) => Object.assign(new Error(`${code}: test`), { code });
    for (const code of ['EACCES', 'EPERM', 'EISDIR', 'ELOOP', 'ENOTDIR', 'ENAMETOOLONG', 'ENXIO']) expect(permanentFsReason(err(code), 'the file'), code).toMatch(new RegExp(`\\(${code}\\)$`));
    for (const code of ['EIO', 'EAGAIN', 'EBUSY', 'ETIMEDOUT', 'ESTALE', 'EMFILE', 'ENOENT', 'ECONNRESET', 'EWHATEVER']) expect(permanentFsReason(err(code), 'the file'), code).toBeNull();
    expect(permanentFsReason(new Error('no code'), 'the file')).toBeNull();
  });

  it('a CSV with one 200 MB line: rejected naming the line-length limit', async () => {
    const dir = await landing();
    const fh = await open(join(dir, 'case-system', 'referrals_2015-02-27.csv'), 'w');
    await fh.write(`${REF_HEADER}\n${referralRows(100, 1)[0]}\n`);
    for (let i = 0; i < 200; i++) await fh.write(Buffer.alloc(MB, 'x')); // line 3: 200 MB, no line break
    await fh.write(`\n${referralRows(200, 1)[0]}\n`);
    await fh.close();
    const r = await validate(dir);
    expectBounded(r);
    expect(block(r.stdout, 'case-system/referrals_2015-02-27.csv')).toContain(
      'line 3 is longer than the 1 MB limit (limits.max_line_bytes in config/limits.json): no real record is that long',
    );
    expectGoodFileLoaded(r);
  }, 180_000);

  it('a 20 MB CSV of 100 000 columns × 100 rows: rejected from its header, naming the column limit', async () => {
    const dir = await landing();
    const extra = Array.from({ length: 100_000 - 10 }, (_, i) => `x${i}`).join(',');
    const rows = referralRows(100, 100).map((r) => `${r},${',1'.repeat(100_000 - 10).slice(1)}`);
    await writeFile(join(dir, 'case-system', 'referrals_2015-02-27.csv'), `${REF_HEADER},${extra}\n${rows.join('\n')}\n`);
    const r = await validate(dir);
    expectBounded(r);
    expect(block(r.stdout, 'case-system/referrals_2015-02-27.csv')).toContain('the header has more columns than the 1,000 limit (limits.max_columns in config/limits.json) allows');
    expectGoodFileLoaded(r);
  }, 180_000);

  it('an xlsx of 3 M formatted empty rows: read as a stream, rejected at the sheet row limit', async () => {
    const dir = await landing();
    await writeXlsx(join(dir, 'audits', 'QA_2015_Q1.xlsx'), [
      {
        name: 'Audits',
        *rows() {
          yield rowXml(1, AUDIT_HEADER);
          for (const [i, row] of GOOD_AUDIT_ROWS.entries()) yield rowXml(i + 2, row);
          for (let r = GOOD_AUDIT_ROWS.length + 2; r <= 3_000_000; r++) yield emptyStyledRow(r);
        },
      },
    ]);
    // 1 M such rows (within Excel's own limit) load their audits, in bounded memory too.
    await writeXlsx(join(dir, 'audits', 'QA_2015_Q2.xlsx'), [
      {
        name: 'Audits',
        *rows() {
          yield rowXml(1, AUDIT_HEADER);
          for (const [i, row] of GOOD_AUDIT_ROWS.entries()) yield rowXml(i + 2, row.map((v, c) => (c === 0 ? `${v}-Q2` : v)));
          for (let r = GOOD_AUDIT_ROWS.length + 2; r <= 1_000_000; r++) yield emptyStyledRow(r);
        },
      },
    ]);
    const r = await validate(dir);
    expectBounded(r);
    expect(block(r.stdout, 'audits/QA_2015_Q1.xlsx')).toContain(
      'sheet “Audits” holds more rows than the 1,048,576 limit (limits.max_sheet_rows in config/limits.json) allows (formatted empty rows count too)',
    );
    expect(block(r.stdout, 'audits/QA_2015_Q2.xlsx')).toMatch(new RegExp(`^OK +audits/QA_2015_Q2\\.xlsx \\(audits\\) +read ${GOOD_AUDIT_ROWS.length}, loaded ${GOOD_AUDIT_ROWS.length}, rejected 0$`));
    expectGoodFileLoaded(r);
  }, 240_000);

  it('a workbook whose texts (or formats) would fill memory while its sheets stream: rejected before it is opened', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'csc-kpi-bounded-'));
    made.push(dir);
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Audits');
    for (let r = 1; r <= 2000; r++) ws.addRow([`text number ${r}`]); // 2000 distinct shared strings, about 60 KB
    const path = join(dir, 'QA.xlsx');
    await wb.xlsx.writeFile(path);
    expect(await checkXlsxPackage(path)).toBeNull();
    expect(await checkXlsxPackage(path, { ...DEFAULT_LIMITS, max_xlsx_kept_part_bytes: 32 * 1024 })).toMatch(
      /^the workbook's table of texts \(xl\/sharedStrings\.xml\) unpacks to \d+ KB, over the 32 KB limit \(limits\.max_xlsx_kept_part_bytes in config\/limits\.json\)/,
    );
  });
});
