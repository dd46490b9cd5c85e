// Every workflow the worker registers (the bundle's entry point).
export { nightlyKpiWorkflow } from './nightly.js';
export { scheduledNightWorkflow } from './scheduled-night.js';
export { snapshotWatchdogWorkflow } from './watchdog.js';
export { regionNightWorkflow } from './region.js';
export { scheduledRegionNightWorkflow } from './scheduled-region-night.js';
