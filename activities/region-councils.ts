/**
 * What the region reads of a council: its published snapshot only — the snapshot tonight's night
 * published, else its newest snapshot for tonight's date, else its newest earlier one (stale) —
 * verified by the same check as every other reader (activities/snapshot-trust.ts), then the
 * headline rows of its metrics.parquet. Never its warehouse, raw files or anything with a row in
 * it: only figures cross a council's boundary.
 *
 * Which snapshots count (README, "A region"):
 * - tampered (a file or the manifest edited, a signature that fails, another key): named, not used;
 * - unsigned: used, and named `unsigned`, when the region's worker has no signing key; refused
 *   when it has one (a region that signs its own snapshots relies only on signed ones);
 * - signed but no key here to check it: used, and named `unchecked`.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { RegionCouncil } from '../core/region-config.js';
import type { CouncilNightOutcome } from '../core/region-night.js';
import { asSentence } from '../core/region-reason.js';
import type { CouncilFigures, HeadlineRow } from '../core/region-rollup.js';
import { formatDate } from '../core/report-html.js';
import { projectPath } from '../core/project-root.js';
import { MANIFEST, readIndex, type IndexEntry } from './snapshot-files.js';
import { readVerifiedSnapshot } from './snapshot-trust.js';
import type { Warehouse } from './warehouse.js';

export interface CouncilRead extends CouncilFigures {
  /** sha256 of the council snapshot's manifest.json: the regional manifest records it. */
  manifestSha256: string | null;
}

const headlineRow = z.object({
  kpi: z.string(),
  title: z.string(),
  unit: z.string(),
  polarity: z.enum(['higher', 'lower']),
  definition_version: z.string(),
  period_end: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  value: z.number().nullable(),
  numerator: z.number().nullable(),
  denominator: z.number().nullable(),
  status: z.enum(['green', 'amber', 'red', 'none']),
});

let headlineSql: Promise<string> | null = null;
const HEADLINE_SQL = () => (headlineSql ??= readFile(projectPath('sql', 'region', 'council_headline.sql'), 'utf8'));

const firstLine = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0]!.trim();

/** The snapshot to show: tonight's, else the newest for tonight's date, else the newest before it. */
function candidate(index: IndexEntry[], night: CouncilNightOutcome | undefined, asOf: string): string | null {
  if (night?.night === 'published') return night.snapshotId;
  const usable = index.filter((e) => e.as_of <= asOf).sort((a, b) => b.as_of.localeCompare(a.as_of) || b.created_at.localeCompare(a.created_at));
  return usable[0]?.snapshot_id ?? null;
}

/** Reads one council's figures for the region; never throws for the council's own troubles (they become its reason). */
export async function readCouncilFigures(
  w: Warehouse,
  council: RegionCouncil,
  night: CouncilNightOutcome | undefined,
  asOf: string,
  key: string | null,
): Promise<CouncilRead> {
  const base = { id: council.id, name: council.name, laCode: council.laCode };
  const failed = (reason: string): CouncilRead => ({ ...base, status: 'failed', snapshotId: null, snapshotAsOf: null, signature: null, reason, rows: [], manifestSha256: null });
  const tonight =
    night === undefined
      ? 'The council was added to region.json after tonight’s regional night started, so its night did not run.'
      : night.night === 'failed'
        ? night.reason
        : null;
  // A night that already ran under this id published for tonight's date, unless it is still running (under another region night).
  const notYet = night?.night === 'already_ran' ? 'Its night for this date is still running under another region night, or published nothing for it.' : null;
  const snapshotsDir = join(council.home, 'snapshots');

  let index: IndexEntry[];
  try {
    index = await readIndex(snapshotsDir);
  } catch (e) {
    return failed(`${tonight ? `${asSentence(tonight)} And its` : 'Its'} snapshots/index.json cannot be read (${firstLine(e)}).`);
  }
  const id = candidate(index, night, asOf);
  if (id === null) return failed(tonight ?? notYet ?? 'No snapshot has been published for this council yet.');

  let verified;
  try {
    verified = await readVerifiedSnapshot(snapshotsDir, id, key);
  } catch (e) {
    return failed(firstLine(e));
  }
  if (key !== null && verified.signature === 'unsigned') {
    return failed(
      `Snapshot ${id} is unsigned, and this region uses only signed council snapshots (CSC_KPI_SIGNING_KEY is set for it): re-run the council's night with the same key.`,
    );
  }
  const snapshotAsOf = verified.manifest.as_of;
  if (snapshotAsOf > asOf) return failed(`Snapshot ${id} is for ${formatDate(snapshotAsOf)}, after this night's date.`);

  let rows: HeadlineRow[];
  try {
    const raw = await w.rows(await HEADLINE_SQL(), { path: join(snapshotsDir, id, 'metrics.parquet') });
    rows = z.array(headlineRow).parse(raw);
  } catch (e) {
    return failed(`Snapshot ${id}: its metrics.parquet cannot be read as a snapshot's figures (${firstLine(e).slice(0, 200)}).`);
  }
  const manifestSha256 = createHash('sha256').update(await readFile(join(snapshotsDir, id, MANIFEST))).digest('hex');
  const signature = verified.signature === 'tampered' ? null : verified.signature;
  if (snapshotAsOf === asOf) {
    const reason = tonight ? `${asSentence(`A run of tonight's night failed: ${tonight}`)} The snapshot published earlier for this date is shown.` : null;
    return { ...base, status: 'published', snapshotId: id, snapshotAsOf, signature, reason, rows, manifestSha256 };
  }
  const why = tonight ? asSentence(`Tonight's night failed: ${tonight}`) : (notYet ?? "Tonight's night did not publish.");
  const reason = `${why} Its figures are from the night of ${formatDate(snapshotAsOf)} (snapshot ${id}).`;
  return { ...base, status: 'stale', snapshotId: id, snapshotAsOf, signature, reason, rows, manifestSha256 };
}
