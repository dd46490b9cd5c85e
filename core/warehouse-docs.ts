/**
 * What each warehouse table, view, column and macro is for, in words, for the data dictionary
 * (core/data-dictionary.ts). Which tables and columns exist, and their types, come from the
 * warehouse's own catalogue, never from here: this module only describes them, and
 * test/data-dictionary.test.ts fails when something exists that is not described here (or in the
 * source contracts), or is described here and does not exist.
 *
 * The `raw.<list>` and `core.<list>` tables are described by their contracts
 * (core/contracts/lists.ts), plus {@link LIST_TABLE_COLUMNS}; the drill-through macros by the KPI
 * metadata. Everything else is here.
 */
import type { PublicFlatColumn } from './metrics-contract.js';
import { SOURCE_KINDS } from './source-folders.js';

export interface RelationDoc {
  description: string;
  /** Column → description. A view that selects every column of a table may say `columnsOf` instead. */
  columns?: Record<string, string>;
  columnsOf?: string;
}

/** The columns every `raw.<list>` and `core.<list>` table has besides the contract's. */
export const LIST_TABLE_COLUMNS: Record<string, string> = {
  file_sha256: 'SHA-256 of the file the row came from (`meta.files.sha256`)',
  extract_date: 'Extract date from the file name (null for audit workbooks, which have none)',
  line: 'Line of the row in the file (header = 1), or its row in the workbook sheet',
  extra_columns:
    'Raw tables only: the file’s (or sheet’s) columns that no contract column matches, kept but not used — a MAP from the header as written (a blank one `column N`; a repeated one `<header> (column N)`) to the cell’s text, e.g. `extra_columns[\'Local Notes\']`; null when there were none (core/extra-columns.ts)',
};

/** The rows of metrics.csv / metrics.parquet (full and public), and so of `kpi.published`. */
export const FLAT_COLUMN_DOCS: Record<PublicFlatColumn, string> = {
  snapshot_id: 'The snapshot the row was published in',
  as_of: 'The snapshot’s as-of date',
  kpi: 'KPI id (`sql/kpi/<kpi>.sql`)',
  title: 'KPI title',
  unit: 'Unit of the value (`%`, `weeks`, `count`, `ratio`, …)',
  polarity: '`higher` or `lower`: which direction is better',
  target: 'Target, in the unit of the value (null: no target)',
  definition_version: '`sha256:` of the KPI file (and the code mappings for the columns it reads) that computed the figure',
  basis: '`month`, `at_date` or `trailing_12_months`: what period a point covers and which point is the headline',
  period_start: 'First day of the period the point covers',
  period_end: 'Last day of the period the point covers',
  is_current: 'True on the headline row: the figure the committee is shown (a `month` KPI’s last complete month, else as-of)',
  provisional: 'True on the month-to-date as-of point of a `month` KPI (never a headline or a baseline)',
  value: 'The figure (null: no value, or in public files suppressed — see `symbol`)',
  symbol: 'Public files only: `c` when the row’s value, numerator or denominator is suppressed (a small number), else empty',
  numerator: 'Numerator (null for averages and counts)',
  denominator: 'Denominator (for an average, the cohort size; null for counts)',
  status: 'RAG status against the target: `green`, `amber`, `red`, `none` (no target, no value or provisional); `c` in public files where suppressed',
  comparable_with_previous: 'Headline row: the metric’s flag (docs/baselines.md). Trend rows: false on the first point of a new baseline',
  stale: 'Headline row: a source the figure reads is older than its kind may be (config/freshness.json); null on trend rows',
  baseline_period_end: 'Headline row: the trend point the current baseline takes its value from',
  baseline_value: 'Headline row: the current baseline’s value',
  baseline_symbol: 'Public files only: `c` when the baseline value is suppressed',
  baseline_since: 'Headline row: the first day the current baseline applies to',
  baseline_reason: 'Headline row: why the current baseline started, in words',
  notes: 'Headline row: notes on the figure (why it is null, stale or withheld); an empty list on trend rows',
};

const flatColumnsForWarehouse = (): Record<string, string> => {
  const { symbol: _s, baseline_symbol: _b, ...rest } = FLAT_COLUMN_DOCS;
  return rest;
};

const META_FILES_COLUMNS: Record<string, string> = {
  sha256: 'SHA-256 of the file’s bytes: the file’s identity (a file seen again is not loaded again)',
  source: `The source folder it came from (${SOURCE_KINDS.map((k) => `\`${k}\``).join(', ')}; core/source-folders.ts)`,
  list: 'The list it holds (`referrals`, `workforce`, `audits`, `commentary`, …; `annex_a` for an Annex A workbook, whose sheets are in `meta.sheets`); null when its name says none',
  file_name: 'The file’s name in the landing folder, in its shown form (core/shown-text.ts)',
  extract_date: 'Extract date from the file name (null for audit workbooks)',
  byte_size: 'Size in bytes',
  raw_path: 'Where its bytes are archived: `<home>/raw/<source>/<sha256>.<ext>`',
  encoding: '`utf-8` or `windows-1252` (transcoded on load)',
  status: '`loaded` or `rejected` (the whole file)',
  reason: 'Why the whole file was rejected, for a data officer (null when loaded)',
  rows_read: 'Data rows read from the file',
  rows_loaded: 'Rows that passed the contract and are in `core.<list>`',
  rows_rejected: 'Rows rejected (each with its reasons in `meta.rejects`)',
  columns_seen: 'The contract’s columns present in the file, in snake_case (a change is a `source_schema_changed` baseline event), then the keys of its extra columns (`raw.<list>.extra_columns`)',
  load_seq: 'Order of loading: of two extracts of a list with the same date, the later load counts',
  loaded_by_run: 'Temporal run id of the night that loaded it',
};

/** The columns of `meta.extracts` (and so of `meta.extract_choice` and `meta.extracts_at`). */
const META_EXTRACTS_COLUMNS: Record<string, string> = {
  sha256: 'SHA-256 of the file the extract is (a CSV) or is in (a workbook)',
  sheet: 'The workbook sheet the extract is; null for a CSV',
  source: 'The source folder (`case-system` or `hr`)',
  list: 'The list (core table) the extract loads into',
  file_name: 'The file’s name in the landing folder (a workbook’s, for a sheet)',
  extract_date: 'Extract date from the file name',
  status: '`loaded` or `rejected` (a sheet: its own status when its workbook loaded, else the workbook’s)',
  reason: 'Why it was rejected, for a data officer',
  rows_read: 'Data rows read',
  rows_loaded: 'Rows that passed the contract',
  rows_rejected: 'Rows rejected (`meta.rejects`)',
  columns_seen: 'The contract’s columns present (as in `meta.files.columns_seen`)',
  load_seq: 'Order of loading (`meta.files.load_seq`; a sheet’s is its workbook’s)',
};

/** Every warehouse table and view that no source contract describes. */
export const RELATION_DOCS: Record<string, RelationDoc> = {
  'core.commentary': {
    description:
      'Managers’ commentary, one row per KPI per commentary file (`commentary/<YYYY-MM>.csv` or `.md` in the landing folder; the month is the file’s name). Staff prose, stored cleaned (control characters stripped, at most 1,000 characters); never published in `public/`.',
    columns: {
      file_sha256: 'SHA-256 of the commentary file (`meta.files.sha256`)',
      line: 'The CSV row (header = 1), or the line of the Markdown `## <KPI>` heading',
      kpi: 'The KPI it is about (a KPI id of the catalogue)',
      author_role: 'Who wrote it, by role (e.g. Head of Service)',
      commentary: 'The commentary text, cleaned and capped',
    },
  },
  'kpi.values': {
    description:
      'Every computed point of every run: 25 per KPI per night (24 month ends and as-of), with the definition version that computed it. A re-run keeps its own copy; the points reused from an earlier run are copied here too. For what was published, use `kpi.published`.',
    columns: {
      kpi: 'KPI id',
      as_of: 'As-of date of the run',
      period_start: 'First day of the period',
      period_end: 'Last day of the period (the trend point)',
      value: 'The figure (null: see `null_reason`)',
      numerator: 'Numerator as computed (publishing leaves it out for averages and counts)',
      denominator: 'Denominator as computed',
      null_reason: 'Why the value is null (empty cohort, missing data, withheld for unknown codes)',
      notes: 'Notes the KPI SQL attached to the point',
      definition_version: '`sha256:` of the KPI file plus the code mappings for the columns it reads',
      workflow_id: 'Temporal workflow id of the night (`kpi-night-<as-of>`)',
      run_id: 'Temporal run id of the night',
    },
  },
  'kpi.published': {
    description:
      'Every figure as published: one row per KPI and trend point of each snapshot — the rows of its `metrics.parquet` — with `is_latest` on the snapshot `latest` points at. The figure the committee was told: `SELECT * FROM kpi.published WHERE is_latest AND is_current`.',
    columns: { ...flatColumnsForWarehouse(), is_latest: 'True on the rows of the snapshot `snapshots/latest` points at (set at each publish)' },
  },
  'meta.files': {
    description: 'One row per distinct file (by content) the pipeline has loaded or rejected whole.',
    columns: META_FILES_COLUMNS,
  },
  'core.benchmark_values': {
    description:
      'Published figures from the Explore Education Statistics open-data CSVs in `<landing>/benchmarks/` (spec benchmarks.md), one row per indicator cell, long format: every local authority, region and England, for each year a file gives. DfE’s public statistics, not child-level data.',
    columns: {
      file_sha256: 'SHA-256 of the file the row came from (`meta.files.sha256`)',
      file_name: 'The file’s name in the landing folder',
      line: 'Line of the row in the file (header = 1)',
      time_period: 'The year as the file gives it: `201415` (a financial year) or `2014` (at 30 September)',
      time_identifier: 'The kind of period, as the file names it (EES `time_identifier`)',
      geographic_level: '`National`, `Regional` or `Local authority`',
      country_code: 'Country code (`E92000001` for England)',
      country_name: 'Country name',
      region_code: 'Region code (`E12000008` …), on regional and local authority rows',
      region_name: 'Region name (`South East` …)',
      old_la_code: 'Old 3-digit LA code, on local authority rows',
      new_la_code: 'New 9-character LA code, on local authority rows',
      la_name: 'Local authority name',
      kpi: 'The KPI the indicator serves (`config/benchmark-indicators.json`)',
      indicator: 'The column the value came from, as the file spells it',
      cell: 'The cell as the file gives it (a number, a symbol, or a number flagged `u`)',
      value: 'Its number; null for a symbol or a blank',
      symbol: 'The EES symbol kept beside it (`c`, `x`, `z`, `low`, `k`, `u`, `:`, `~`); null for a plain number',
    },
  },
  'core.statistical_neighbours': {
    description:
      'DfE’s statistical neighbour model (its workbook’s `LA SN Groups` sheet or the wide CSV) from `<landing>/benchmarks/`: one row per council and neighbour, nearest first. A council the model lists with `-` has one row with rank and neighbour null.',
    columns: {
      file_sha256: 'SHA-256 of the model file (`meta.files.sha256`)',
      file_name: 'The file’s name in the landing folder',
      line: 'Line of the council’s row in the file (or its row in the sheet)',
      council_code: 'The council’s old 3-digit LA code',
      council_name: 'The council’s name as the model gives it',
      rank: 'The neighbour’s place, 1 (nearest) to 10; null for a council with none',
      neighbour: 'The neighbour as the model gives it: a name or a code',
      closeness: 'How close, in the model’s words (`Extremely Close`, `Very Close` …)',
    },
  },
  'kpi.benchmarks': {
    description:
      'Per run and KPI, the comparison published as `metrics[].benchmark` (activities/benchmarks.ts), with its notes in words. A quiet night copies it from an earlier run with the same inputs.',
    columns: {
      run_id: 'Temporal run id of the night',
      kpi: 'KPI id',
      as_of: 'As-of date of the run',
      benchmark_version: 'The benchmark’s definition version: a hash of the KPI’s entry in `config/benchmark-indicators.json` (null without an entry)',
      benchmark: 'The comparison as published (JSON: England, region, statistical neighbours, rank, quartile, symbols); null when there is none',
      notes: 'Notes in words: why there is no comparison, a symbol in a comparator’s cell, our figure and the published one disagreeing',
      files_used: 'The benchmark files it read (sha256): the year’s file and the neighbour model',
      inputs_key: 'A hash of everything it was worked out from (the KPI’s definition and input extracts, the release, its map entry, the benchmark files, the council); null when it may not be copied',
      reused_from_run: 'The earlier run it was copied from, when it was',
    },
  },
  'meta.benchmark_files': {
    description: 'What each benchmark file turned out to be, and under which version of the indicator map it was read (a file read under another version is read again).',
    columns: {
      sha256: 'SHA-256 of the file (`meta.files.sha256`)',
      kind: '`ees` (published figures), `statistical_neighbours` (the model), `ignored` (nothing the map knows) or `rejected`',
      map_version: 'The version of `config/benchmark-indicators.json` it was read under',
    },
  },
  'meta.benchmark_files_in_folder': {
    description: 'The benchmark files (by sha256) in `<landing>/benchmarks/` at the last pull: like audit workbooks they are not dated extracts, so a file counts while it is in the folder.',
    columns: { sha256: 'SHA-256 of a benchmark file in the folder (`meta.files.sha256`)' },
  },
  'meta.sheets': {
    description:
      'One row per sheet of each Annex A workbook read (`case-system/annex_a_<date>.xlsx`): a sheet named `List N` is an extract of list N dated by the workbook’s name; any other sheet is ignored and named. The workbook itself has its row in `meta.files` (list `annex_a`).',
    columns: {
      file_sha256: 'SHA-256 of the workbook (`meta.files.sha256`)',
      sheet_index: 'Position of the sheet in the workbook (1 = its first sheet)',
      sheet: 'The sheet’s name, in its shown form',
      list: 'The list (core table) the sheet loads into; null when it is ignored',
      status: '`loaded`, `rejected` (the whole sheet) or `ignored` (not a list)',
      reason: 'Why it was rejected or ignored, for a data officer',
      header_row: 'The sheet row holding its header (a title row above it is skipped)',
      rows_read: 'Data rows read from the sheet',
      rows_loaded: 'Rows that passed the contract and are in `core.<list>`',
      rows_rejected: 'Rows rejected (each with its reasons in `meta.rejects`, naming the sheet)',
      columns_seen: 'The contract’s columns present (snake_case)',
      columns_unknown: 'The other header cells as written: kept (`raw.<list>.extra_columns`) and listed, never an error',
    },
  },
  'meta.extracts': {
    description:
      'View: every extract of a case-system or HR list the pipeline has read — each CSV (`meta.files`) and each `List N` sheet of an Annex A workbook (`meta.sheets`, with its workbook’s name, date and load). Audits (additive) and commentary (no list) are not extracts.',
    columns: META_EXTRACTS_COLUMNS,
  },
  'meta.extract_choice': {
    description:
      'View: each loaded extract and whether it is the one that counts for its list and date (`chosen`): of a workbook sheet and a CSV of one list and date, the one from the file whose name sorts last; of one name delivered again with new bytes, the latest load. The others are superseded: kept, reported, never counted.',
    columns: {
      ...META_EXTRACTS_COLUMNS,
      chosen: 'True for the extract that counts for its list and date',
      chosen_sha256: 'The counting extract’s file (`sha256`)',
      chosen_file: 'The counting extract’s file name',
      chosen_sheet: 'The counting extract’s sheet (null for a CSV)',
    },
  },
  'meta.audit_files_in_folder': {
    description: 'The audit workbooks (by sha256) in the landing folder at the last pull: audit files count while they are in the folder.',
    columns: { sha256: 'SHA-256 of an audit file in the folder (`meta.files.sha256`)' },
  },
  'meta.current_audit_files': {
    description:
      'View: the loaded audit files that count — those in the landing folder at the last pull, as they are now (a workbook edited in place counts once, in its newest version).',
    columnsOf: 'meta.files',
  },
  'meta.audit_duplicates': {
    description:
      'View: each copy of an Audit ID that is not used because the same ID is in an audit file whose name sorts later (`core.audits_at` takes that one).',
    columns: {
      audit_id: 'The Audit ID found in more than one file',
      superseded_file: 'The file whose copy is not used',
      superseded_line: 'Its line (or sheet row) in that file',
      kept_file: 'The file whose copy is used',
      kept_line: 'Its line (or sheet row) in that file',
    },
  },
  'meta.rejects': {
    description: 'Every problem with every rejected row, where it was and what rule it broke. A row with two problems has two entries. The one table with values from rows that failed: it stays in the warehouse.',
    columns: {
      file_sha256: 'The file (`meta.files.sha256`)',
      file_name: 'The file’s name, in its shown form',
      sheet: 'Sheet name, for a workbook',
      line: 'Line in the CSV (header = 1) or row in the sheet',
      column_name: 'The column at fault (null for a problem with the whole row)',
      raw_value: 'The value as it arrived (special-category data: never shown outside the warehouse)',
      reason: 'The rule it broke, in our own words (no value from the row)',
    },
  },
  'meta.kpi_inputs': {
    description: 'Per run and KPI whose points may be reused: the input files it read, and the earlier run its reused points were copied from (docs: ARCHITECTURE.md, "Reuse").',
    columns: {
      run_id: 'Temporal run id',
      kpi: 'KPI id',
      as_of: 'As-of date of the run',
      definition_version: 'Definition version the points were computed under',
      inputs: 'JSON `{"<list>": sha256 | [sha256, …]}`: the files read',
      reused_from_run: 'The earlier run whose points were copied (null: none)',
      points_reused: 'How many points were copied rather than computed',
    },
  },
  'meta.snapshots': {
    description: 'Every published snapshot (the folder under `<home>/snapshots/` is the truth; this is the index analysts query).',
    columns: {
      snapshot_id: 'Snapshot id: `<as-of>_<created-at UTC>_<run id prefix>`',
      as_of: 'As-of date',
      created_at: 'When it was made (workflow time, UTC)',
      workflow_id: 'Temporal workflow id of the night',
      run_id: 'Temporal run id of the night',
      path: 'Its folder',
    },
  },
  'meta.baseline_events': {
    description: 'One row per distinct baseline event (docs/baselines.md): a change that means figures before and after are not compared.',
    columns: {
      event_id: 'Hash of (kpi, kind, effective period, identity): a re-run never duplicates an event',
      kpi: 'KPI id',
      kind: '`definition_changed`, `source_schema_changed`, `source_codes_changed`, `level_shift` or `manual`',
      effective_period: '`YYYY-MM`: the first month the change affects',
      identity: 'The part of the evidence that names the change (hashes, codes, columns, direction, reason)',
      evidence: 'JSON: what was noticed, as published in metrics.json',
      detected_in: 'The snapshot that first announced it',
      first_as_of: 'As-of date of the night that first recorded it',
      first_workflow_id: 'Workflow id of that night',
      first_run_id: 'Run id of that night',
    },
  },
  'meta.baseline_detections': {
    description: 'Every night that noticed a baseline event, with that night’s evidence.',
    columns: {
      event_id: 'The event (`meta.baseline_events.event_id`)',
      as_of: 'As-of date of the night',
      workflow_id: 'Workflow id of the night',
      run_id: 'Run id of the night',
      effective_period: '`YYYY-MM` as found that night (a level shift may be dated a month either side later on)',
      evidence: 'JSON: that night’s evidence',
    },
  },
  'meta.baselines': {
    description: 'Every baseline ever started, per KPI; the current one has `superseded_by` null. Nothing is deleted.',
    columns: {
      baseline_id: '`<kpi>:initial` or `<kpi>:<event_id>`',
      seq: 'Order in which baselines were started',
      kpi: 'KPI id',
      effective_period: '`YYYY-MM`: the month it starts',
      period_end: 'The trend point whose figure is the reference',
      value: 'Its value under `definition_version` (null: not computed or withheld)',
      definition_version: 'Definition version of the reference figure',
      source_codes: 'JSON `{"<list>.<column>": [codes]}` of every coded column the KPI reads',
      reason: 'Why it started, in words',
      since: 'First day it applies to (the 1st of its month)',
      started_by_event: 'The event that started it (null: the first published figure)',
      started_as_of: 'As-of date of the night that started it',
      started_by_run: 'Run id of that night',
      superseded_by: 'The baseline that replaced it (null: current)',
      superseded_as_of: 'As-of date of the night that replaced it',
      superseded_by_run: 'Run id of that night',
    },
  },
  'meta.code_mappings': {
    description: 'The council’s code mappings (`config/code-mappings.json`), reloaded before the KPIs run: a new code read as a known one for one column (`ref.map_code`).',
    columns: {
      column_name: 'Warehouse column, e.g. `grade`, `case_status`',
      from_code: 'The code as it arrives (compared case-insensitively)',
      to_code: 'The known code it counts as',
    },
  },
  'meta.raw_files': {
    description: 'The CSVs read once (UTF-8 files of one line ending): `raw.<list>` reads each again from its archived copy under `<home>/raw/` with the loader’s reader (activities/raw-view.ts), so their rows are not stored twice.',
    columns: {
      sha256: 'The file (`meta.files.sha256`)',
      list: 'The list it is an extract of',
      spec: 'How it is read again: the archived path, the fields, the contract columns by position, the extra columns’ positions (JSON)',
      extra_keys: 'The keys of its extra columns (`raw.<list>.extra_columns`)',
      irregular: 'True when its lines are not one record each (blank lines, values over several lines): its line map is in `meta.raw_lines`',
      load_order: 'Order the files were loaded in (the order `raw.<list>` lists them)',
    },
  },
  'meta.loads_in_progress': {
    description: 'A CSV whose rows are in but whose load has not finished (its rows go in first, then their lines and its `meta.files` row). Empty between nights: a row left by a load that stopped has its file’s rows removed by the next night’s migrate.',
    columns: {
      sha256: 'The file being loaded',
      list: 'The list it is an extract of',
    },
  },
  'meta.installed_sql': {
    description: 'What a part of the warehouse’s macros was last made from: the cohort and drill macros are made again only when their SQL files differ.',
    columns: {
      part: 'The part (`cohort, drill`)',
      sha256: 'sha256 of the part’s SQL files, names and text, as last made',
    },
  },
  'meta.raw_lines': {
    description: 'The line map of an irregular file read once: from the `from_record`-th record on, record r is on line r + 1 + `add`.',
    columns: {
      sha256: 'The file (`meta.raw_files.sha256`)',
      from_record: 'First record (1 = the first after the header) the offset applies to',
      add: 'Lines to add to the record number (blank lines, values over several lines, malformed records before it)',
    },
  },
  'meta.landing_stats': {
    description: 'Pull’s record of each landing file’s bytes, keyed by its real path and what `stat` says of it: an unchanged file is not read again.',
    columns: {
      real_path: 'The file’s real path',
      byte_size: 'Size in bytes',
      mtime_ns: 'Modification time (ns)',
      ctime_ns: 'Change time (ns)',
      inode: 'Inode number',
      sha256: 'SHA-256 of its bytes when last read',
      encoding: 'Encoding found in its bytes',
      has_nul: 'Whether its bytes hold a NUL (a binary file, rejected)',
      hashed_at: 'When it was last read',
    },
  },
  'ref.bank_holidays': {
    description: 'England and Wales bank holidays, 2010–2030 (reference/README.md gives the source).',
    columns: { date: 'The holiday', title: 'Its name' },
  },
  'ref.calendar': {
    description: 'Every day 2005–2035 with whether it is a working day (not a weekend or a bank holiday) and a running count of working days.',
    columns: {
      date: 'The day',
      is_working_day: 'Not Saturday, Sunday or an England and Wales bank holiday',
      working_day_index: 'Working days up to and including this day: working days between s and e = index(e) − index(s)',
    },
  },
};

/** Macros outside `drill`, `cohort` and the `core.<list>_at` ones (those are described from the KPIs and contracts). */
export const MACRO_DOCS: Record<string, string> = {
  'core.audits_at':
    'The audits as known on date d — every audit workbook in the landing folder at the last pull, an Audit ID in several files taken from the file whose name sorts last, a completion after d not yet happened',
  'core.audits_changed_between':
    'The audit rows a run as of `up_to` reads otherwise than a run as of `after` over the same files — the completions the cut-off of `core.audits_at` lets in between the two dates (compute’s reuse asks it)',
  'meta.extracts_up_to':
    'The extracts that count of each list dated on or before `d` (the columns of `meta.extract_choice`), numbered newest first by `recency`: 1 is tonight’s extract, 2 the one before it (baseline detection compares the two)',
  'meta.extracts_at':
    'Tonight’s extract of each list as of `d`, one row per list (the columns of `meta.extract_choice`): of the extracts that count, the newest dated on or before `d`. `core.<list>_at(d)`, compute’s reuse, freshness, baseline detection and publishing all read it',
  'ref.without_letter_prefix':
    'A value without Annex A’s lettered prefix (`c) Child in need plan` → `Child in need plan`), for KPI SQL reading a text column that holds codes; the same rule the loader applies to coded columns',
  'meta.extracts_through':
    'Every loaded extract of each list dated on or before `d`, the chosen and the superseded (the columns of `meta.extracts`): what a KPI reading a list whole, or at each trend point’s own extract, may read; compute’s reuse keys such a KPI on them',
  'ref.kpi_periods':
    'The 25 trend points of a run as of `as_of` — `period_end`, `period_start` (1st of the month) and `trailing_12m_start`; with `points_after` (default null: all 25), only the points after that date (a night that copied the others from an earlier one)',
  'ref.div_round1': '`num ÷ den` to one decimal place, half away from zero, in exact integer arithmetic; null when `den` is 0',
  'ref.fte_units': 'An FTE as an exact integer count of 10⁻¹² FTE, so sums and ratios are rounded once',
  'ref.map_code': 'The value of a coded column after the council’s mappings (`meta.code_mappings`): the mapped code, or the value itself',
  'ref.shown_code': 'A code as it may be shown outside the warehouse (it looks like a code), else null (core/shown-text.ts)',
  'ref.code_mapping_fix': 'The one-line mapping to add to config/code-mappings.json for an unknown code',
  'ref.unknown_code_note': 'The sentence about an unknown code in a withheld figure (the code only when it looks like one)',
  'ref.withheld_reason': 'The `null_reason` of a withheld figure, from its notes on each unknown code',
  'ref.working_days_between': 'Working days after `s` up to and including `e` (`ref.calendar`); null outside the calendar',
};
