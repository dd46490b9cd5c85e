/** Reads the KPI catalogue from sql/kpi/: every file parsed, every error collected. */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { parseKpiFile, type KpiDefinition } from '../core/kpi-definition.js';
import { projectPath } from '../core/project-root.js';

export async function readKpiCatalogue(dir = projectPath('sql', 'kpi')): Promise<KpiDefinition[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  const defs: KpiDefinition[] = [];
  const errors: string[] = [];
  for (const f of files) {
    const parsed = parseKpiFile(`sql/kpi/${f}`, await readFile(join(dir, f), 'utf8'));
    errors.push(...parsed.errors);
    if (parsed.value) defs.push(parsed.value);
  }
  if (errors.length > 0) {
    // A broken KPI file is a broken configuration: no figure tonight could be trusted to match its definition.
    throw ApplicationFailure.nonRetryable(`The KPI catalogue has errors; fix them and re-run:\n${errors.join('\n')}`, 'BadKpiCatalogue');
  }
  return defs;
}
