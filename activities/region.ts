/**
 * The regional night's own activities (issue 18), built once per worker like the council's
 * (activities/index.ts): read the region.json this worker serves, publish the regional snapshot
 * from the councils' published snapshots, and (the schedule's starter) join a region night. The heavy work — each council's night — runs
 * in the council activities on the council's own task queue; these only read figures.
 *
 * A worker serves one region.json (`--config`, or CSC_KPI_REGION_CONFIG): a night naming another
 * file fails at once, non-retryably, before anything is read, as a council night naming folders
 * the worker does not serve does (activities/served-folders.ts).
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { RegionConfigError, type RegionConfig } from '../core/region-config.js';
import type { PublishRegionInput, PublishRegionResult, RegionNightInput, RegionNightResult, RegionPlan } from '../core/region-night.js';
import { guarded } from './activity-guard.js';
import { readRegionConfigFile } from './region-config-file.js';
import { joinRegionNight } from './region-join.js';
import { publishRegion } from './region-publish.js';
import { canonicalPath } from './served-folders.js';

export interface RegionActivityDeps {
  /** The region.json this worker serves; without it, regional nights are refused. */
  config?: string;
  /** The manifest signing key (CSC_KPI_SIGNING_KEY, passed in by the worker); unset or `null` publishes unsigned. */
  signingKey?: string | null;
  /** CSC_KPI_COMMIT, in the manifest's code_version. */
  commit?: string | null;
}

const q = (p: string) => JSON.stringify(p);

export function createRegionActivities(deps: RegionActivityDeps = {}) {
  /** region.json, read afresh each night, once the night is known to ask for the one this worker serves. */
  const served = async (asked: string): Promise<RegionConfig> => {
    if (!deps.config) {
      throw ApplicationFailure.nonRetryable(
        'This worker serves no region: run the region on a worker started with --config region.json (or CSC_KPI_REGION_CONFIG) on the region\'s task queue.',
        'RegionNotServed',
      );
    }
    const ours = await canonicalPath(deps.config);
    const theirs = await canonicalPath(asked).catch(() => null);
    if (theirs !== ours) {
      throw ApplicationFailure.nonRetryable(`This worker serves the region ${q(deps.config)} only; the night asked for ${q(asked)}. Start the region night with the region.json the worker serves.`, 'FolderNotServed');
    }
    try {
      return await readRegionConfigFile(ours);
    } catch (e) {
      if (e instanceof RegionConfigError) throw ApplicationFailure.nonRetryable(e.message, 'BadRegionConfig');
      throw e;
    }
  };


  return {
    async readRegionConfig(input: { config: string }): Promise<RegionPlan> {
      const c = await served(input.config);
      return {
        name: c.name,
        home: c.home,
        taskQueue: c.taskQueue,
        councils: c.councils.map((k) => ({ id: k.id, name: k.name, landing: k.landing, home: k.home, taskQueue: k.taskQueue })),
      };
    },

    async publishRegion(input: PublishRegionInput): Promise<PublishRegionResult> {
      const c = await served(input.config);
      const log = Context.current().log;
      const r = await guarded('publishRegion', () => publishRegion(c, input, { signingKey: deps.signingKey ?? null, commit: deps.commit ?? null, warn: (m) => log.warn(m) }));
      const count = (s: string) => r.councils.filter((x) => x.status === s).length;
      log.info('published regional snapshot', { snapshotId: r.snapshotId, published: count('published'), stale: count('stale'), failed: count('failed') });
      return r;
    },

    /** The region schedule's starter, when tonight's region night already runs or ran: wait for it (no disk touched). */
    async joinRegionNight(input: Required<RegionNightInput>): Promise<RegionNightResult> {
      return joinRegionNight(input);
    },
  };
}

export type RegionActivities = ReturnType<typeof createRegionActivities>;
