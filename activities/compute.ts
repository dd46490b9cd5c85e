/**
 * Compute: run every KPI file as of D for the 25 trend points into `kpi.values`, tagged with the
 * definition version and the run. Re-running for the same run replaces that run's rows.
 */
import type { ComputeResult } from '../core/night.js';
import { readKpiCatalogue } from './kpi-files.js';
import type { Warehouse } from './warehouse.js';

export interface ComputeInput {
  asOf: string;
  workflowId: string;
  runId: string;
}

export async function computeKpis(w: Warehouse, input: ComputeInput): Promise<ComputeResult> {
  const defs = await readKpiCatalogue();
  const kpis: ComputeResult['kpis'] = [];
  await w.transaction(async () => {
    await w.run('DELETE FROM kpi.values WHERE run_id = $run', { run: input.runId });
    for (const d of defs) {
      await w.run(
        `INSERT INTO kpi.values BY NAME
         SELECT $kpi AS kpi, $as_of::DATE AS as_of, $version AS definition_version,
                $workflow_id AS workflow_id, $run_id AS run_id, k.*
         FROM (${d.sql}) k`,
        { kpi: d.meta.id, as_of: input.asOf, version: d.version, workflow_id: input.workflowId, run_id: input.runId },
      );
      const [cur] = await w.rows<{ value: number | null }>(
        'SELECT value FROM kpi.values WHERE run_id = $run AND kpi = $kpi AND period_end = $as_of::DATE',
        { run: input.runId, kpi: d.meta.id, as_of: input.asOf },
      );
      kpis.push({ kpi: d.meta.id, value: cur?.value ?? null, definitionVersion: d.version });
    }
  });
  return { kpis };
}
