-- Benchmarks (spec benchmarks.md): the published figures of every local authority, region and
-- England from EES open-data CSVs, and DfE's statistical neighbour model, from <landing>/benchmarks/.
-- Published statistics, not child-level data; every row keeps its file and line.

-- core.benchmark_values: one row per indicator cell of an EES file (long format). `cell` is the
-- text as the file gives it; `value` its number (null for a symbol or a blank), `symbol` the EES
-- symbol kept beside it (c, x, z, low, k, u, :, ~); a `u`-flagged number keeps both.
CREATE TABLE IF NOT EXISTS core.benchmark_values (
  file_sha256      VARCHAR NOT NULL,
  file_name        VARCHAR NOT NULL,
  line             BIGINT NOT NULL,
  time_period      VARCHAR NOT NULL,
  time_identifier  VARCHAR,
  geographic_level VARCHAR NOT NULL,
  country_code     VARCHAR,
  country_name     VARCHAR,
  region_code      VARCHAR,
  region_name      VARCHAR,
  old_la_code      VARCHAR,
  new_la_code      VARCHAR,
  la_name          VARCHAR,
  kpi              VARCHAR NOT NULL,  -- the KPI the indicator serves (config/benchmark-indicators.json)
  indicator        VARCHAR NOT NULL,  -- the column, as the file spells it
  cell             VARCHAR,
  value            DOUBLE,
  symbol           VARCHAR
);

-- core.statistical_neighbours: DfE's model, one row per council and neighbour, nearest first
-- (rank 1–10). `neighbour` is as the file gives it: a name or a code. A council the file lists
-- with no neighbours (`-`) has one row with rank and neighbour null.
CREATE TABLE IF NOT EXISTS core.statistical_neighbours (
  file_sha256  VARCHAR NOT NULL,
  file_name    VARCHAR NOT NULL,
  line         BIGINT NOT NULL,
  council_code VARCHAR NOT NULL,     -- old LA code, 3 digits
  council_name VARCHAR,
  rank         INTEGER,
  neighbour    VARCHAR,
  closeness    VARCHAR
);

-- meta.benchmark_files: what each benchmark file turned out to be, and under which version of the
-- indicator map it was read (a file read under another map is read again: activities/pull.ts).
CREATE TABLE IF NOT EXISTS meta.benchmark_files (
  sha256      VARCHAR PRIMARY KEY,
  kind        VARCHAR NOT NULL,       -- ees | statistical_neighbours | ignored | rejected
  map_version VARCHAR NOT NULL
);

-- meta.benchmark_files_in_folder: the benchmark files in <landing>/benchmarks/ at the last pull.
-- Like audit workbooks they are not dated extracts: a file counts while it is in the folder.
CREATE TABLE IF NOT EXISTS meta.benchmark_files_in_folder (
  sha256 VARCHAR NOT NULL
);

-- kpi.benchmarks: per run and KPI, the comparison published as metrics[].benchmark (JSON, null
-- when there is none), its notes in words, the benchmark definition version (the KPI's entry in the
-- indicator map; null without one) and the benchmark files it read.
-- `inputs_key` hashes everything the row was worked out from (the KPI's definition and input
-- extracts, the release, the map entry, the benchmark files, the council), so a quiet night copies
-- it (`reused_from_run`) instead of running the KPI's SQL over the benchmark year again.
CREATE TABLE IF NOT EXISTS kpi.benchmarks (
  run_id            VARCHAR NOT NULL,
  kpi               VARCHAR NOT NULL,
  as_of             DATE NOT NULL,
  benchmark_version VARCHAR,
  benchmark         JSON,
  notes             VARCHAR[] NOT NULL,
  files_used        VARCHAR[] NOT NULL,
  inputs_key        VARCHAR,
  reused_from_run   VARCHAR
);
