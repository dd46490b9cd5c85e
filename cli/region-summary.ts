/** The short human summary `csc-kpi region run` prints: how each council's night went, the region's spread, where the report is. */
import { join } from 'node:path';
import type { RegionNightResult } from '../core/region-night.js';

const num = (n: number | null): string => (n === null ? '—' : String(n));

export function formatRegionSummary(r: RegionNightResult): string {
  const count = (s: string) => r.councils.filter((c) => c.status === s).length;
  const width = Math.max(8, ...r.councils.map((c) => c.id.length));
  const lines = [
    `csc-kpi: region night of ${r.asOf} published regional snapshot ${r.snapshotId}`,
    `  councils ${r.councils.length}: ${count('published')} published, ${count('stale')} stale, ${count('failed')} failed`,
    ...r.councils.map((c) => `    ${c.id.padEnd(width)} ${c.status.padEnd(9)} ${c.reason ?? c.snapshotId ?? ''}`),
    '',
    `  ${'kpi'.padEnd(34)} ${'councils'.padStart(8)} ${'mean'.padStart(8)} ${'median'.padStart(8)} ${'min'.padStart(8)} ${'max'.padStart(8)}`,
    ...r.summary.map(
      (s) => `  ${s.kpi.padEnd(34)} ${String(s.councils).padStart(8)} ${num(s.mean).padStart(8)} ${num(s.median).padStart(8)} ${num(s.min).padStart(8)} ${num(s.max).padStart(8)}`,
    ),
    '',
    `  snapshot: ${r.path}`,
    `  report:   ${join(r.path, 'report.html')}`,
    '',
  ];
  return lines.join('\n');
}
