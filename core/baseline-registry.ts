/**
 * The rules of the baseline registry, pure: when two detections are the same event, which
 * baseline is a KPI's current one, what reason it gives, and whether a published figure is
 * comparable with the previous one, and which baselines a KPI starts tonight.
 * activities/baseline-recording.ts applies them to the warehouse (meta.baselines,
 * meta.baseline_events, meta.baseline_detections).
 *
 * Decisions (spec: kpis.md "Baselines and baseline changes"; documented in docs/baselines.md):
 *  - An event is identified by (kpi, kind, effective_period, identity) — identity being the part
 *    of the evidence that names the change: both definition hashes; the list, file and columns;
 *    the column and its new and vanished codes; the direction of a level shift; the manual reason.
 *    A level shift found again in the same direction within ±1 month of an earlier detection is
 *    the same event (a month more data can move the best split by one).
 *  - A KPI's baselines are ordered by effective period (ties: the later started). The current
 *    one is the latest; the first ever is the "first published figure", at the first month of
 *    the first series published, so any event inside that window supersedes it.
 *  - `comparable_with_previous` is false when the KPI has an event, visible in the snapshot, that
 *    either takes effect in the current period's month (the current figure is the first of a
 *    new baseline, so the previous period shown is on the old one) or is new in this snapshot:
 *    first detected on a night after the previous published snapshot's as-of date (no previous
 *    snapshot: any event). Re-runs for the same as-of therefore publish the same flag.
 */
import { createHash } from 'node:crypto';
import { monthOf, monthsBetween, type BaselineKind } from './baseline-detect.js';
import { isProvisional, type Basis } from './headline.js';

export function eventId(e: { kpi: string; kind: BaselineKind; effectivePeriod: string; identity: string }): string {
  return createHash('sha256').update(JSON.stringify([e.kpi, e.kind, e.effectivePeriod, e.identity])).digest('hex').slice(0, 24);
}

export interface KnownEvent {
  eventId: string;
  kpi: string;
  kind: BaselineKind;
  identity: string;
  /** The effective periods this event was found at (its own and every detection's). */
  periods: readonly string[];
}

/** The recorded event a new detection is, if any. */
export function sameEvent<T extends KnownEvent>(
  d: { kpi: string; kind: BaselineKind; effectivePeriod: string; identity: string },
  known: readonly T[],
): T | null {
  const id = eventId(d);
  const exact = known.find((k) => k.eventId === id);
  if (exact) return exact;
  if (d.kind !== 'level_shift') return null;
  return (
    known.find(
      (k) => k.kpi === d.kpi && k.kind === 'level_shift' && k.identity === d.identity && k.periods.some((p) => Math.abs(monthsBetween(p, d.effectivePeriod)) <= 1),
    ) ?? null
  );
}

export const FIRST_PUBLISHED = 'first published figure';

const KIND_WORDS: Record<BaselineKind, string> = {
  definition_changed: 'definition changed',
  source_schema_changed: 'source columns changed',
  source_codes_changed: 'source codes changed',
  level_shift: 'level shift',
  manual: 'declared by the council',
};

/** The reason a baseline gives: the kind in words and the event's own summary. */
export function baselineReason(kind: BaselineKind, evidence: Record<string, unknown>): string {
  const summary = typeof evidence.summary === 'string' ? evidence.summary : '';
  if (kind === 'manual' && typeof evidence.reason === 'string') return `${KIND_WORDS.manual}: ${evidence.reason}`;
  return summary ? `${KIND_WORDS[kind]}: ${summary}` : KIND_WORDS[kind];
}

/** A baseline a KPI starts tonight; activities/baseline-recording.ts finds its figure and writes it. */
export interface BaselineStart {
  baselineId: string;
  /** Its effective period, YYYY-MM. */
  period: string;
  reason: string;
  /** The event that starts it; null for the first published figure. */
  eventId: string | null;
}

/**
 * The baselines a KPI starts tonight, in order: with none yet, the first published figure (the
 * month of tonight's first complete point with a value, else of its last complete point); then
 * one per recorded event of the KPI taking effect in as-of's month or before, by effective
 * period then kind. One already started (`existing`) is not started again.
 */
export function baselinesToStart(o: {
  kpi: string;
  basis: Basis;
  asOf: string;
  /** Tonight's series of the KPI, oldest first. */
  points: readonly { period_end: string; value: number | null }[];
  existing: ReadonlySet<string>;
  /** The KPI's recorded events (tonight's among them). */
  events: readonly { eventId: string; kind: BaselineKind; effectivePeriod: string; evidence: Record<string, unknown> }[];
}): BaselineStart[] {
  const out: BaselineStart[] = [];
  const started = new Set(o.existing);
  const start = (b: BaselineStart): void => {
    if (started.has(b.baselineId)) return;
    started.add(b.baselineId);
    out.push(b);
  };
  if (o.existing.size === 0) {
    const complete = o.points.filter((p) => !isProvisional(o.basis, p.period_end, o.asOf));
    const first = complete.find((p) => p.value !== null) ?? complete[complete.length - 1]!;
    start({ baselineId: `${o.kpi}:initial`, period: monthOf(first.period_end), reason: FIRST_PUBLISHED, eventId: null });
  }
  const events = o.events
    .filter((e) => e.effectivePeriod <= monthOf(o.asOf))
    .sort((a, b) => a.effectivePeriod.localeCompare(b.effectivePeriod) || a.kind.localeCompare(b.kind));
  for (const e of events) start({ baselineId: `${o.kpi}:${e.eventId}`, period: e.effectivePeriod, reason: baselineReason(e.kind, e.evidence), eventId: e.eventId });
  return out;
}

export interface BaselineCandidate {
  baselineId: string;
  seq: number;
  effectivePeriod: string;
}

/** The current baseline among a KPI's: the latest effective period, ties to the later started. */
export function currentOf<T extends BaselineCandidate>(rows: readonly T[]): T | null {
  let best: T | null = null;
  for (const r of rows) {
    if (!best || r.effectivePeriod > best.effectivePeriod || (r.effectivePeriod === best.effectivePeriod && r.seq > best.seq)) best = r;
  }
  return best;
}

/** See the module comment. `firstAsOf`: the earliest as-of date of a night that detected the event. */
export function comparableWithPrevious(o: {
  asOf: string;
  previousSnapshotAsOf: string | null;
  events: readonly { effectivePeriod: string; firstAsOf: string }[];
}): boolean {
  const month = o.asOf.slice(0, 7);
  return !o.events.some(
    (e) => e.effectivePeriod >= month || o.previousSnapshotAsOf === null || e.firstAsOf > o.previousSnapshotAsOf,
  );
}
