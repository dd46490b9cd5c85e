/**
 * The nightly activities, built once per worker by `createActivities(deps)`: thin IO adapters
 * over the warehouse and the file system. Each opens the night's working warehouse, does one
 * step and returns a small summary.
 */
import { join } from 'node:path';
import { Context } from '@temporalio/activity';
import type { AlertEnv } from '../core/alert-config.js';
import type { ComputeResult, FoundFile, LoadResult, NightInput, NightResult, PublishInput, PublishResult } from '../core/night.js';
import { computeKpis } from './compute.js';
import { loadFile } from './load-file.js';
import { migrate } from './migrate.js';
import { publishSnapshot } from './publish.js';
import { pullSources } from './pull.js';
import { Warehouse, type CloseOptions } from './warehouse.js';
import { guarded } from './activity-guard.js';
import { exportWarehouse } from './export-warehouse.js';
import { detectBaselines, type DetectBaselinesInput, type DetectBaselinesResult } from './detect-baselines.js';
import { readNightCatalogue } from './kpi-files.js';
import { NightCatalogues } from './night-catalogue.js';
import { describePaths, homeDir, privateDir, sealDuckDbFiles, tightenHome } from './file-modes.js';
import { servedFoldersGuard, servedLaCode, type ServedFolders } from './served-folders.js';
import { shownName } from '../core/shown-text.js';
import { readLimits } from './limits-config.js';
import { joinNight } from './join-night.js';
import { alertActivities } from './alert-activities.js';
import { readHeaderAliases } from './header-aliases-config.js';
import { readBenchmarkIndicators } from './benchmark-config.js';
import { mapVersion } from '../core/benchmark-indicators.js';

export interface ActivityDeps {
  /** The warehouse the night writes into; analysts get a copy at publish (default `<home>/work/warehouse.duckdb`). */
  workingWarehouse?: (home: string) => string;
  /** The KPI catalogue folder (default sql/kpi/); tests point it at a temp copy to edit a definition. */
  kpiDir?: string;
  /** Manual baselines file (default config/baselines.json). */
  baselinesConfig?: string;
  /**
   * Settings from the environment, validated once where the worker starts (core/env-config.ts,
   * cli/worker.ts `activityDepsFrom`) and passed in: activities never read the environment.
   * The manifest signing key (CSC_KPI_SIGNING_KEY); unset or `null` publishes unsigned, with a warning.
   */
  signingKey?: string | null;
  /** CSC_KPI_COMMIT: the release's commit, in each manifest's code_version; unset, the package version alone. */
  commit?: string | null;
  /**
   * The (landing, home) folders this worker serves; a night asking for others fails before any
   * disk is touched. Every worker the CLI builds passes it (cli/worker.ts); only tests that build
   * their own Worker on temp folders leave it out.
   */
  served?: ServedFolders[];
  /** Maximum source ages (default config/freshness.json). */
  freshnessConfig?: string;
  /** Limits on a single file (default config/limits.json). */
  limitsConfig?: string;
  /** The alerts file (default config/alerts.json); tests point it at a temp file. */
  alertsConfig?: string;
  /** CSC_KPI_ALERT_*, laid over config/alerts.json (default none). */
  alertEnv?: AlertEnv;
  /** Header spellings accepted for contract columns (default config/header-aliases.json). */
  headerAliasesConfig?: string;
  /** The benchmark indicator map (default config/benchmark-indicators.json). */
  benchmarkIndicators?: string;
  /** The council file (default config/council.json). */
  councilConfig?: string;
  /** CSC_KPI_LA_CODE: the council's code for its benchmarks (overrides the council file; a region's council has its own). */
  laCode?: string;
}

/**
 * How long a night's step keeps the working warehouse open for the next (Warehouse CloseOptions):
 * the next step starts within tens of milliseconds on the same worker; a step retried after a
 * back-off, or one another worker takes, reopens it (waiting out this hold, LOCK_WAIT_MS).
 */
export const NEXT_STEP_LINGER_MS = 1_000;

export function workingWarehousePath(home: string): string {
  return join(home, 'work', 'warehouse.duckdb');
}

export function createActivities(deps: ActivityDeps = {}) {
  const whPath = deps.workingWarehouse ?? workingWarehousePath;
  const checkFolders = deps.served ? servedFoldersGuard(deps.served) : async () => undefined;
  const withWarehouse = async <T>(folders: { home: string; landing?: string }, fn: (w: Warehouse) => Promise<T>, close: CloseOptions = {}): Promise<T> => {
    await checkFolders(folders);
    const home = folders.home;
    await homeDir(home);
    await privateDir(join(home, 'work'));
    const path = whPath(home);
    return guarded(Context.current().info.activityType, () =>
      Warehouse.with(path, async (w) => {
        // DuckDB makes the file and its log with the process umask: owner-only once they exist.
        await sealDuckDbFiles(path);
        try {
          return await fn(w);
        } finally {
          await sealDuckDbFiles(path);
        }
      }, close),
    );
  };
  // A step another step of the night follows keeps the warehouse open for it; publishing, the last, closes it.
  const nextStepFollows: CloseOptions = { lingerMs: NEXT_STEP_LINGER_MS };
  const log = () => Context.current().log;
  // Read once a night, by compute; the later steps are given its hash (activities/night-catalogue.ts).
  const catalogues = new NightCatalogues(() => readNightCatalogue(deps.kpiDir ? { dir: deps.kpiDir } : {}));
  const definitionsOf = (hash: string | undefined) => catalogues.definitionsOf(hash);

  /** A home made by an earlier version may be readable by others: narrow it before the night touches it. */
  const tightenAtNightStart = async (input: NightInput): Promise<void> => {
    const { tightened, failed } = await tightenHome(input.home, input.landing);
    if (tightened.length > 0) {
      log().warn(`home folder tightened: ${tightened.length} paths other accounts could read or enter are now owner-only (${describePaths(tightened)})`, {
        tightened: tightened.length,
      });
    }
    if (failed.length > 0) {
      log().warn(`home folder: ${failed.length} paths could not be made owner-only (owned by another account?): ${describePaths(failed)}; chown them to the account the worker runs as`, {
        failed: failed.length,
      });
    }
  };

  const signingKey = (): string | null => deps.signingKey ?? null;

  return {
    ...alertActivities({ deps, definitionsOf, checkFolders, withWarehouse, signingKey, log }),

    async pullSources(input: NightInput): Promise<FoundFile[]> {
      // The folder check comes before anything on disk is touched, tightening included.
      await checkFolders(input);
      await tightenAtNightStart(input);
      return withWarehouse(input, async (w) => {
        const limits = await readLimits(deps.limitsConfig);
        // Read now so a broken alias file stops the night before any file is loaded.
        await readHeaderAliases(deps.headerAliasesConfig);
        const benchmarkMapVersion = mapVersion(await readBenchmarkIndicators(deps.benchmarkIndicators));
        await migrate(w);
        const found = await pullSources(w, input, { limits, benchmarkMapVersion });
        log().info('pulled landing folder', { files: found.length, new: found.filter((f) => f.status === 'new').length });
        return found;
      }, nextStepFollows);
    },

    async loadFile(input: { home: string; file: FoundFile; runId: string }): Promise<LoadResult> {
      return withWarehouse({ home: input.home }, async (w) => {
        const benchmarkIndicators = input.file.source === 'benchmarks' ? await readBenchmarkIndicators(deps.benchmarkIndicators) : undefined;
        const r = await loadFile(w, input.file, input.runId, {
          limits: await readLimits(deps.limitsConfig),
          headerNames: await readHeaderAliases(deps.headerAliasesConfig),
          ...(deps.kpiDir ? { kpiDir: deps.kpiDir } : {}),
          ...(benchmarkIndicators ? { benchmarkIndicators } : {}),
        });
        log().info('loaded file', { file: shownName(input.file.relPath), status: r.status, rowsLoaded: r.rowsLoaded, rowsRejected: r.rowsRejected });
        return r;
      }, nextStepFollows);
    },

    async computeKpis(input: { home: string; asOf: string; workflowId: string; runId: string }): Promise<ComputeResult> {
      return withWarehouse({ home: input.home }, async (w) => {
        // A region's worker serves several councils: each night's council code is its own.
        const laCode = deps.served ? await servedLaCode(deps.served, input.home) : undefined;
        const r = await computeKpis(w, {
          ...input,
          catalogue: await catalogues.readForCompute(),
          freshnessPath: deps.freshnessConfig,
          benchmarkIndicatorsPath: deps.benchmarkIndicators,
          councilConfigPath: deps.councilConfig,
          laCode: laCode ?? deps.laCode,
          commit: deps.commit ?? null,
        });
        log().info('computed KPIs', { kpis: r.kpis.length });
        return r;
      }, nextStepFollows);
    },

    async detectBaselines(input: DetectBaselinesInput & { catalogue?: string }): Promise<DetectBaselinesResult> {
      return withWarehouse({ home: input.home }, async (w) => {
        const defs = await definitionsOf(input.catalogue);
        const r = await detectBaselines(w, input, { defs, baselinesConfigPath: deps.baselinesConfig });
        log().info('detected baseline events', { seen: r.eventsSeen, new: r.newEvents.length, baselinesStarted: r.baselinesStarted, notes: r.notes });
        return r;
      }, nextStepFollows);
    },

    async publishSnapshot(input: PublishInput): Promise<PublishResult> {
      const key = signingKey();
      return withWarehouse(input, async (w) => {
        const r = await publishSnapshot(w, input, {
          defs: await definitionsOf(input.catalogue),
          signingKey: key,
          commit: deps.commit ?? null,
          freshnessPath: deps.freshnessConfig,
          warn: (m) => log().warn(m),
        });
        await exportWarehouse(w, join(input.home, 'warehouse.duckdb'));
        if (r.published) log().info('published snapshot', { snapshotId: r.snapshotId });
        else log().info(`nothing new to publish: tonight's figures, baseline events and sources equal snapshot ${r.snapshotId}, which stands`, { snapshotId: r.snapshotId });
        return r;
      });
    },

    /** The schedule's starter, when the night already exists: wait for it (activities/join-night.ts). */
    async joinNight(input: NightInput): Promise<NightResult> {
      return joinNight(input);
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
