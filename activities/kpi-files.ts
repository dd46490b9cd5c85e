/**
 * Reads the KPI catalogue from sql/kpi/, the shared macros their SQL calls (every SQL file under
 * sql/ outside sql/kpi/ and sql/drill/, core/kpi-macros.ts) and the council's code mappings from
 * config/code-mappings.json: every file parsed, every error collected. Each definition comes back
 * with its version under tonight's mappings (core/kpi-definition.ts), so compute, publish and the
 * data dictionary agree on it.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { letterPrefixMacroSql } from '../core/contracts/load-sql.js';
import { checkCodeMappings, parseKpiFile, withMappings, type CodeMapping, type KpiDefinition } from '../core/kpi-definition.js';
import { macroRegistry, type MacroRegistry } from '../core/kpi-macros.js';
import { projectPath } from '../core/project-root.js';
import { shownCodeMacroSql } from '../core/shown-text.js';

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
  /** The KPI folder (default sql/kpi/). */
  dir?: string;
  /** The SQL folder whose shared macros the versions take in (default sql/); tests point it at a copy to edit a macro. */
  sqlDir?: string;
  /** Path of the code-mappings JSON (default config/code-mappings.json). */
  mappingsPath?: string;
  /** The mappings already read (so one night reads the file once and versions match what it loads). */
  mappings?: readonly CodeMapping[];
}

/** Folders of sql/ whose files are not shared macros: the KPIs themselves and their drill-throughs. */
const NOT_SHARED = new Set(['kpi', 'drill']);

/**
 * Every shared macro a KPI may call (core/kpi-macros.ts): the CREATE MACRO statements of the SQL
 * files one folder below `sqlDir` (not sql/kpi/ or sql/drill/), and the two core writes itself.
 */
export async function readMacroRegistry(sqlDir = projectPath('sql')): Promise<MacroRegistry> {
  const scripts = [
    { file: 'core/shown-text.ts', text: shownCodeMacroSql() },
    { file: 'core/contracts/load-sql.ts', text: letterPrefixMacroSql() },
  ];
  const folders = (await readdir(sqlDir, { withFileTypes: true })).filter((e) => e.isDirectory() && !NOT_SHARED.has(e.name)).map((e) => e.name).sort();
  for (const folder of folders) {
    for (const f of (await readdir(join(sqlDir, folder))).filter((x) => x.endsWith('.sql')).sort()) {
      scripts.push({ file: `sql/${folder}/${f}`, text: await readFile(join(sqlDir, folder, f), 'utf8') });
    }
  }
  const registry = macroRegistry(scripts);
  if (!registry.value) throw ApplicationFailure.nonRetryable(`The shared KPI macros have errors; fix them and re-run:\n${registry.errors.join('\n')}`, 'BadKpiCatalogue');
  return registry.value;
}

export async function readKpiCatalogue(opts: CatalogueOptions | string = {}): Promise<KpiDefinition[]> {
  return (await readNightCatalogue(opts)).defs;
}

/** The catalogue as one night uses it: the definitions, the mappings their versions are under, and the hash naming both. */
export interface NightCatalogue {
  defs: KpiDefinition[];
  mappings: readonly CodeMapping[];
  /** `sha256:<hex>` of every KPI's id and version ({@link catalogueHash}). */
  hash: string;
}

/**
 * What names a catalogue: each KPI's id and definition version (which cover its file, the macros
 * it calls and the mappings of the columns it reads), in catalogue order.
 */
export function catalogueHash(defs: readonly KpiDefinition[]): string {
  return `sha256:${createHash('sha256').update(JSON.stringify(defs.map((d) => [d.meta.id, d.version]))).digest('hex')}`;
}

export async function readNightCatalogue(opts: CatalogueOptions | string = {}): Promise<NightCatalogue> {
  const { dir = projectPath('sql', 'kpi'), sqlDir, mappingsPath, mappings: given } = typeof opts === 'string' ? { dir: opts } : opts;
  const mappings = given ?? (await readCodeMappings(mappingsPath));
  const macros = await readMacroRegistry(sqlDir);
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  const defs: KpiDefinition[] = [];
  const errors: string[] = [];
  for (const f of files) {
    const parsed = parseKpiFile(`sql/kpi/${f}`, await readFile(join(dir, f), 'utf8'), macros);
    errors.push(...parsed.errors);
    if (parsed.value) defs.push(withMappings(parsed.value, mappings));
  }
  if (errors.length > 0) {
    // A broken KPI file is a broken configuration: no figure tonight could be trusted to match its definition.
    throw ApplicationFailure.nonRetryable(`The KPI catalogue has errors; fix them and re-run:\n${errors.join('\n')}`, 'BadKpiCatalogue');
  }
  return { defs, mappings, hash: catalogueHash(defs) };
}
