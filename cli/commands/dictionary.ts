/**
 * `csc-kpi dictionary [--out FILE]`: the data dictionary, generated from the source contracts
 * (core/contracts/lists.ts) and the KPI metadata (sql/kpi/*.sql): every warehouse table and column
 * with its type, whether it is required, its codes and description, and every KPI with its
 * definition, unit, polarity, target, RAG bands, sources and drill-through. docs/data-dictionary.md
 * is this output, committed; a test fails when it is out of date.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { Logger } from 'pino';
import { readKpiCatalogue } from '../../activities/kpi-files.js';
import { columnMeta } from '../../core/contracts/columns.js';
import { CONTRACTS, type ListContract } from '../../core/contracts/lists.js';
import { snakeCase } from '../../core/contracts/naming.js';
import type { KpiDefinition } from '../../core/kpi-definition.js';

const cell = (s: string) => s.replaceAll('|', '\\|').replaceAll('\n', ' ');

function ruleText(c: ListContract): string[] {
  return c.rules.map((r) => {
    const rule = r as { kind: string; column: string; notBefore?: string };
    if (rule.kind === 'not_before') return `\`${rule.column}\` must not be before \`${rule.notBefore}\``;
    if (rule.kind === 'unique') return `\`${rule.column}\` must not repeat within one file`;
    return `${rule.kind} on \`${rule.column}\``;
  });
}

function listSection(c: ListContract): string {
  const lines = [
    `### \`core.${c.list}\` — ${c.title}`,
    '',
    `Source: \`${c.source}/${c.list}\`. ${c.source === 'audits' ? 'Read through `core.audits_at(d)` (every audit file, de-duplicated by Audit ID).' : `Read through \`core.${c.list}_at(d)\` (the newest extract dated on or before d).`}`,
    '',
    '| column | header in the file | type | required | codes | description |',
    '|---|---|---|---|---|---|',
    '| `file_sha256` | — | VARCHAR | yes | | SHA-256 of the file the row came from |',
    ...(c.source === 'audits' ? [] : ['| `extract_date` | — | DATE | | | Extract date from the file name |']),
    '| `line` | — | BIGINT | yes | | Line of the row in the file (header = 1) |',
  ];
  for (const [header, schema] of Object.entries(c.columns)) {
    const m = columnMeta(schema);
    const codes = m.codes ? `${m.codes.join(', ')}${m.codesAreStrict ? ' (others rejected)' : ' (others kept; see KPIs)'}` : '';
    const notes = [m.description, m.notAfterExtract ? 'Must not be after the extract date.' : ''].filter(Boolean).join(' ');
    lines.push(`| \`${snakeCase(header)}\` | ${cell(header)} | ${m.duckdbType} | ${m.required ? 'yes' : ''} | ${cell(codes)} | ${cell(notes)} |`);
  }
  const rules = ruleText(c);
  if (rules.length > 0) lines.push('', `Row rules: ${rules.join('; ')}.`);
  return lines.join('\n');
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
    `- Unit: ${m.unit}; measure: ${m.measure} (${PUBLISHED[m.measure]})`,
    `- Polarity: ${m.polarity} is better; target: ${m.target ?? 'none'}; RAG: ${rag(d)}`,
    `- Basis: ${BASIS[m.basis]}`,
    `- Sources: ${sources}`,
    ...(filters
      ? [`- Cohort (metadata \`filters\`; the baseline detector compares codes over these rows, plus rows whose filter column holds an unknown code): ${filters}`]
      : []),
    `- Definition file: \`${d.file}\`; drill-through: \`SELECT * FROM drill.${m.id}(DATE 'YYYY-MM-DD')\``,
  ].join('\n');
}

export function renderDataDictionary(defs: KpiDefinition[]): string {
  const lists = [...CONTRACTS.values()];
  return [
    '# Data dictionary',
    '',
    '<!-- Generated by `csc-kpi dictionary --out docs/data-dictionary.md` from core/contracts/lists.ts and sql/kpi/*.sql. Do not edit by hand. -->',
    '',
    'Every table an analyst reads in the warehouse (`<home>/warehouse.duckdb`) and every KPI the',
    'committee sees. Warehouse column names are the file headers in snake_case. Coded values compare',
    'case-insensitively; Annex A lettered prefixes (`c) Child in need plan`) are removed on load.',
    'Child, worker and audit ids never leave the warehouse: query them with `csc-kpi query`.',
    '',
    '## Source tables',
    '',
    ...lists.flatMap((c) => [listSection(c), '']),
    '## Computed and meta tables',
    '',
    '| table | what it holds |',
    '|---|---|',
    '| `kpi.values` | Every computed figure: kpi, as_of, period_start, period_end, value, numerator, denominator, null_reason, notes, definition_version, workflow_id, run_id |',
    '| `meta.files` | Every file loaded or rejected whole: sha256, source, list, name, extract date, status, reason, row counts, columns seen |',
    '| `meta.rejects` | Every problem with every rejected row: file, line, column, value, reason |',
    '| `meta.code_mappings` | The council\'s code mappings (config/code-mappings.json): column_name, from_code, to_code |',
    '| `meta.snapshots` | Every published snapshot |',
    '| `meta.kpi_inputs` | Per run and KPI whose points may be reused: the input files it read (JSON), and the earlier run its reused points were copied from, with how many |',
    '| `meta.landing_stats` | Pull\'s stat cache: each landing file\'s real path, size, modification and change times, inode, and the sha256 and encoding read from its bytes (an unchanged file is not read again) |',
    '| `core.benchmark_values` | Published figures from the EES open-data files in `<landing>/benchmarks/`, one row per indicator cell: file, line, time_period, geographic level, country, region and LA codes and names, the KPI it serves, the column (indicator), the cell as given, value, EES symbol (c, x, z, low, k, u, :, ~) |',
    '| `core.statistical_neighbours` | DfE\'s statistical neighbour model: council (old LA code, name), rank 1–10, neighbour (name or code, as given), closeness in words; a council with `-` has one row with rank and neighbour null |',
    '| `kpi.benchmarks` | Per run and KPI: the comparison published as `metrics[].benchmark` (JSON), its notes, the benchmark definition version (the KPI\'s entry in config/benchmark-indicators.json) and the benchmark files read |',
    '| `meta.benchmark_files`, `meta.benchmark_files_in_folder` | What each benchmark file was (EES, neighbour model, ignored, rejected) and the indicator map it was read under; the benchmark files in the folder at the last pull |',
    '| `ref.calendar`, `ref.bank_holidays` | Working-day calendar and England and Wales bank holidays |',
    '| `drill.<kpi>(as_of)` | Table macro per KPI: the cohort behind the figure for the period ending as_of, with `in_numerator` |',
    '',
    '## KPIs',
    '',
    'Each KPI is one SQL file with its metadata. Its definition version is the sha256 of the file',
    '(plus, when the council maps a code in a column the KPI reads, the canonical JSON of those',
    'mappings). Empty cohorts are published as null with a reason, never 0. A figure whose cohort',
    'holds a code the KPI cannot classify is withheld, with the mapping that fixes it.',
    '',
    ...defs.flatMap((d) => [kpiSection(d), '']),
  ].join('\n');
}

export function register(program: Command, _log: Logger): void {
  program
    .command('dictionary')
    .description('generate the data dictionary (tables, columns, KPIs) as Markdown')
    .option('--out <file>', 'write to this file instead of standard output')
    .action(async (o: { out?: string }) => {
      const text = renderDataDictionary(await readKpiCatalogue());
      if (o.out) await writeFile(resolve(o.out), text);
      else process.stdout.write(text);
    });
}
