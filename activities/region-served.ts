/**
 * What a worker started with a region.json serves (issue 18): on a task queue, the (landing,
 * home) folders of the councils whose nights run there, and — on the region's own queue — the
 * regional roll-up. A worker on the region's queue with no council of its own refuses every
 * council step (its nights belong on the councils' queues).
 */
import { ApplicationFailure } from '@temporalio/common';
import { councilsOnQueue, type RegionConfig } from '../core/region-config.js';
import type { ServedFolders } from './served-folders.js';

export interface RegionWorkerPlan {
  served: ServedFolders[];
  /** The region.json whose roll-up this worker runs, when `queue` is the region's. */
  region: string | undefined;
}

export function regionWorkerPlan(config: RegionConfig, queue: string): RegionWorkerPlan {
  // Each council's LA code goes with its folders: its benchmarks are its own (activities/benchmarks.ts).
  const served = councilsOnQueue(config, queue).map((c) => ({ landing: c.landing, home: c.home, laCode: c.laCode }));
  const region = queue === config.taskQueue ? config.path : undefined;
  if (served.length === 0 && region === undefined) {
    const queues = [...new Set([config.taskQueue, ...config.councils.map((c) => c.taskQueue)])].map((x) => `"${x}"`).join(', ');
    throw new Error(`No council in ${config.path} runs on task queue "${queue}", and it is not the region's queue: start the worker with --queue naming one of ${queues}.`);
  }
  return { served, region };
}

/** The council activities, each refusing at once: this worker serves the region's roll-up only. */
export function refuseCouncilNights<T extends object>(activities: T): T {
  const refuse = async (): Promise<never> => {
    throw ApplicationFailure.nonRetryable(
      "This worker serves the region's roll-up only, no council's folders: run council nights on the councils' task queues (region.json, task_queue).",
      'FolderNotServed',
    );
  };
  return Object.fromEntries(Object.keys(activities).map((k) => [k, refuse])) as T;
}
