// Every workflow the worker registers (the bundle's entry point).
export { nightlyKpiWorkflow } from './nightly.js';
export { snapshotWatchdogWorkflow } from './watchdog.js';
