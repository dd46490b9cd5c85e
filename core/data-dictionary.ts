/**
 * The data dictionary (docs/data-dictionary.md), pure: rendered from a warehouse's own catalogue
 * (which tables, views, columns, types and macros exist — activities/warehouse-catalogue.ts reads
 * it from a freshly migrated warehouse) plus what they mean — the source contracts for `raw` and
 * `core`, core/warehouse-docs.ts for the rest, the KPI metadata for the KPIs and their drill-through
 * macros. And the check that keeps the document true: every table, column and macro it documents
 * exists, and every one that exists is documented with a description.
 *
 * A new contract (list) is documented without a change here; a new table, view, column or macro
 * elsewhere needs its words in core/warehouse-docs.ts, or the check fails and names it.
 */
import { columnMeta } from './contracts/columns.js';
import { CONTRACTS, type ListContract } from './contracts/lists.js';
import { snakeCase } from './contracts/naming.js';
import type { KpiDefinition } from './kpi-definition.js';
import { PUBLIC_FLAT_COLUMNS } from './metrics-contract.js';
import { FLAT_COLUMN_DOCS, LIST_TABLE_COLUMNS, MACRO_DOCS, RELATION_DOCS } from './warehouse-docs.js';

/** The warehouse's layers (spec: outputs.md "The warehouse"), plus the drill-through macros. */
export const DOCUMENTED_SCHEMAS = ['raw', 'core', 'kpi', 'meta', 'ref', 'cohort', 'drill'] as const;

export interface CatalogueColumn {
  name: string;
  type: string;
  nullable: boolean;
}
export interface CatalogueRelation {
  schema: string;
  name: string;
  kind: 'table' | 'view';
  columns: CatalogueColumn[];
}
export interface CatalogueMacro {
  schema: string;
  name: string;
  /** A table macro (used in FROM) rather than a scalar one. */
  table: boolean;
  parameters: string[];
}
export interface WarehouseCatalogue {
  relations: CatalogueRelation[];
  macros: CatalogueMacro[];
}

const cell = (s: string) => s.replaceAll('|', '\\|').replaceAll('\n', ' ');
const qualified = (r: { schema: string; name: string }) => `${r.schema}.${r.name}`;

// ---------------------------------------------------------------------------------------------
// What each thing means

function contractOf(r: { schema: string; name: string }): ListContract | undefined {
  return r.schema === 'raw' || r.schema === 'core' ? CONTRACTS.get(r.name) : undefined;
}

/** A contract column by its warehouse name. */
function contractColumn(c: ListContract, column: string): { header: string; meta: ReturnType<typeof columnMeta> } | null {
  for (const [header, schema] of Object.entries(c.columns)) if (snakeCase(header) === column) return { header, meta: columnMeta(schema) };
  return null;
}

/** The description of one column of one relation; '' when nothing describes it. */
export function columnDescription(r: { schema: string; name: string }, column: string): string {
  const contract = contractOf(r);
  if (contract) {
    if (LIST_TABLE_COLUMNS[column]) return LIST_TABLE_COLUMNS[column];
    const c = contractColumn(contract, column);
    if (!c) return '';
    if (r.schema === 'raw') return `${c.header} as extracted (text, before the contract's checks)`;
    return [c.meta.description, c.meta.notAfterExtract ? 'Must not be after the extract date.' : ''].filter(Boolean).join(' ');
  }
  const doc = RELATION_DOCS[qualified(r)];
  const columns = doc?.columnsOf ? RELATION_DOCS[doc.columnsOf]?.columns : doc?.columns;
  return columns?.[column] ?? '';
}

function relationDescription(r: { schema: string; name: string }): string {
  const contract = contractOf(r);
  if (contract && r.schema === 'core') {
    const via =
      contract.source === 'audits'
        ? 'Read through `core.audits_at(d)` (every audit file in the folder, de-duplicated by Audit ID).'
        : contract.source === 'plan'
          ? 'One tracker a night: of the trackers in the landing folder that loaded (dated on or before d, or undated), the one whose name sorts last (`core/plan-file.ts`); its figures come from `sql/plan/`. `extract_date` is the date at the end of the file name, if any.'
          : `Read through \`core.${contract.list}_at(d)\` (the newest extract dated on or before d).`;
    return `Every row that passed its contract, typed, from every extract. Source: \`${contract.source}/${contract.list}\`. ${via}`;
  }
  if (contract) return `Every row of every ${contract.list.replaceAll('_', ' ')} file as extracted, all text, with its file and line, before the contract’s checks (a row rejected there is still here).`;
  return RELATION_DOCS[qualified(r)]?.description ?? '';
}

function macroDescription(m: CatalogueMacro, defs: readonly KpiDefinition[]): string {
  const key = `${m.schema}.${m.name}`;
  if (MACRO_DOCS[key]) return MACRO_DOCS[key];
  if (m.schema === 'drill') {
    const d = defs.find((x) => x.meta.id === m.name);
    return d ? `The rows behind “${d.meta.title}” for the period ending \`as_of\`, with \`in_numerator\` (\`sql/drill/${m.name}.sql\`)` : '';
  }
  if (m.schema === 'cohort') {
    // Which KPIs read it comes from their definitions (the macros each calls); what it returns, from its file.
    const users = defs.filter((d) => d.macros.includes(key)).map((d) => `“${d.meta.title}”`);
    return `Shared SQL of ${users.length > 0 ? users.join(', ') : 'the KPIs'} and ${users.length === 1 ? 'its drill-through' : 'their drill-throughs'}: what it returns is said at the top of \`sql/cohort/${m.name}.sql\``;
  }
  const list = m.schema === 'core' && m.name.endsWith('_at') ? CONTRACTS.get(m.name.slice(0, -3)) : undefined;
  return list ? `The rows of the newest ${list.title.toLowerCase().replace(/ \(.*\)$/, '')} extract dated on or before \`d\`` : '';
}

// ---------------------------------------------------------------------------------------------
// Rendering

function ruleText(c: ListContract): string[] {
  return c.rules.map((r) => {
    const rule = r as { kind: string; column: string; notBefore?: string };
    if (rule.kind === 'not_before') return `\`${rule.column}\` must not be before \`${rule.notBefore}\``;
    if (rule.kind === 'unique') return `\`${rule.column}\` must not repeat within one file`;
    return `${rule.kind} on \`${rule.column}\``;
  });
}

function heading(r: CatalogueRelation): string {
  const contract = contractOf(r);
  const title = contract ? ` — ${contract.title}` : '';
  return `### ${r.kind === 'view' ? 'View' : 'Table'} \`${qualified(r)}\`${title}`;
}

function coreSection(r: CatalogueRelation, c: ListContract): string {
  const lines = [heading(r), '', relationDescription(r), '', '| column | type | header in the file | required | codes | description |', '|---|---|---|---|---|---|'];
  for (const col of r.columns) {
    const found = contractColumn(c, col.name);
    const codes = found?.meta.codes ? `${found.meta.codes.join(', ')}${found.meta.codesAreStrict ? ' (others rejected)' : ' (others kept; see KPIs)'}` : '';
    const required = found ? (found.meta.required ? 'yes' : found.meta.headerRequired ? 'column (may be blank)' : '') : col.nullable ? '' : 'yes';
    lines.push(`| \`${col.name}\` | ${col.type} | ${found ? cell(found.header) : '—'} | ${required} | ${cell(codes)} | ${cell(columnDescription(r, col.name))} |`);
  }
  const rules = ruleText(c);
  if (rules.length > 0) lines.push('', `Row rules: ${rules.join('; ')}.`);
  return lines.join('\n');
}

function plainSection(r: CatalogueRelation): string {
  const lines = [heading(r), '', relationDescription(r), '', '| column | type | never null | description |', '|---|---|---|---|'];
  for (const col of r.columns) lines.push(`| \`${col.name}\` | ${col.type} | ${col.nullable ? '' : 'yes'} | ${cell(columnDescription(r, col.name))} |`);
  return lines.join('\n');
}

function section(r: CatalogueRelation): string {
  const contract = contractOf(r);
  return contract && r.schema === 'core' ? coreSection(r, contract) : plainSection(r);
}

function rag(d: KpiDefinition): string {
  const m = d.meta;
  if (m.target === null) return 'none (no target)';
  const [ge, gt, le, lt] = ['≥', '>', '≤', '<'];
  if (m.polarity === 'higher') {
    const amber = m.amber === null ? '' : `, amber ${m.amber_strict ? gt : ge} ${m.amber}`;
    return `green ${ge} ${m.target}${amber}, otherwise red`;
  }
  const amber = m.amber === null ? '' : `, amber ${m.amber_strict ? lt : le} ${m.amber}`;
  return `green ${le} ${m.target}${amber}, otherwise red`;
}

const BASIS: Record<KpiDefinition['meta']['basis'], string> = {
  month:
    '`month`: the month ending E (period_start = the 1st of the month). Headline: the last complete month (as-of’s month when as-of is a month end, else the month before); the month-to-date as-of point is provisional',
  trailing_12_months: '`trailing_12_months`: the trailing 12 months ending E (period_start = the day after E − 12 months). Headline: the as-of point',
  at_date: '`at_date`: the state at E (period_start = period_end). Headline: the as-of point',
};

const PUBLISHED: Record<KpiDefinition['meta']['measure'], string> = {
  percentage: 'value 0–100 to 1 dp; numerator and denominator published',
  average: 'value to 1 dp; numerator null, denominator = cohort size',
  ratio: 'value to 1 dp; numerator and denominator published',
  count: 'whole number; numerator and denominator null',
};

function kpiSection(d: KpiDefinition): string {
  const m = d.meta;
  const sources = Object.entries(m.sources)
    .map(([s, cols]) => `\`${s}\` (${cols.map((c) => `\`${c}\``).join(', ')})`)
    .join('; ');
  const filters = Object.entries(m.filters ?? {})
    .flatMap(([s, f]) => Object.entries(f).map(([c, values]) => `\`${s}\` \`${c}\` ${values.join(' or ')}`))
    .join('; ');
  return [
    `### \`${m.id}\` — ${m.title}`,
    '',
    cell(m.definition),
    '',
    `- In plain words (the committee report): ${cell(m.summary)}`,
    `- Unit: ${m.unit}; measure: ${m.measure} (${PUBLISHED[m.measure]})`,
    `- Polarity: ${m.polarity} is better; target: ${m.target ?? 'none'}; RAG: ${rag(d)}`,
    `- Basis: ${BASIS[m.basis]}`,
    `- Sources: ${sources}`,
    ...(filters
      ? [`- Cohort (metadata \`filters\`; the baseline detector compares codes over these rows, plus rows whose filter column holds an unknown code): ${filters}`]
      : []),
    `- Definition file: \`${d.file}\`; drill-through: \`SELECT * FROM drill.${m.id}(DATE 'YYYY-MM-DD') WHERE in_numerator\``,
  ].join('\n');
}

const macroSignature = (m: CatalogueMacro) => `\`${m.schema}.${m.name}(${m.parameters.join(', ')})\``;

const LAYERS: { schema: string; title: string; intro: string }[] = [
  { schema: 'core', title: 'Source tables (`core`)', intro: 'One table per list, typed, every extract kept. Warehouse column names are the file headers in snake_case.' },
  { schema: 'raw', title: 'Rows as extracted (`raw`)', intro: 'The same lists as text, every row of every file with its line, before the contract’s checks. Each is a view: over `raw_rows.<list>` (workbook sheets, Windows-1252 files, files of mixed line endings, stored as rows) and over the archived copy of every other CSV, read again (`meta.raw_files`). Reading it needs read access to `<home>/raw/`, so `csc-kpi query` (file access locked off) cannot read `raw`; open the warehouse with DuckDB to read it.' },
  { schema: 'kpi', title: 'KPI figures (`kpi`)', intro: '' },
  { schema: 'meta', title: 'Loads, rejects, baselines and snapshots (`meta`)', intro: '' },
  { schema: 'ref', title: 'Reference data (`ref`)', intro: '' },
];

export function renderDataDictionary(cat: WarehouseCatalogue, defs: readonly KpiDefinition[]): string {
  const inSchema = (s: string) => cat.relations.filter((r) => r.schema === s);
  const out = [
    '# Data dictionary',
    '',
    '<!-- Generated by `csc-kpi dictionary --out docs/data-dictionary.md` from the catalogue of a freshly migrated warehouse (tables, columns, types, macros), the source contracts (core/contracts/lists.ts), core/warehouse-docs.ts and sql/kpi/*.sql. Do not edit by hand: test/data-dictionary.test.ts fails on a documented column that does not exist and on one that exists undocumented. -->',
    '',
    'Every table, view, column and macro an analyst reads in the warehouse (`<home>/warehouse.duckdb`),',
    'and every KPI the committee sees. Coded values compare case-insensitively; Annex A lettered',
    'prefixes (`c) Child in need plan`) are removed on load. Child, worker and audit ids never leave',
    'the warehouse: query them with `csc-kpi query`.',
    '',
  ];
  for (const layer of LAYERS) {
    out.push(`## ${layer.title}`, '');
    if (layer.intro) out.push(layer.intro, '');
    for (const r of inSchema(layer.schema)) out.push(section(r), '');
  }
  out.push('## Macros', '', 'Table macros are used in `FROM` (`SELECT * FROM core.referrals_at(DATE \'2015-02-28\')`); the others in expressions.', '');
  out.push('| macro | kind | description |', '|---|---|---|');
  for (const m of cat.macros) out.push(`| ${macroSignature(m)} | ${m.table ? 'table' : 'value'} | ${cell(macroDescription(m, defs))} |`);
  out.push(
    '',
    '## Snapshot files: `metrics.csv` and `metrics.parquet`',
    '',
    'One row per KPI and trend point, the same in both files and in `kpi.published`; `public/metrics.csv`',
    'and `public/metrics.parquet` add the two `symbol` columns (small numbers suppressed: value null, symbol `c`).',
    '',
    '| column | description |',
    '|---|---|',
    ...PUBLIC_FLAT_COLUMNS.map((c) => `| ${c} | ${cell(FLAT_COLUMN_DOCS[c])} |`),
    '',
    '## KPIs',
    '',
    'Each KPI is one SQL file with its metadata. Its definition version is the sha256 of the file',
    '(plus, when the council maps a code in a column the KPI reads, the canonical JSON of those',
    'mappings). Empty cohorts are published as null with a reason, never 0. A figure whose cohort',
    'holds a code the KPI cannot classify is withheld, with the mapping that fixes it.',
    '',
    ...defs.flatMap((d) => [kpiSection(d), '']),
  );
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------
// The check

interface Documented {
  relations: Map<string, { kind: 'table' | 'view'; columns: Map<string, string> }>;
  macros: Map<string, { parameters: string; description: string }>;
}

/** The cells of a Markdown table row (escaped pipes kept inside their cell). */
function cells(line: string): string[] {
  return line
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());
}

/** What a dictionary document claims: its `### Table|View \`s.t\`` sections and their column rows, and its macros. */
export function parseDictionary(markdown: string): Documented {
  const doc: Documented = { relations: new Map(), macros: new Map() };
  let current: { kind: 'table' | 'view'; columns: Map<string, string> } | null = null;
  let inMacros = false;
  for (const line of markdown.split('\n')) {
    const h = /^### (Table|View) `([a-z0-9_]+\.[a-z0-9_]+)`/.exec(line);
    if (h) {
      current = { kind: h[1] === 'View' ? 'view' : 'table', columns: new Map() };
      doc.relations.set(h[2]!, current);
      continue;
    }
    if (/^#{1,3} /.test(line)) {
      current = null;
      inMacros = line === '## Macros';
      continue;
    }
    const row = /^\| `([a-z0-9_]+)` \|/.exec(line);
    if (current && row) current.columns.set(row[1]!, cells(line).at(-1) ?? '');
    const macro = /^\| `([a-z0-9_]+\.[a-z0-9_]+)\(([^)]*)\)` \|/.exec(line);
    if (inMacros && macro) doc.macros.set(macro[1]!, { parameters: macro[2]!, description: cells(line).at(-1) ?? '' });
  }
  return doc;
}

/** Every way the document and the catalogue disagree, in words; empty when it is true. */
export function checkDictionary(markdown: string, cat: WarehouseCatalogue): string[] {
  const doc = parseDictionary(markdown);
  const errors: string[] = [];
  const actual = new Map(cat.relations.map((r) => [qualified(r), r]));
  for (const [name, d] of doc.relations) {
    const r = actual.get(name);
    if (!r) {
      errors.push(`${name} is documented, but the warehouse has no such table or view`);
      continue;
    }
    if (r.kind !== d.kind) errors.push(`${name} is a ${r.kind} in the warehouse but documented as a ${d.kind}`);
    const have = new Set(r.columns.map((c) => c.name));
    for (const [col, description] of d.columns) {
      if (!have.has(col)) errors.push(`${name}.${col} is documented, but the warehouse has no such column`);
      else if (!description) errors.push(`${name}.${col} has no description`);
    }
    for (const c of r.columns) if (!d.columns.has(c.name)) errors.push(`${name}.${c.name} exists in the warehouse but is not documented`);
  }
  for (const name of actual.keys()) if (!doc.relations.has(name)) errors.push(`${name} exists in the warehouse but is not documented`);
  const macros = new Map(cat.macros.map((m) => [`${m.schema}.${m.name}`, m]));
  for (const [name, d] of doc.macros) {
    const m = macros.get(name);
    if (!m) errors.push(`macro ${name} is documented, but the warehouse has no such macro`);
    else if (d.parameters !== m.parameters.join(', ')) errors.push(`macro ${name} takes (${m.parameters.join(', ')}), documented as (${d.parameters})`);
    else if (!d.description) errors.push(`macro ${name} has no description`);
  }
  for (const name of macros.keys()) if (!doc.macros.has(name)) errors.push(`macro ${name} exists in the warehouse but is not documented`);
  return errors;
}
