/** The short human summary `csc-kpi run` prints, ending with where the committee report is. */
import { join } from 'node:path';
import { dateInWords } from '../core/dates.js';
import type { NightResult } from '../core/night.js';

export function formatNightSummary(r: NightResult): string {
  // A re-run that changed nothing names the snapshot that stands (core/snapshot-sameness.ts).
  const outcome =
    r.published === false
      ? `published nothing new: its figures, baseline events and sources equal snapshot ${r.snapshotId}, which stands`
      : `published snapshot ${r.snapshotId}`;
  // Wide enough for the longest id (care_leavers_suitable_accommodation_pct), so the values line up.
  const width = Math.max(34, ...r.kpis.map((k) => k.kpi.length));
  const lines = [
    `csc-kpi: night of ${r.asOf} ${outcome}`,
    `  files loaded ${r.filesLoaded}, rejected ${r.filesRejected}; rows loaded ${r.rowsLoaded}, rejected ${r.rowsRejected}`,
    '',
    ...r.kpis.map((k) => `  ${k.kpi.padEnd(width)} ${(k.value === null ? 'withheld / no value' : String(k.value)).padEnd(20)} period ending ${dateInWords(k.periodEnd)}`),
    '',
    `  snapshot: ${r.snapshotPath}`,
    `  report:   ${join(r.snapshotPath, 'report.html')}`,
    ...(r.alerts && r.alerts.length > 0 ? [`  alerts:   ${r.alerts.map((a) => (a.sent ? `${a.channel} sent` : `${a.channel} NOT sent (${a.error ?? 'unknown'})`)).join('; ')}`] : []),
    '',
  ];
  return lines.join('\n');
}
