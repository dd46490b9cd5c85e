/**
 * `csc-kpi snapshots list | show ID | diff A B [--home DIR]`: read published snapshots. Reads the
 * snapshot folders and index.json; `diff` also reads the analysts' warehouse copy, read-only, to
 * find the source rows behind a restatement. An ID may be `latest`, or an as-of date (YYYY-MM-DD)
 * for the newest snapshot of that date. A region's home holds regional snapshots: each is checked
 * by its own rules, and shown and compared by cli/region-snapshots.ts.
 */
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { Logger } from 'pino';
import { shownNote } from '../../core/shown-text.js';
import { readKpiCatalogue } from '../../activities/kpi-files.js';
import { isRegionalSnapshot, verifyAnySnapshotFolder } from '../../activities/region-snapshot-read.js';
import { readIndex, readLatest, type SnapshotCheck } from '../../activities/snapshot-files.js';
import { restatementRows } from '../../activities/snapshot-restatements.js';
import { readVerifiedSnapshot, type VerifiedSnapshot } from '../../activities/snapshot-trust.js';
import type { EnvConfig } from '../../core/env-config.js';
import { homeOption } from '../folder-options.js';
import type { MetricsFile } from '../../core/metrics-contract.js';
import { diffSnapshots, formatDiff } from '../../core/snapshot-diff.js';
import { diffRegionSnapshotsIn, showRegionSnapshot } from '../region-snapshots.js';

interface HomeOpt {
  home: string;
}

function snapshotsDir(o: HomeOpt): string {
  return join(resolve(o.home), 'snapshots');
}

/** A fixed-width text table. */
export function textTable(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}

/** Where a reader's warnings go (stderr: stdout carries the table a script may read). */
function warnReader(line: string | null): void {
  if (line) process.stderr.write(`${line}\n`);
}

/**
 * A snapshot's metrics and manifest, verified against its manifest and signature
 * (activities/snapshot-trust.ts): tampered → an error of one line; unsigned → a warning line on stderr.
 */
export async function loadSnapshot(dir: string, id: string, key: string | null): Promise<VerifiedSnapshot> {
  const s = await readVerifiedSnapshot(dir, id, key);
  warnReader(s.warning);
  return s;
}

/** What `list` says of each snapshot's check. */
function checkWord(c: SnapshotCheck): string {
  if (c.tampered) return 'TAMPERED';
  if (c.errors.length > 0) return 'does not verify';
  return { signed: 'signed', unsigned: 'unsigned', unchecked: 'not checked (no key)', tampered: 'TAMPERED' }[c.signature];
}

const show = (n: number | null): string => (n === null ? '' : String(n));

export function formatMetricTable(m: MetricsFile): string {
  const rows = m.metrics.map((r) => [
    r.kpi,
    r.value === null ? 'withheld / no value' : String(r.value),
    show(r.numerator),
    show(r.denominator),
    r.target === null ? '' : String(r.target),
    r.status,
    r.comparable_with_previous ? 'yes' : 'no',
  ]);
  return textTable(['kpi', 'value', 'numerator', 'denominator', 'target', 'status', 'comparable'], rows);
}

export function register(program: Command, _log: Logger, settings: EnvConfig): void {
  const key = settings.CSC_KPI_SIGNING_KEY ?? null;
  const snapshots = program.command('snapshots').description('read published snapshots');

  snapshots
    .command('list')
    .description('every published snapshot, newest first (from index.json), each verified')
    .option(...homeOption(settings))
    .action(async (o: HomeOpt) => {
      const dir = snapshotsDir(o);
      const index = await readIndex(dir);
      if (index.length === 0) {
        process.stdout.write(`no snapshots in ${dir}\n`);
        return;
      }
      const latest = await readLatest(dir);
      const checks: SnapshotCheck[] = [];
      for (const e of index) checks.push(await verifyAnySnapshotFolder(join(dir, e.snapshot_id), e.snapshot_id, key));
      process.stdout.write(
        textTable(
          ['snapshot', 'as of', 'created at', 'workflow', 'check', 'latest'],
          index.map((e, i) => [e.snapshot_id, e.as_of, e.created_at, e.workflow_id, checkWord(checks[i]!), e.snapshot_id === latest ? '*' : '']),
        ),
      );
      const bad = index.filter((_, i) => checks[i]!.errors.length > 0).map((e) => e.snapshot_id);
      if (bad.length > 0) {
        throw new Error(`${bad.length} of ${index.length} snapshots do not verify (${bad.join(', ')}): see csc-kpi snapshots show ID for why; do not use their figures.`);
      }
      const unproved = checks.filter((c) => c.signature === 'unsigned' || c.signature === 'unchecked').length;
      if (unproved > 0) warnReader(`warning: ${unproved} of ${index.length} snapshots are not proved by a signature (unsigned, or no CSC_KPI_SIGNING_KEY here to check them)`);
    });

  snapshots
    .command('show <id>')
    .description('the metric table of one snapshot: its id, "latest", or an as-of date (YYYY-MM-DD: the newest snapshot of that date)')
    .option(...homeOption(settings))
    .action(async (id: string, o: HomeOpt) => {
      const dir = snapshotsDir(o);
      if (await isRegionalSnapshot(dir, id)) {
        process.stdout.write(await showRegionSnapshot(dir, id, key));
        return;
      }
      const s = await loadSnapshot(dir, id, key);
      const head = [
        `snapshot ${s.id}: as of ${s.metrics.as_of}, created ${s.metrics.created_at}, code ${s.manifest.code_version}`,
        `previous snapshot: ${s.manifest.previous_snapshot_id ?? '(none)'}`,
        '',
      ];
      const tail = [
        '',
        ...s.metrics.data_quality.gaps.map((g) => `gap: ${g.kpi}: ${shownNote(g.reason)}`),
        `report: ${join(dir, s.id, 'report.html')}`,
        '',
      ];
      process.stdout.write(head.join('\n') + '\n' + formatMetricTable(s.metrics) + tail.join('\n'));
    });

  snapshots
    .command('diff <a> <b>')
    .description('what changed from A to B (ids, "latest" or as-of dates): headline figures, source files added and removed, new baseline events, restatements with the source rows behind them')
    .option(...homeOption(settings))
    .action(async (a: string, b: string, o: HomeOpt) => {
      const dir = snapshotsDir(o);
      if ((await isRegionalSnapshot(dir, a)) || (await isRegionalSnapshot(dir, b))) {
        process.stdout.write(await diffRegionSnapshotsIn(dir, a, b, key));
        return;
      }
      const A = await loadSnapshot(dir, a, key);
      const B = await loadSnapshot(dir, b, key);
      const d = diffSnapshots(A, B);
      const rows = await restatementRows(join(resolve(o.home), 'warehouse.duckdb'), A.manifest, B.manifest, d.restatements, await readKpiCatalogue());
      process.stdout.write(formatDiff(d, rows));
    });
}
