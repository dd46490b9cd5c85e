/** The short human summary `csc-kpi run` prints, ending with where the committee report is. */
import { join } from 'node:path';
import type { NightResult } from '../core/night.js';

export function formatNightSummary(r: NightResult): string {
  const lines = [
    `csc-kpi: night of ${r.asOf} published snapshot ${r.snapshotId}`,
    `  files loaded ${r.filesLoaded}, rejected ${r.filesRejected}; rows loaded ${r.rowsLoaded}, rejected ${r.rowsRejected}`,
    '',
    ...r.kpis.map((k) => `  ${k.kpi.padEnd(34)} ${k.value === null ? 'withheld / no value' : String(k.value)}`),
    '',
    `  snapshot: ${r.snapshotPath}`,
    `  report:   ${join(r.snapshotPath, 'report.html')}`,
    ...(r.alerts && r.alerts.length > 0 ? [`  alerts:   ${r.alerts.map((a) => (a.sent ? `${a.channel} sent` : `${a.channel} NOT sent (${a.error ?? 'unknown'})`)).join('; ')}`] : []),
    '',
  ];
  return lines.join('\n');
}
