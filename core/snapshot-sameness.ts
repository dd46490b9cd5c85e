/**
 * When a re-run of a night has nothing new to publish (spec: outputs.md, "A snapshot folder"):
 * its figures, baseline events and sources equal that as-of date's newest snapshot. Equal here
 * means every field a reader of metrics.json sees, except those that name the publication
 * rather than the night:
 *  - compared: schema version, as-of, every metric row (value, numerator, denominator, period,
 *    target, status, definition version, baseline, comparability, basis, stale, notes), every
 *    series point, every baseline event (with `detected_in` and its evidence), the data gaps, the
 *    improvement plan, and the sources — each file found on or before as-of with its sha256, extract date, status,
 *    reason, `used`, row counts, age and staleness;
 *  - not compared: `snapshot_id` and `created_at` (a new run always has new ones); a source's
 *    `loaded` against `already_loaded` (the same bytes, loaded tonight or on an earlier night:
 *    a re-run always finds them already loaded); files `after_as_of` (left for later nights, so
 *    a later extract arriving never re-publishes an old night); the order of the sources.
 * Run and workflow ids, the code version and the snapshot's other files are not in metrics.json,
 * so they are not compared either: a release that computes the same figures publishes nothing.
 * Pure: no IO.
 */
import type { MetricsFile, SourceEntry } from './metrics-contract.js';

/** JSON with object keys sorted, so two equal values give the same text whatever their key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function nightSource(s: SourceEntry): SourceEntry {
  return { ...s, status: s.status === 'already_loaded' ? 'loaded' : s.status };
}

/** What of a metrics.json makes it this night's account, as canonical text (see the module comment). */
export function nightContent(m: MetricsFile): string {
  const sources = m.data_quality.sources
    .filter((s) => s.status !== 'after_as_of')
    .map(nightSource)
    .map(canonicalJson)
    .sort();
  return canonicalJson({
    schema_version: m.schema_version,
    as_of: m.as_of,
    metrics: m.metrics,
    series: m.series,
    baseline_events: m.baseline_events,
    gaps: m.data_quality.gaps,
    sources,
    // null (no tracker) and absent (a snapshot from before the plan) tell a reader the same.
    improvement_plan: m.improvement_plan ?? undefined,
  });
}

/** True when publishing `tonight` would tell a reader nothing that `standing` does not. */
export function sameNight(tonight: MetricsFile, standing: MetricsFile): boolean {
  return nightContent(tonight) === nightContent(standing);
}
