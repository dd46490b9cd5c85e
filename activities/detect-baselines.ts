/**
 * detectBaselines: after compute, before publish. Finds every kind of baseline event in
 * tonight's warehouse (activities/baseline-detection.ts, deciding in core/baseline-detect.ts),
 * then records new events, adds tonight's detections, and starts / supersedes baselines in the
 * registry (activities/baseline-recording.ts, rules in core/baseline-registry.ts) in one
 * transaction: a retried activity starts from a clean slate, and a re-run of a night finds its
 * events already recorded (no duplicates, nothing re-announced).
 */
import type { KpiDefinition } from '../core/kpi-definition.js';
import { snapshotIdFor } from '../core/snapshot-id.js';
import { detectBaselineEvents, type ValueRow } from './baseline-detection.js';
import { recordBaselines } from './baseline-recording.js';
import type { Warehouse } from './warehouse.js';

export interface DetectBaselinesInput {
  home: string;
  asOf: string;
  workflowId: string;
  runId: string;
  /** Workflow time of the night (the snapshot's created_at): names the snapshot that announces events. */
  createdAt: string;
}

export interface DetectBaselinesResult {
  /** Snapshot id the events first recorded tonight will be announced in. */
  detectedIn: string;
  /** Events seen tonight (new or already recorded). */
  eventsSeen: number;
  /** Events recorded for the first time tonight. */
  newEvents: { kpi: string; kind: string; effectivePeriod: string }[];
  baselinesStarted: number;
  /** KPIs the level-shift test ran on (monthly cohorts). */
  levelShiftTested: string[];
  /** Anything a detector could not do (too few months, no previous extract…), for the log. */
  notes: string[];
}

export interface DetectOptions {
  /** The catalogue compute used tonight. */
  defs: KpiDefinition[];
  /** config/baselines.json, or a test's copy. */
  baselinesConfigPath?: string;
}

/** Tonight's run's points, every KPI's. */
async function tonightsValues(w: Warehouse, runId: string): Promise<ValueRow[]> {
  const rows = await w.rows<ValueRow & { numerator: unknown; denominator: unknown; value: unknown }>(
    `SELECT kpi, strftime(period_end, '%Y-%m-%d') AS period_end, value, numerator, denominator, definition_version
     FROM kpi.values WHERE run_id = $run ORDER BY kpi, period_end`,
    { run: runId },
  );
  return rows.map((r) => ({
    ...r,
    value: r.value === null ? null : Number(r.value),
    numerator: r.numerator === null ? null : Number(r.numerator),
    denominator: r.denominator === null ? null : Number(r.denominator),
  }));
}

export async function detectBaselines(w: Warehouse, input: DetectBaselinesInput, opts: DetectOptions): Promise<DetectBaselinesResult> {
  const { asOf, runId, workflowId } = input;
  const detectedIn = snapshotIdFor(asOf, input.createdAt, runId);
  const values = await tonightsValues(w, runId);
  const missing = opts.defs.filter((d) => !values.some((v) => v.kpi === d.meta.id)).map((d) => d.meta.id);
  if (missing.length > 0) throw new Error(`no figures computed by run ${runId} for ${missing.join(', ')}: run computeKpis first`);

  const { events, tested, codesNow, notes } = await detectBaselineEvents(w, { asOf, runId, defs: opts.defs, values, baselinesConfigPath: opts.baselinesConfigPath });
  const { newEvents, baselinesStarted } = await recordBaselines(w, { asOf, workflowId, runId, detectedIn }, { defs: opts.defs, values, events, codesNow });
  return { detectedIn, eventsSeen: events.length, newEvents, baselinesStarted, levelShiftTested: tested, notes };
}
