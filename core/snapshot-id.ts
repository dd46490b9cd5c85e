/**
 * A snapshot's id, fixed before anything is published by the night's as-of date, its workflow
 * time and its run: baseline detection names the snapshot that will announce tonight's events,
 * alerts the folder the report will be in, and publish the folder it writes. Pure.
 */
export function snapshotIdFor(asOf: string, createdAt: string, runId: string): string {
  const stamp = createdAt.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${asOf}_${stamp}_${runId.replace(/[^a-zA-Z0-9]/g, '').slice(0, 8)}`;
}
