/**
 * Reads the benchmarks' two configuration files: the indicator map
 * (config/benchmark-indicators.json, core/benchmark-indicators.ts) and who the council is
 * (CSC_KPI_LA_CODE, else config/council.json, core/council-config.ts). A missing map is the
 * spec's five indicators; a missing council file is "not said" (every benchmark null, with the
 * reason). A broken file, or a malformed CSC_KPI_LA_CODE, stops the night at once with the fix
 * named, like the other configuration files: a comparison against the wrong indicator or the wrong
 * council would mislead the committee.
 */
import { readFile } from 'node:fs/promises';
import { ApplicationFailure } from '@temporalio/common';
import { BENCHMARK_INDICATORS_CONFIG, DEFAULT_BENCHMARK_INDICATORS, parseBenchmarkIndicators, type BenchmarkIndicators } from '../core/benchmark-indicators.js';
import { COUNCIL_CONFIG, councilIdentity, parseCouncilConfig, type CouncilConfig, type CouncilIdentity } from '../core/council-config.js';
import { readLaCodeEnv } from '../core/env-config.js';
import { projectPath } from '../core/project-root.js';

export const BENCHMARK_INDICATORS_PATH = projectPath(...BENCHMARK_INDICATORS_CONFIG.split('/'));
export const COUNCIL_CONFIG_PATH = projectPath(...COUNCIL_CONFIG.split('/'));

async function textOrNull(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/** The indicator map (core/benchmark-indicators.ts). */
export async function readBenchmarkIndicators(path = BENCHMARK_INDICATORS_PATH): Promise<BenchmarkIndicators> {
  const text = await textOrNull(path);
  if (text === null) return DEFAULT_BENCHMARK_INDICATORS;
  const parsed = parseBenchmarkIndicators(text, path === BENCHMARK_INDICATORS_PATH ? BENCHMARK_INDICATORS_CONFIG : path);
  if (!parsed.value) {
    throw ApplicationFailure.nonRetryable(`The benchmark indicator map has errors; fix them and re-run:\n${parsed.errors.join('\n')}`, 'BadBenchmarkIndicators');
  }
  return parsed.value;
}

/** Who the council is tonight, or null when neither CSC_KPI_LA_CODE nor the council file says. */
/** `laCode`: CSC_KPI_LA_CODE as the worker's settings hold it (checked again here: a code from a region's council is too). */
export async function readCouncilIdentity(path = COUNCIL_CONFIG_PATH, laCode?: string): Promise<CouncilIdentity | null> {
  let envCode: string | undefined;
  try {
    envCode = readLaCodeEnv({ CSC_KPI_LA_CODE: laCode });
  } catch (e) {
    throw ApplicationFailure.nonRetryable(`${(e as Error).message}. Fix the worker's environment and re-run the night.`, 'BadSettings');
  }
  const text = await textOrNull(path);
  const file = path === COUNCIL_CONFIG_PATH ? COUNCIL_CONFIG : path;
  let config: CouncilConfig | null = null;
  if (text !== null) {
    const parsed = parseCouncilConfig(text, file);
    if (!parsed.value) throw ApplicationFailure.nonRetryable(`The council file has errors; fix them and re-run:\n${parsed.errors.join('\n')}`, 'BadCouncilConfig');
    config = parsed.value;
  }
  return councilIdentity(envCode, config, file);
}
