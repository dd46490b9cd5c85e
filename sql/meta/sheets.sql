-- meta.sheets: one row per sheet of each Annex A workbook read (case-system/annex_a_<date>.xlsx;
-- sources.md v2). A sheet named "List N" is an extract of list N dated by the workbook's name;
-- any other sheet is ignored and named here. The workbook itself has its row in meta.files (list
-- 'annex_a'), written after its sheets: a workbook without it is an interrupted load.
CREATE TABLE IF NOT EXISTS meta.sheets (
  file_sha256     VARCHAR NOT NULL,
  sheet_index     INTEGER NOT NULL,      -- 1 = the workbook's first sheet
  sheet           VARCHAR NOT NULL,      -- the sheet's name
  list            VARCHAR,               -- the core table it loads into; NULL when ignored
  status          VARCHAR NOT NULL,      -- loaded | rejected | ignored
  reason          VARCHAR,               -- why it was rejected or ignored, for a data officer
  header_row      INTEGER,               -- the sheet row holding its header
  rows_read       BIGINT NOT NULL,
  rows_loaded     BIGINT NOT NULL,
  rows_rejected   BIGINT NOT NULL,
  columns_seen    VARCHAR[],             -- contract columns present (snake_case)
  columns_unknown VARCHAR[]              -- other header cells as written: listed, never an error
);
