/**
 * What `csc-kpi run` checks before it starts anything (a Temporal server, a worker, a workflow):
 * the as-of date is a real date, the landing folder exists and is a folder this account can read,
 * the home folder is (or can be made) a folder this account can write, and the configuration
 * (the KPI catalogue, config/code-mappings.json, baselines.json, freshness.json, limits.json,
 * header-aliases.json, alerts.json with the CSC_KPI_ALERT_* variables) reads cleanly. Every problem is gathered, so one run names them all, in one line.
 *
 * Not a replacement for the night's own checks (activities/pull.ts and the config readers fail
 * the workflow too, for a night started any other way); this only answers sooner.
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { readBaselinesConfig } from '../activities/baselines-config.js';
import { readAlertSettings } from '../activities/alert-settings.js';
import { readFreshnessConfig } from '../activities/freshness-config.js';
import { readHeaderAliases } from '../activities/header-aliases-config.js';
import { readLimits } from '../activities/limits-config.js';
import { readKpiCatalogue } from '../activities/kpi-files.js';
import { isIsoDate } from '../core/dates.js';
import type { NightInput } from '../core/night.js';

const can = (path: string, mode: number): Promise<boolean> =>
  access(path, mode).then(
    () => true,
    () => false,
  );

async function landingProblem(landing: string): Promise<string | null> {
  const s = await stat(landing).catch((e: NodeJS.ErrnoException) => e);
  if (s instanceof Error) {
    if (s.code === 'ENOENT') return `the landing folder ${landing} does not exist (check --landing, or whether the share is mounted)`;
    return `the landing folder ${landing} cannot be read (${s.code ?? 'error'})`;
  }
  if (!s.isDirectory()) return `the landing folder ${landing} is a file, not a folder (check --landing)`;
  if (!(await can(landing, constants.R_OK | constants.X_OK))) return `the landing folder ${landing} cannot be read by this account`;
  return null;
}

/** The home folder, or the nearest folder above it that exists, must be writable by this account. */
async function homeProblem(home: string): Promise<string | null> {
  for (let dir = home; ; dir = dirname(dir)) {
    const s = await stat(dir).catch(() => null);
    if (s) {
      if (!s.isDirectory()) return dir === home ? `the home folder ${home} is a file, not a folder (check --home)` : `the home folder ${home} cannot be created: ${dir} is a file`;
      if (await can(dir, constants.W_OK | constants.X_OK)) return null;
      return dir === home ? `the home folder ${home} cannot be written by this account` : `the home folder ${home} cannot be created: ${dir} cannot be written by this account`;
    }
    if (dirname(dir) === dir) return `the home folder ${home} cannot be created`;
  }
}

/** A config reader's failure as one clause: its message's lines joined. */
function oneLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.replace(/:\s*\n/g, ': ').replace(/\s*\n\s*/g, '; ');
}

async function configProblems(): Promise<string[]> {
  const problems: string[] = [];
  try {
    const defs = await readKpiCatalogue();
    await readBaselinesConfig(new Set(defs.map((d) => d.meta.id)));
  } catch (e) {
    problems.push(oneLine(e));
  }
  for (const read of [() => readFreshnessConfig(), () => readLimits(), () => readHeaderAliases(), () => readAlertSettings()]) {
    try {
      await read();
    } catch (e) {
      problems.push(oneLine(e));
    }
  }
  return problems;
}

/** Every reason the night cannot start, in words; empty when it can. */
export async function nightInputProblems(input: NightInput): Promise<string[]> {
  const problems: string[] = [];
  if (!isIsoDate(input.asOf)) problems.push(`--as-of ${JSON.stringify(input.asOf)} is not a real date (give YYYY-MM-DD, e.g. 2015-02-28)`);
  const landing = await landingProblem(input.landing);
  if (landing) problems.push(landing);
  const home = await homeProblem(input.home);
  if (home) problems.push(home);
  problems.push(...(await configProblems()));
  return problems;
}

/** Throws one line naming every problem, before anything starts. */
export async function assertNightCanStart(input: NightInput): Promise<void> {
  const problems = await nightInputProblems(input);
  if (problems.length === 0) return;
  const what = isIsoDate(input.asOf) ? `the night of ${input.asOf}` : 'the night';
  throw new Error(`cannot start ${what}: ${problems.join('; ')}. Nothing was started.`);
}
