/** The short human summary `csc-kpi run` prints, ending with where the committee report is. */
import { join } from 'node:path';
import { dateInWords } from '../core/dates.js';
import type { NightResult } from '../core/night.js';

export function formatNightSummary(r: NightResult): string {
  // Wide enough for the longest id (care_leavers_suitable_accommodation_pct), so the values line up.
  const width = Math.max(34, ...r.kpis.map((k) => k.kpi.length));
  const lines = [
    `csc-kpi: night of ${r.asOf} published snapshot ${r.snapshotId}`,
    `  files loaded ${r.filesLoaded}, rejected ${r.filesRejected}; rows loaded ${r.rowsLoaded}, rejected ${r.rowsRejected}`,
    '',
    ...r.kpis.map((k) => `  ${k.kpi.padEnd(width)} ${(k.value === null ? 'withheld / no value' : String(k.value)).padEnd(20)} period ending ${dateInWords(k.periodEnd)}`),
    '',
    `  snapshot: ${r.snapshotPath}`,
    `  report:   ${join(r.snapshotPath, 'report.html')}`,
    '',
  ];
  return lines.join('\n');
}
