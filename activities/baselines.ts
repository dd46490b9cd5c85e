/**
 * What a snapshot publishes about baselines (metrics.json `baseline`, `comparable_with_previous`,
 * `baseline_events`), read from the registry that detectBaselines wrote (sql/meta/baselines.sql).
 * Rules in core/baseline-registry.ts; what is listed:
 *  - events visible as of D: detected on a night as of D or earlier, taking effect in D's month
 *    or before;
 *  - of those, every event taking effect within the 25-month window of the series, old and new
 *    (the committee sees each change the chart spans, not only tonight's), plus the event that
 *    started a KPI's current baseline if that is older than the window;
 *  - the KPI's baseline: the latest visible one (by effective period), else its first published
 *    figure.
 * A re-run for the same as-of date therefore lists the same events with the same flags.
 */
import type { BaselineEvent, MetricRow } from '../core/metrics-contract.js';
import { comparableWithPrevious, currentOf } from '../core/baseline-registry.js';
import type { Warehouse } from './warehouse.js';

export interface PublishedBaselines {
  byKpi: Map<string, { baseline: MetricRow['baseline']; comparable: boolean }>;
  events: BaselineEvent[];
}

interface EventRow {
  event_id: string;
  kpi: string;
  kind: BaselineEvent['kind'];
  effective_period: string;
  detected_in: string;
  evidence: string;
  first_as_of: string;
}

interface BaselineRow {
  baseline_id: string;
  seq: string;
  kpi: string;
  effective_period: string;
  period_end: string;
  value: number | null;
  since: string;
  reason: string;
  started_by_event: string | null;
}

export async function publishedBaselines(w: Warehouse, o: { asOf: string; runId: string; kpis: readonly string[] }): Promise<PublishedBaselines> {
  const month = o.asOf.slice(0, 7);
  const [win] = await w.rows<{ start: string | null }>(
    "SELECT strftime(min(period_end), '%Y-%m') AS start FROM kpi.values WHERE run_id = $run",
    { run: o.runId },
  );
  const windowStart = win?.start ?? month;
  const [prev] = await w.rows<{ as_of: string | null }>(
    "SELECT strftime(max(as_of), '%Y-%m-%d') AS as_of FROM meta.snapshots WHERE as_of < $as_of::DATE",
    { as_of: o.asOf },
  );
  const previousSnapshotAsOf = prev?.as_of ?? null;
  const visible = await w.rows<EventRow>(
    `SELECT e.event_id, e.kpi, e.kind, e.effective_period, e.detected_in, e.evidence::VARCHAR AS evidence,
            strftime(min(d.as_of), '%Y-%m-%d') AS first_as_of
     FROM meta.baseline_events e JOIN meta.baseline_detections d USING (event_id)
     WHERE d.as_of <= $as_of::DATE AND e.effective_period <= $month
     GROUP BY ALL ORDER BY e.kpi, e.effective_period, e.kind, e.event_id`,
    { as_of: o.asOf, month },
  );
  const baselines = await w.rows<BaselineRow>(
    `SELECT baseline_id, seq, kpi, effective_period, strftime(period_end, '%Y-%m-%d') AS period_end, value,
            strftime(since, '%Y-%m-%d') AS since, reason, started_by_event
     FROM meta.baselines WHERE effective_period <= $month`,
    { month },
  );
  const visibleIds = new Set(visible.map((e) => e.event_id));

  const byKpi: PublishedBaselines['byKpi'] = new Map();
  const listed = new Set<string>();
  for (const kpi of o.kpis) {
    const mine = visible.filter((e) => e.kpi === kpi);
    const candidates = baselines
      .filter((b) => b.kpi === kpi && (b.started_by_event === null || visibleIds.has(b.started_by_event)))
      .map((b) => ({ ...b, baselineId: b.baseline_id, seq: Number(b.seq), effectivePeriod: b.effective_period }));
    const cur = currentOf(candidates);
    for (const e of mine) if (e.effective_period >= windowStart || e.event_id === cur?.started_by_event) listed.add(e.event_id);
    byKpi.set(kpi, {
      baseline: cur ? { period_end: cur.period_end, value: cur.value === null ? null : Number(cur.value), since: cur.since, reason: cur.reason } : null,
      comparable: comparableWithPrevious({
        asOf: o.asOf,
        previousSnapshotAsOf,
        events: mine.map((e) => ({ effectivePeriod: e.effective_period, firstAsOf: e.first_as_of })),
      }),
    });
  }
  const order = new Map(o.kpis.map((k, i) => [k, i]));
  const events = visible
    .filter((e) => listed.has(e.event_id))
    .sort((a, b) => (order.get(a.kpi) ?? 0) - (order.get(b.kpi) ?? 0) || a.effective_period.localeCompare(b.effective_period) || a.kind.localeCompare(b.kind))
    .map((e) => ({
      kpi: e.kpi,
      kind: e.kind,
      effective_period: e.effective_period,
      detected_in: e.detected_in,
      evidence: JSON.parse(e.evidence) as Record<string, unknown>,
    }));
  return { byKpi, events };
}
