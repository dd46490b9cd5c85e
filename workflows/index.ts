// Every workflow the worker registers (the bundle's entry point).
export { nightlyKpiWorkflow } from './nightly.js';
export { regionNightWorkflow } from './region.js';
