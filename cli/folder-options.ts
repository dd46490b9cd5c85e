/**
 * --home and --landing as every command takes them: given on the command line, else
 * CSC_KPI_HOME / CSC_KPI_LANDING (the folders the worker serves — in the container, the mounted
 * ones, so `csc-kpi snapshots list` there reads the worker's home), else ./data and
 * <home>/landing. Each flag falls back on its own variable.
 */
import type { EnvConfig } from '../core/env-config.js';

export const homeOption = (s: EnvConfig) => ['--home <dir>', 'home folder (CSC_KPI_HOME when set)', s.CSC_KPI_HOME ?? './data'] as const;

export const landingOption = (s: EnvConfig) =>
  ['--landing <dir>', 'landing folder (default: CSC_KPI_LANDING when set, else <home>/landing)', s.CSC_KPI_LANDING] as const;
