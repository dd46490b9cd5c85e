/**
 * Publish: write tonight's snapshot folder under a temporary name, validate it, rename it into
 * place, swap `latest`, update `index.json`, then hand analysts a fresh copy of the warehouse.
 * A retry of the same run finds its snapshot already published and returns it (no duplicate).
 */
import { readFile, mkdir, writeFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { PublishInput, PublishResult } from '../core/night.js';
import { metricsFile } from '../core/metrics-contract.js';
import { projectPath } from '../core/project-root.js';
import { buildMetrics } from './build-metrics.js';
import { readKpiCatalogue } from './kpi-files.js';
import { promote, readIndex, sha256File, sweepTemporary, swapLatest, writeFileAtomic, type IndexEntry } from './snapshot-files.js';
import type { Warehouse } from './warehouse.js';

export function snapshotIdFor(asOf: string, createdAt: string, runId: string): string {
  const stamp = createdAt.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${asOf}_${stamp}_${runId.replace(/[^a-zA-Z0-9]/g, '').slice(0, 8)}`;
}

async function codeVersion(): Promise<string> {
  const pkg = JSON.parse(await readFile(projectPath('package.json'), 'utf8')) as { version: string };
  return process.env.CSC_KPI_COMMIT ? `${pkg.version}+${process.env.CSC_KPI_COMMIT}` : pkg.version;
}

export async function publishSnapshot(w: Warehouse, input: PublishInput): Promise<PublishResult> {
  const snapshotsDir = join(input.home, 'snapshots');
  await sweepTemporary(snapshotsDir);
  const index = await readIndex(snapshotsDir);
  const done = index.find((e) => e.run_id === input.runId);
  if (done) return { snapshotId: done.snapshot_id, path: join(snapshotsDir, done.snapshot_id) };

  const defs = await readKpiCatalogue();
  const snapshotId = snapshotIdFor(input.asOf, input.createdAt, input.runId);
  const metrics = await buildMetrics(w, input, snapshotId, defs);
  const tmp = join(snapshotsDir, `.tmp-${snapshotId}`);
  await mkdir(tmp, { recursive: true });
  await writeFile(join(tmp, 'metrics.json'), `${JSON.stringify(metrics, null, 2)}\n`);

  const files: Record<string, string> = {};
  for (const name of (await readdir(tmp)).sort()) files[name] = await sha256File(join(tmp, name));
  const manifest = {
    snapshot_id: snapshotId,
    as_of: input.asOf,
    created_at: input.createdAt,
    workflow_id: input.workflowId,
    run_id: input.runId,
    code_version: await codeVersion(),
    previous_snapshot_id: index[0]?.snapshot_id ?? null,
    sources: metrics.data_quality.sources
      .filter((s) => s.used)
      .map((s) => ({ file: s.file, source: s.source, sha256: s.sha256, extract_date: s.extract_date, rows_loaded: s.rows_loaded, rows_rejected: s.rows_rejected })),
    kpi_definitions: Object.fromEntries(defs.map((d) => [d.meta.id, d.version])),
    files,
  };
  await writeFile(join(tmp, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);

  // Check what was written, not what was meant to be written.
  metricsFile.parse(JSON.parse(await readFile(join(tmp, 'metrics.json'), 'utf8')));
  const finalDir = join(snapshotsDir, snapshotId);
  await promote(tmp, finalDir);
  await swapLatest(snapshotsDir, snapshotId);
  const entry: IndexEntry = { snapshot_id: snapshotId, as_of: input.asOf, created_at: input.createdAt, workflow_id: input.workflowId, run_id: input.runId };
  await writeFileAtomic(join(snapshotsDir, 'index.json'), `${JSON.stringify([entry, ...index], null, 2)}\n`);
  await w.run('INSERT OR REPLACE INTO meta.snapshots VALUES ($id, $as_of::DATE, $created::TIMESTAMP, $wf, $run, $path)', {
    id: snapshotId,
    as_of: input.asOf,
    created: input.createdAt.replace('Z', ''),
    wf: input.workflowId,
    run: input.runId,
    path: finalDir,
  });
  return { snapshotId, path: finalDir };
}
