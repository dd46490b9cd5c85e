/**
 * docs/data-dictionary.md is generated (`csc-kpi dictionary --out docs/data-dictionary.md`) from the
 * contracts and the KPI metadata; this fails when the committed file is out of date.
 * (UPDATE_DICTIONARY=1 npx vitest run test/kpi-dictionary.test.ts rewrites it.)
 */
import { readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { readKpiCatalogue } from '../activities/kpi-files.js';
import { renderDataDictionary } from '../cli/commands/dictionary.js';
import { CONTRACTS } from '../core/contracts/lists.js';
import { projectPath } from '../core/project-root.js';

describe('data dictionary', () => {
  it('is up to date with the contracts and the KPI metadata', async () => {
    const defs = await readKpiCatalogue();
    const text = renderDataDictionary(defs);
    const path = projectPath('docs', 'data-dictionary.md');
    if (process.env.UPDATE_DICTIONARY) await writeFile(path, text);
    const committed = await readFile(path, 'utf8').catch(() => '');
    expect(committed, 'docs/data-dictionary.md is out of date: run `csc-kpi dictionary --out docs/data-dictionary.md`').toBe(text);
    for (const c of CONTRACTS.values()) expect(text).toContain(`\`core.${c.list}\``);
    for (const d of defs) expect(text).toContain(d.meta.definition.replaceAll('|', '\\|'));
  });
});
