/**
 * Which sources a night as of D has at all, and how old each is (rules and words in
 * core/freshness.ts). Compute nulls the figures of a KPI whose list has no extract on or before D
 * (`nullWhereSourceMissing`); publish marks figures that read a stale source.
 */
import { missingSourceReason, sourceAge, type AgedSourceKind, type FreshnessConfig, type SourceAge } from '../core/freshness.js';
import type { KpiDefinition } from '../core/kpi-definition.js';
import type { Warehouse } from './warehouse.js';

export interface SourceOnHand {
  kind: AgedSourceKind;
  list: string;
  /** Extract date of the newest extract on or before D; audits: the newest Completed Date on or before D (null if none). */
  date: string | null;
}

/**
 * Every list with something to use as of D, by `<source>/<list>`: an extract list with a loaded
 * extract dated on or before D (a CSV or a workbook sheet: meta.extracts_at); audits when a loaded audit file is in the landing folder
 * (meta.current_audit_files), dated by its newest completion on or before D (core.audits_at
 * already forgets completions after D). Managers' commentary is not a list and has no age.
 */
export async function sourcesOnHand(w: Warehouse, asOf: string): Promise<Map<string, SourceOnHand>> {
  const rows = await w.rows<{ source: AgedSourceKind; list: string; date: string | null }>(
    `SELECT source, list, strftime(extract_date, '%Y-%m-%d') AS date FROM meta.extracts_at($as_of::DATE)
     UNION ALL
     SELECT 'audits', 'audits', (SELECT strftime(max(completed_date), '%Y-%m-%d') FROM core.audits_at($as_of::DATE))
     WHERE EXISTS (SELECT 1 FROM meta.current_audit_files)`,
    { as_of: asOf },
  );
  return new Map(rows.map((r) => [`${r.source}/${r.list}`, { kind: r.source, list: r.list, date: r.date }]));
}

/** The age of every source on hand as of D. */
export async function sourceAges(w: Warehouse, asOf: string, config: FreshnessConfig): Promise<Map<string, SourceAge>> {
  const out = new Map<string, SourceAge>();
  for (const [source, s] of await sourcesOnHand(w, asOf)) out.set(source, sourceAge({ source, ...s, asOf, config }));
  return out;
}

/**
 * A KPI reading a list with no extract at all on or before D has no figure at any point: its
 * SQL would see an empty list and say "no referrals were received" (or count 0 children), which
 * is not what happened. Every point of the run is nulled with the reason; returns the reason, or
 * null when every list is on hand.
 */
export async function nullWhereSourceMissing(
  w: Warehouse,
  d: KpiDefinition,
  o: { asOf: string; runId: string; onHand: ReadonlyMap<string, SourceOnHand> },
): Promise<string | null> {
  const missing = Object.keys(d.meta.sources).filter((s) => !o.onHand.has(s));
  if (missing.length === 0) return null;
  const reason = missing
    .map((s) => {
      const [kind, list] = s.split('/') as [AgedSourceKind, string];
      return missingSourceReason({ kind, list, asOf: o.asOf });
    })
    .join(' ');
  await w.run(
    `UPDATE kpi.values SET value = NULL, numerator = NULL, denominator = NULL, null_reason = $reason, notes = []::VARCHAR[]
     WHERE run_id = $run AND kpi = $kpi`,
    { reason, run: o.runId, kpi: d.meta.id },
  );
  return reason;
}
