/**
 * The nightly activities, built once per worker by `createActivities(deps)`: thin IO adapters
 * over the warehouse and the file system. Each opens the night's working warehouse, does one
 * step and returns a small summary.
 */
import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { Context } from '@temporalio/activity';
import type { ComputeResult, FoundFile, LoadResult, NightInput, PublishInput, PublishResult } from '../core/night.js';
import { computeKpis } from './compute.js';
import { loadFile } from './load-file.js';
import { migrate } from './migrate.js';
import { publishSnapshot } from './publish.js';
import { pullSources } from './pull.js';
import { Warehouse } from './warehouse.js';
import { guarded } from './activity-guard.js';
import { exportWarehouse } from './export-warehouse.js';
import { detectBaselines, type DetectBaselinesInput, type DetectBaselinesResult } from './detect-baselines.js';
import { readKpiCatalogue } from './kpi-files.js';
import { readLimits } from './limits-config.js';

export interface ActivityDeps {
  /** The warehouse the night writes into; analysts get a copy at publish (default `<home>/work/warehouse.duckdb`). */
  workingWarehouse?: (home: string) => string;
  /** The KPI catalogue folder (default sql/kpi/); tests point it at a temp copy to edit a definition. */
  kpiDir?: string;
  /** Manual baselines file (default config/baselines.json). */
  baselinesConfig?: string;
  /** Limits on a single file (default config/limits.json). */
  limitsConfig?: string;
}

export function workingWarehousePath(home: string): string {
  return join(home, 'work', 'warehouse.duckdb');
}

export function createActivities(deps: ActivityDeps = {}) {
  const whPath = deps.workingWarehouse ?? workingWarehousePath;
  const withWarehouse = async <T>(home: string, fn: (w: Warehouse) => Promise<T>): Promise<T> => {
    await mkdir(join(home, 'work'), { recursive: true });
    return guarded(Context.current().info.activityType, () => Warehouse.with(whPath(home), fn));
  };
  const log = () => Context.current().log;

  return {
    async pullSources(input: NightInput): Promise<FoundFile[]> {
      return withWarehouse(input.home, async (w) => {
        const limits = await readLimits(deps.limitsConfig);
        await migrate(w);
        const found = await pullSources(w, input, { limits });
        log().info('pulled landing folder', { files: found.length, new: found.filter((f) => f.status === 'new').length });
        return found;
      });
    },

    async loadFile(input: { home: string; file: FoundFile; runId: string }): Promise<LoadResult> {
      return withWarehouse(input.home, async (w) => {
        const r = await loadFile(w, input.file, input.runId, await readLimits(deps.limitsConfig));
        log().info('loaded file', { file: input.file.relPath, status: r.status, rowsLoaded: r.rowsLoaded, rowsRejected: r.rowsRejected });
        return r;
      });
    },

    async computeKpis(input: { home: string; asOf: string; workflowId: string; runId: string }): Promise<ComputeResult> {
      return withWarehouse(input.home, async (w) => {
        const r = await computeKpis(w, { ...input, ...(deps.kpiDir ? { kpiDir: deps.kpiDir } : {}) });
        log().info('computed KPIs', { kpis: r.kpis.length });
        return r;
      });
    },

    async detectBaselines(input: DetectBaselinesInput): Promise<DetectBaselinesResult> {
      return withWarehouse(input.home, async (w) => {
        const defs = await readKpiCatalogue(deps.kpiDir ? { dir: deps.kpiDir } : {});
        const r = await detectBaselines(w, input, { defs, baselinesConfigPath: deps.baselinesConfig });
        log().info('detected baseline events', { seen: r.eventsSeen, new: r.newEvents.length, baselinesStarted: r.baselinesStarted, notes: r.notes });
        return r;
      });
    },

    async publishSnapshot(input: PublishInput): Promise<PublishResult> {
      return withWarehouse(input.home, async (w) => {
        const r = await publishSnapshot(w, input, { ...(deps.kpiDir ? { catalogue: { dir: deps.kpiDir } } : {}), warn: (m) => log().warn(m) });
        await exportWarehouse(w, join(input.home, 'warehouse.duckdb'));
        log().info('published snapshot', { snapshotId: r.snapshotId });
        return r;
      });
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
