/**
 * Reads the KPI catalogue from sql/kpi/ and the council's code mappings from
 * config/code-mappings.json: every file parsed, every error collected. Each definition comes back
 * with its version under tonight's mappings (core/kpi-definition.ts), so compute, publish and the
 * data dictionary agree on it.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { checkCodeMappings, parseKpiFile, withMappings, type CodeMapping, type KpiDefinition } from '../core/kpi-definition.js';
import { projectPath } from '../core/project-root.js';

export const CODE_MAPPINGS_JSON = projectPath('config', 'code-mappings.json');

/** The code mappings, validated; a broken file stops the night (no figure could be trusted to match its definition). */
export async function readCodeMappings(path = CODE_MAPPINGS_JSON): Promise<CodeMapping[]> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw ApplicationFailure.nonRetryable(`The code-mapping file ${path} cannot be read as JSON: ${(e as Error).message}`, 'BadCodeMappings');
  }
  const checked = checkCodeMappings(json, path);
  if (!checked.value) {
    throw ApplicationFailure.nonRetryable(`The code-mapping file has errors; fix them and re-run:\n${checked.errors.join('\n')}`, 'BadCodeMappings');
  }
  return checked.value;
}

export interface CatalogueOptions {
  dir?: string;
  /** Path of the code-mappings JSON (default config/code-mappings.json). */
  mappingsPath?: string;
  /** The mappings already read (so one night reads the file once and versions match what it loads). */
  mappings?: readonly CodeMapping[];
}

export async function readKpiCatalogue(opts: CatalogueOptions | string = {}): Promise<KpiDefinition[]> {
  const { dir = projectPath('sql', 'kpi'), mappingsPath, mappings: given } = typeof opts === 'string' ? { dir: opts } : opts;
  const mappings = given ?? (await readCodeMappings(mappingsPath));
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  const defs: KpiDefinition[] = [];
  const errors: string[] = [];
  for (const f of files) {
    const parsed = parseKpiFile(`sql/kpi/${f}`, await readFile(join(dir, f), 'utf8'));
    errors.push(...parsed.errors);
    if (parsed.value) defs.push(withMappings(parsed.value, mappings));
  }
  if (errors.length > 0) {
    // A broken KPI file is a broken configuration: no figure tonight could be trusted to match its definition.
    throw ApplicationFailure.nonRetryable(`The KPI catalogue has errors; fix them and re-run:\n${errors.join('\n')}`, 'BadKpiCatalogue');
  }
  return defs;
}
