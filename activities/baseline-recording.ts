/**
 * The baseline registry's writes (sql/meta/baselines.sql): tonight's events into
 * meta.baseline_events (each once, however many nights find it) with tonight's detections in
 * meta.baseline_detections, and each KPI's baselines started and superseded in meta.baselines.
 * The rules are pure in core/baseline-registry.ts; finding the events is
 * activities/baseline-detection.ts. One transaction: a retried activity starts from a clean slate.
 */
import { monthOf, type DetectedEvent } from '../core/baseline-detect.js';
import { sourceCodesOf, type CodesNow } from '../core/baseline-columns.js';
import { baselinesToStart, currentOf, eventId, sameEvent, type KnownEvent } from '../core/baseline-registry.js';
import { baselinePoint, isProvisional } from '../core/headline.js';
import type { KpiDefinition } from '../core/kpi-definition.js';
import { monthEnd } from '../core/dates.js';
import type { ValueRow } from './baseline-detection.js';
import type { Warehouse } from './warehouse.js';

export interface Recorded {
  /** Events recorded for the first time tonight. */
  newEvents: { kpi: string; kind: string; effectivePeriod: string }[];
  baselinesStarted: number;
}

interface EventRow {
  event_id: string;
  kpi: string;
  kind: DetectedEvent['kind'];
  effective_period: string;
  identity: string;
  evidence: string;
  detected_in: string;
}

interface BaselineRow {
  baseline_id: string;
  seq: string;
  kpi: string;
  effective_period: string;
  superseded_by: string | null;
}

type Known = KnownEvent & { row: EventRow };

/** The night that records: who it is, and the snapshot that will announce what it finds first. */
export interface RecordingNight {
  asOf: string;
  workflowId: string;
  runId: string;
  detectedIn: string;
}

/**
 * Records each event (new ones once; a recorded one gains tonight's detection, and is announced
 * by tonight's snapshot when the night that first recorded it never published). Returns every
 * recorded event, tonight's new ones among them.
 */
async function recordEvents(w: Warehouse, night: RecordingNight, events: readonly DetectedEvent[], newEvents: Recorded['newEvents']): Promise<Known[]> {
  const { asOf, workflowId, runId, detectedIn } = night;
  const known: Known[] = (
    await w.rows<EventRow & { periods: string[] }>(
      `SELECT e.event_id, e.kpi, e.kind, e.effective_period, e.identity, e.evidence::VARCHAR AS evidence, e.detected_in,
              list_distinct(list_concat(coalesce(d.periods, []::VARCHAR[]), [e.effective_period])) AS periods
       FROM meta.baseline_events e
       LEFT JOIN (SELECT event_id, list(effective_period) AS periods FROM meta.baseline_detections GROUP BY event_id) d USING (event_id)`,
    )
  ).map((r) => ({ eventId: r.event_id, kpi: r.kpi, kind: r.kind, identity: r.identity, periods: r.periods, row: r }));
  const published = new Set((await w.rows<{ id: string }>('SELECT snapshot_id AS id FROM meta.snapshots')).map((r) => r.id));

  for (const e of events) {
    const evidence = JSON.stringify(e.evidence);
    const match = sameEvent(e, known);
    const id = match?.eventId ?? eventId(e);
    if (!match) {
      await w.run(
        `INSERT INTO meta.baseline_events VALUES ($id, $kpi, $kind, $period, $identity, $evidence::JSON, $detected_in, $as_of::DATE, $wf, $run)`,
        { id, kpi: e.kpi, kind: e.kind, period: e.effectivePeriod, identity: e.identity, evidence, detected_in: detectedIn, as_of: asOf, wf: workflowId, run: runId },
      );
      const row = { event_id: id, kpi: e.kpi, kind: e.kind, effective_period: e.effectivePeriod, identity: e.identity, evidence, detected_in: detectedIn };
      known.push({ eventId: id, kpi: e.kpi, kind: e.kind, identity: e.identity, periods: [e.effectivePeriod], row });
      newEvents.push({ kpi: e.kpi, kind: e.kind, effectivePeriod: e.effectivePeriod });
    } else if (!published.has(match.row.detected_in) && match.row.detected_in !== detectedIn) {
      // The night that first recorded it never published: tonight's snapshot announces it.
      await w.run('UPDATE meta.baseline_events SET detected_in = $d, first_workflow_id = $wf, first_run_id = $run WHERE event_id = $id', {
        d: detectedIn,
        wf: workflowId,
        run: runId,
        id,
      });
      match.row.detected_in = detectedIn;
    }
    await w.run(
      `INSERT OR REPLACE INTO meta.baseline_detections VALUES ($id, $as_of::DATE, $wf, $run, $period, $evidence::JSON)`,
      { id, as_of: asOf, wf: workflowId, run: runId, period: e.effectivePeriod, evidence },
    );
  }
  return known;
}

/**
 * A baseline month outside tonight's 25 points: its figure under the same definition from an
 * earlier night, if any — a complete one (a month KPI's month-to-date as-of point is not).
 */
async function earlierPoint(w: Warehouse, d: KpiDefinition, period: string): Promise<{ period_end: string; value: number | null } | null> {
  const rows = await w.rows<{ period_end: string; as_of: string; value: number | null }>(
    `SELECT strftime(period_end, '%Y-%m-%d') AS period_end, strftime(as_of, '%Y-%m-%d') AS as_of, value FROM kpi.values
     WHERE kpi = $kpi AND definition_version = $v AND strftime(period_end, '%Y-%m') = $p
     ORDER BY as_of DESC, period_end DESC`,
    { kpi: d.meta.id, v: d.version, p: period },
  );
  const r = rows.find((x) => !isProvisional(d.meta.basis, x.period_end, x.as_of));
  return r ? { period_end: r.period_end, value: r.value === null ? null : Number(r.value) } : null;
}

/** A KPI's baselines: a first one, one per event (core/baseline-registry.ts `baselinesToStart`), then all but the current superseded. */
async function recordKpiBaselines(w: Warehouse, night: RecordingNight, d: KpiDefinition, mine: readonly ValueRow[], known: readonly Known[], codesNow: CodesNow): Promise<number> {
  const { asOf, runId } = night;
  const kpi = d.meta.id;
  const windowMonth = monthOf(mine[0]!.period_end);
  const existing = new Set((await w.rows<{ id: string }>('SELECT baseline_id AS id FROM meta.baselines WHERE kpi = $kpi', { kpi })).map((r) => r.id));
  const starts = baselinesToStart({
    kpi,
    basis: d.meta.basis,
    asOf,
    points: mine,
    existing,
    events: known
      .filter((k) => k.kpi === kpi)
      .map((k) => ({ eventId: k.eventId, kind: k.kind, effectivePeriod: k.row.effective_period, evidence: JSON.parse(k.row.evidence) as Record<string, unknown> })),
  });
  for (const b of starts) {
    // The value of the baseline's month when that month is complete, else of the last complete
    // period before it: a month-to-date point is never a baseline (core/headline.ts).
    const point = (b.period >= windowMonth ? baselinePoint(d.meta.basis, mine, b.period, asOf) : null) ?? (await earlierPoint(w, d, b.period));
    await w.run(
      `INSERT INTO meta.baselines VALUES ($id, nextval('meta.baseline_seq'), $kpi, $period, $period_end::DATE, $value, $version,
         $codes::JSON, $reason, $since::DATE, $event, $as_of::DATE, $run, NULL, NULL, NULL)`,
      {
        id: b.baselineId,
        kpi,
        period: b.period,
        period_end: point?.period_end ?? monthEnd(`${b.period}-01`),
        value: point?.value ?? null,
        version: d.version,
        codes: JSON.stringify(sourceCodesOf(d, codesNow)),
        reason: b.reason,
        since: `${b.period}-01`,
        event: b.eventId,
        as_of: asOf,
        run: runId,
      },
    );
  }
  const rows = await w.rows<BaselineRow>('SELECT baseline_id, seq, kpi, effective_period, superseded_by FROM meta.baselines WHERE kpi = $kpi', { kpi });
  const current = currentOf(rows.map((r) => ({ ...r, baselineId: r.baseline_id, seq: Number(r.seq), effectivePeriod: r.effective_period })));
  if (current) {
    // A baseline once replaced stays replaced (nothing added later can sort before the current one).
    await w.run(
      `UPDATE meta.baselines SET superseded_by = $cur, superseded_as_of = $as_of::DATE, superseded_by_run = $run
       WHERE kpi = $kpi AND baseline_id <> $cur AND superseded_by IS NULL`,
      { cur: current.baselineId, as_of: asOf, run: runId, kpi },
    );
  }
  return starts.length;
}

/** Records tonight's events and every KPI's baselines, in one transaction. */
export async function recordBaselines(
  w: Warehouse,
  night: RecordingNight,
  o: { defs: readonly KpiDefinition[]; values: readonly ValueRow[]; events: readonly DetectedEvent[]; codesNow: CodesNow },
): Promise<Recorded> {
  const newEvents: Recorded['newEvents'] = [];
  let baselinesStarted = 0;
  await w.transaction(async () => {
    const known = await recordEvents(w, night, o.events, newEvents);
    for (const d of o.defs) {
      baselinesStarted += await recordKpiBaselines(w, night, d, o.values.filter((v) => v.kpi === d.meta.id), known, o.codesNow);
    }
  });
  return { newEvents, baselinesStarted };
}
