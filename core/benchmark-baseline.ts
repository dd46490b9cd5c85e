/**
 * A benchmark's definition changed (spec benchmarks.md, the indicator map): the KPI's entry in
 * config/benchmark-indicators.json — its file pattern, accepted columns or period — is not the one
 * the previous published snapshot compared with. Recorded as a `definition_changed` baseline event
 * of that KPI, told apart from a change of the KPI's own SQL by `benchmark: true` in its evidence
 * and by its identity, so the two never merge. Pure; activities/detect-baselines.ts asks it.
 */
import { monthOf, type DetectedEvent } from './baseline-detect.js';

export function benchmarkDefinitionChanged(o: {
  kpi: string;
  asOf: string;
  previousVersion: string;
  newVersion: string;
  previousSnapshot: string;
}): DetectedEvent | null {
  if (o.previousVersion === o.newVersion) return null;
  const short = (v: string): string => v.replace(/^sha256:/, '').slice(0, 12);
  return {
    kpi: o.kpi,
    kind: 'definition_changed',
    effectivePeriod: monthOf(o.asOf),
    identity: `benchmark|${o.previousVersion}→${o.newVersion}`,
    evidence: {
      benchmark: true,
      previous_version: o.previousVersion,
      new_version: o.newVersion,
      previous_snapshot: o.previousSnapshot,
      summary:
        `The benchmark definition (this measure's entry in config/benchmark-indicators.json: its file, columns or period) changed since snapshot ${o.previousSnapshot}: ` +
        `version ${short(o.previousVersion)}… → ${short(o.newVersion)}…. The council's own figures are worked out as before; the England, regional and neighbour comparison now follows the new entry.`,
    },
  };
}
