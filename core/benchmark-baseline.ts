/**
 * A benchmark's definition changed (spec benchmarks.md, the indicator map): the KPI's entry in
 * config/benchmark-indicators.json — its file pattern, accepted columns or period — is not the one
 * the previous published snapshot compared with. Recorded as a `definition_changed` baseline event
 * of that KPI, told apart from a change of the KPI's own SQL by `benchmark: true` in its evidence
 * and by its identity, so the two never merge. Pure; activities/detect-baselines.ts asks it.
 */
import { definitionChanged, shortVersion, type DetectedEvent } from './baseline-detect.js';

export function benchmarkDefinitionChanged(o: {
  kpi: string;
  asOf: string;
  previousVersion: string;
  newVersion: string;
  previousSnapshot: string;
}): DetectedEvent | null {
  const e = definitionChanged(o);
  if (!e) return null;
  return {
    ...e,
    identity: `benchmark|${e.identity}`,
    evidence: {
      benchmark: true,
      ...e.evidence,
      summary:
        `The benchmark definition (this measure's entry in config/benchmark-indicators.json: its file, columns or period) changed since snapshot ${o.previousSnapshot}: ` +
        `version ${shortVersion(o.previousVersion)}… → ${shortVersion(o.newVersion)}…. The council's own figures are worked out as before; the England, regional and neighbour comparison now follows the new entry.`,
    },
  };
}
