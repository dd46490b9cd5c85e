/**
 * docs/data-dictionary.md is generated from the warehouse's own catalogue (a freshly migrated
 * warehouse: tables, views, columns, types, macros) plus the contracts, core/warehouse-docs.ts and
 * the KPI metadata, and checked against it: every table, column and macro it documents exists,
 * and every one that exists is documented. (UPDATE_DICTIONARY=1 npx vitest run
 * test/data-dictionary.test.ts rewrites it.)
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readKpiCatalogue } from '../activities/kpi-files.js';
import { currentCatalogue, readCatalogue } from '../activities/warehouse-catalogue.js';
import { Warehouse } from '../activities/warehouse.js';
import { col } from '../core/contracts/columns.js';
import { CONTRACTS, type ListContract } from '../core/contracts/lists.js';
import { checkDictionary, renderDataDictionary, type WarehouseCatalogue } from '../core/data-dictionary.js';
import type { KpiDefinition } from '../core/kpi-definition.js';
import { projectPath } from '../core/project-root.js';
import { runNight, writeReferrals } from './helpers/snapshot-night.js';

const PATH = projectPath('docs', 'data-dictionary.md');

/** The lines of one `### Table|View` section of the document. */
function sectionOf(text: string, name: string): string {
  const start = text.search(new RegExp(`^### (Table|View) \`${name.replace('.', '\\.')}\``, 'm'));
  if (start < 0) return '';
  const body = text.indexOf('\n', start) + 1;
  const end = text.slice(body).search(/^#{1,3} /m);
  return text.slice(start, end < 0 ? undefined : body + end);
}

describe('the data dictionary', () => {
  let catalogue: WarehouseCatalogue;
  let defs: KpiDefinition[];
  let committed: string;

  beforeAll(async () => {
    catalogue = await currentCatalogue();
    defs = await readKpiCatalogue();
    const text = renderDataDictionary(catalogue, defs);
    if (process.env.UPDATE_DICTIONARY) await writeFile(PATH, text);
    committed = await readFile(PATH, 'utf8').catch(() => '');
  });

  it('is up to date: the committed file is what the catalogue, contracts and KPI metadata generate', () => {
    expect(committed, 'docs/data-dictionary.md is out of date: run `csc-kpi dictionary --out docs/data-dictionary.md`').toBe(renderDataDictionary(catalogue, defs));
  });

  it('is true: every table, column and macro it documents exists, and every one that exists is documented', () => {
    expect(checkDictionary(committed, catalogue)).toEqual([]);
    expect(catalogue.relations.length).toBeGreaterThan(25);
    for (const d of defs) expect(committed).toContain(d.meta.definition.replaceAll('|', '\\|'));
  });

  it('says what issue 14 found wrong: meta.files has file_name (not name); the baseline tables and audit folder are there', () => {
    const files = sectionOf(committed, 'meta.files');
    expect(files).toContain('| `file_name` | VARCHAR | yes |');
    expect(files).not.toMatch(/^\| `name` \|/m);
    for (const t of ['meta.baselines', 'meta.baseline_events', 'meta.baseline_detections', 'meta.audit_files_in_folder', 'kpi.published']) expect(sectionOf(committed, t), t).not.toBe('');
    // core.audits has an extract_date column like every core table (the old dictionary left it out).
    expect(sectionOf(committed, 'core.audits')).toContain('| `extract_date` | DATE |');
  });

  it('fails on an invented column, a missing column, an invented table and a missing table', () => {
    const files = sectionOf(committed, 'meta.files');
    const invented = committed.replace(files, files.replace('| `file_name` | VARCHAR |', '| `name` | VARCHAR | yes | The file’s name |\n| `file_name` | VARCHAR |'));
    expect(checkDictionary(invented, catalogue)).toEqual(['meta.files.name is documented, but the warehouse has no such column']);
    const missing = committed.replace(files, files.replace(/^\| `file_name` \| VARCHAR \|.*\n/m, ''));
    expect(checkDictionary(missing, catalogue)).toEqual(['meta.files.file_name exists in the warehouse but is not documented']);
    const inventedTable = `${committed}\n### Table \`meta.loads\`\n\n| column | type | never null | description |\n|---|---|---|---|\n| \`id\` | VARCHAR | yes | made up |\n`;
    expect(checkDictionary(inventedTable, catalogue)).toEqual(['meta.loads is documented, but the warehouse has no such table or view']);
    const withoutBaselines = committed.replace(sectionOf(committed, 'meta.baselines'), '');
    expect(checkDictionary(withoutBaselines, catalogue)).toEqual(['meta.baselines exists in the warehouse but is not documented']);
    const rejects = sectionOf(committed, 'meta.rejects');
    const undescribed = committed.replace(rejects, rejects.replace(/^(\| `reason` \| VARCHAR \| yes \|) .* \|$/m, '$1  |'));
    expect(checkDictionary(undescribed, catalogue)).toEqual(['meta.rejects.reason has no description']);
  });

  it('is true of a real night’s analysts’ warehouse as well', async () => {
    const root = await mkdtemp(join(tmpdir(), 'csc-kpi-dictionary-'));
    await writeReferrals(join(root, 'landing'), '2015-02-28', [['C1', '10/02/2015']]);
    await runNight({ home: join(root, 'home'), landing: join(root, 'landing'), asOf: '2015-02-28', runId: 'run-dict-0001', createdAt: '2015-03-01T05:00:00.000Z' });
    const night = await Warehouse.with(join(root, 'home', 'warehouse.duckdb'), (w) => readCatalogue(w));
    expect(checkDictionary(committed, night)).toEqual([]);
  });

  it('keeps working when a list is added (issue 15): its raw and core tables and macro are documented from its contract', async () => {
    const contracts = CONTRACTS as Map<string, ListContract>;
    const extra: ListContract = {
      source: 'case-system',
      list: 'adoptions',
      title: 'Adoptions (Annex A list 11)',
      columns: {
        'Child Unique ID': col.text('The child’s identifier in the case system (sensitive: never leaves the warehouse).', { required: true, identifier: true }),
        'Date of Adoption': col.date('Date the adoption order was granted.', { required: true, notAfterExtract: true }),
      },
      rules: [],
    };
    contracts.set(extra.list, extra);
    try {
      const cat = await currentCatalogue();
      const text = renderDataDictionary(cat, defs);
      expect(checkDictionary(text, cat)).toEqual([]);
      expect(sectionOf(text, 'core.adoptions')).toContain('| `date_of_adoption` | DATE | Date of Adoption | yes |  | Date the adoption order was granted. Must not be after the extract date. |');
      expect(sectionOf(text, 'raw.adoptions')).toContain('| `date_of_adoption` | VARCHAR |');
      expect(text).toContain('| `core.adoptions_at(d)` | table | The rows of the newest adoptions extract dated on or before `d` |');
      // The committed document does not know the new list: the check names what it misses.
      expect(checkDictionary(committed, cat)).toEqual(expect.arrayContaining(['core.adoptions exists in the warehouse but is not documented', 'macro core.adoptions_at exists in the warehouse but is not documented']));
    } finally {
      contracts.delete(extra.list);
    }
  });
});
