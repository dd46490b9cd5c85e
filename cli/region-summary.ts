/**
 * A region's figures for the terminal: the short summary `csc-kpi region run` prints (how each
 * council's night went, the region's spread, where the report is), and the same lines for a
 * published regional snapshot (`csc-kpi snapshots show ID --home <region home>`).
 */
import { join } from 'node:path';
import type { RegionCouncilResult, RegionNightResult, RegionSummaryLine } from '../core/region-night.js';
import type { RegionSnapshotFile } from '../core/region-snapshot.js';
import type { RegionManifest } from '../activities/region-snapshot-read.js';

const num = (n: number | null): string => (n === null ? '—' : String(n));

/** How each council counts: the count by status, then one line each with its snapshot or its reason. */
function councilLines(councils: RegionCouncilResult[]): string[] {
  const count = (s: string) => councils.filter((c) => c.status === s).length;
  const width = Math.max(8, ...councils.map((c) => c.id.length));
  return [
    `  councils ${councils.length}: ${count('published')} published, ${count('stale')} stale, ${count('failed')} failed`,
    ...councils.map((c) => `    ${c.id.padEnd(width)} ${c.status.padEnd(9)} ${c.reason ?? c.snapshotId ?? ''}`),
  ];
}

/** The region's spread, one line per KPI. */
function spreadLines(summary: RegionSummaryLine[]): string[] {
  return [
    `  ${'kpi'.padEnd(34)} ${'councils'.padStart(8)} ${'mean'.padStart(8)} ${'median'.padStart(8)} ${'min'.padStart(8)} ${'max'.padStart(8)}`,
    ...summary.map(
      (s) => `  ${s.kpi.padEnd(34)} ${String(s.councils).padStart(8)} ${num(s.mean).padStart(8)} ${num(s.median).padStart(8)} ${num(s.min).padStart(8)} ${num(s.max).padStart(8)}`,
    ),
  ];
}

export function formatRegionSummary(r: RegionNightResult): string {
  const lines = [
    `csc-kpi: region night of ${r.asOf} published regional snapshot ${r.snapshotId}`,
    ...councilLines(r.councils),
    '',
    ...spreadLines(r.summary),
    '',
    `  snapshot: ${r.path}`,
    `  report:   ${join(r.path, 'report.html')}`,
    '',
  ];
  return lines.join('\n');
}

/** A published regional snapshot, as `snapshots show` prints a council's: what it is, then the same lines as `region run`. */
export function formatRegionSnapshot(r: RegionSnapshotFile, manifest: Pick<RegionManifest, 'code_version' | 'previous_snapshot_id'>, folder: string): string {
  const councils = r.councils.map((c) => ({ id: c.id, name: c.name, status: c.status, snapshotId: c.snapshot_id, reason: c.reason }));
  const lines = [
    `regional snapshot ${r.snapshot_id}${r.region ? ` of ${r.region}` : ''}: as of ${r.as_of}, created ${r.created_at}, code ${manifest.code_version}`,
    `previous regional snapshot: ${manifest.previous_snapshot_id ?? '(none)'}`,
    '',
    ...councilLines(councils),
    '',
    ...spreadLines(r.summary),
    ...(r.notes.length > 0 ? ['', ...r.notes.map((n) => `  note: ${n}`)] : []),
    '',
    `  figures:  ${join(folder, 'region.parquet')} (every council's, with its rank and quartile)`,
    `  report:   ${join(folder, 'report.html')}`,
    '',
  ];
  return lines.join('\n');
}
