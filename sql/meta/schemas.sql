-- The warehouse layers, one schema each (spec: outputs.md "The warehouse").
CREATE SCHEMA IF NOT EXISTS raw;
-- The rows a load keeps as rows (workbook sheets, Windows-1252 files, mixed line endings); raw.<list> is a view over them and the archive.
CREATE SCHEMA IF NOT EXISTS raw_rows;
CREATE SCHEMA IF NOT EXISTS core;
CREATE SCHEMA IF NOT EXISTS kpi;
CREATE SCHEMA IF NOT EXISTS meta;
CREATE SCHEMA IF NOT EXISTS ref;
