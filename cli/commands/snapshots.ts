/**
 * `csc-kpi snapshots list | show ID | diff A B [--home DIR]`: read published snapshots. Reads the
 * snapshot folders and index.json; `diff` also reads the analysts' warehouse copy, read-only, to
 * find the source rows behind a restatement. An ID may be `latest`.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { Logger } from 'pino';
import { shownNote } from '../../core/shown-text.js';
import { readKpiCatalogue } from '../../activities/kpi-files.js';
import { readIndex, readLatest, readManifest, verifySnapshotFolder, type Manifest } from '../../activities/snapshot-files.js';
import { restatementRows } from '../../activities/snapshot-restatements.js';
import { validateMetricsJson } from '../../activities/snapshot-validate.js';
import type { MetricsFile } from '../../core/metrics-contract.js';
import { diffSnapshots, formatDiff } from '../../core/snapshot-diff.js';

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

async function resolveId(dir: string, id: string): Promise<string> {
  if (id !== 'latest') return id;
  const latest = await readLatest(dir);
  if (!latest) throw new Error(`no snapshot has been published in ${dir} yet`);
  return latest;
}

/** A snapshot's metrics and manifest, checked: a snapshot that does not verify is reported, not read silently. */
export async function loadSnapshot(dir: string, id: string): Promise<{ id: string; metrics: MetricsFile; manifest: Manifest }> {
  const resolved = await resolveId(dir, id);
  if (!/^[A-Za-z0-9_.-]+$/.test(resolved) || resolved.startsWith('.')) throw new Error(`"${id}" is not a snapshot id`);
  const folder = join(dir, resolved);
  const text = await readFile(join(folder, 'metrics.json'), 'utf8').catch((e: NodeJS.ErrnoException) => {
    throw new Error(e.code === 'ENOENT' ? `no snapshot ${resolved} in ${dir} (see: csc-kpi snapshots list)` : e.message);
  });
  const { errors } = await verifySnapshotFolder(folder, resolved);
  if (errors.length > 0) throw new Error(`snapshot ${resolved} does not verify:\n  ${errors.join('\n  ')}`);
  const { value } = await validateMetricsJson(text);
  return { id: resolved, metrics: value as MetricsFile, manifest: await readManifest(folder) };
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

export function register(program: Command, _log: Logger): void {
  const snapshots = program.command('snapshots').description('read published snapshots');

  snapshots
    .command('list')
    .description('every published snapshot, newest first (from index.json)')
    .option('--home <dir>', 'home folder', './data')
    .action(async (o: HomeOpt) => {
      const dir = snapshotsDir(o);
      const index = await readIndex(dir);
      if (index.length === 0) {
        process.stdout.write(`no snapshots in ${dir}\n`);
        return;
      }
      const latest = await readLatest(dir);
      process.stdout.write(
        textTable(
          ['snapshot', 'as of', 'created at', 'workflow', 'latest'],
          index.map((e) => [e.snapshot_id, e.as_of, e.created_at, e.workflow_id, e.snapshot_id === latest ? '*' : '']),
        ),
      );
    });

  snapshots
    .command('show <id>')
    .description('the metric table of one snapshot (or "latest")')
    .option('--home <dir>', 'home folder', './data')
    .action(async (id: string, o: HomeOpt) => {
      const dir = snapshotsDir(o);
      const s = await loadSnapshot(dir, id);
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
    .description('changed current values, new baseline events and restatements from A to B, with the source rows behind each restatement')
    .option('--home <dir>', 'home folder', './data')
    .action(async (a: string, b: string, o: HomeOpt) => {
      const dir = snapshotsDir(o);
      const A = await loadSnapshot(dir, a);
      const B = await loadSnapshot(dir, b);
      const d = diffSnapshots(A, B);
      const rows = await restatementRows(join(resolve(o.home), 'warehouse.duckdb'), A.manifest, B.manifest, d.restatements, await readKpiCatalogue());
      process.stdout.write(formatDiff(d, rows));
    });
}
