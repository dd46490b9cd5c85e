/**
 * The benchmark's landing folders: the fixture generator at a scale giving about N case-system
 * rows (both extracts of the six lists), with workforce extracts at the same scale and the QA
 * team's audit workbooks, cached in ./bench-data/scale-<n> (git-ignored) and reused while its
 * `.complete` marker is there.
 */
import { existsSync } from 'node:fs';
import { readdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { generateLanding } from '../fixtures/generator/generate.js';

/** Case-system rows (both extracts) the generator writes at scale 1. */
export const ROWS_AT_SCALE_1 = 71_500;
export const AS_OF = '2015-02-28';
/** The quiet night: the next day, with the same landing folder (no new files). */
export const QUIET_AS_OF = '2015-03-01';

export interface Dataset {
  label: string;
  landing: string;
  scale: number;
  /** Every CSV and workbook in it, relative, sorted. */
  files: string[];
}

export async function dataset(label: string, targetRows: number): Promise<Dataset> {
  const scale = Math.max(1, Math.round(targetRows / ROWS_AT_SCALE_1));
  const landing = resolve('bench-data', `scale-${scale}`);
  const done = join(landing, '.complete');
  if (!existsSync(done)) {
    console.log(`generating ~${targetRows.toLocaleString('en-GB')} case-system rows (scale ${scale}) in ${landing} …`);
    await rm(landing, { recursive: true, force: true });
    const t0 = performance.now();
    await generateLanding({ out: landing, asOf: AS_OF, scale });
    await writeFile(done, new Date().toISOString());
    console.log(`  generated in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  const files: string[] = [];
  for (const source of ['case-system', 'hr', 'audits']) {
    for (const name of (await readdir(join(landing, source))).sort()) files.push(`${source}/${name}`);
  }
  return { label, landing, scale, files };
}
