-- Tonight's extract of a list, defined once (sources.md: "a run as of D uses, for each list, the
-- newest extract dated on or before D"; v2: "a workbook and CSVs of the same list and date are the
-- same extract twice: the file that sorts last wins").

-- meta.extracts: every extract of a list the pipeline has read: each CSV of a case-system or HR
-- list (meta.files; the other source folders hold no dated extracts: audits are additive,
-- managers' commentary is no list, core/plan-file.ts chooses the improvement plan tracker by its
-- own rule, and the benchmark files are DfE's published figures),
-- and each "List N" sheet of an Annex A workbook (meta.sheets) with its workbook's name, date and
-- load. A sheet's status is its own when its workbook loaded.
CREATE OR REPLACE VIEW meta.extracts AS
SELECT f.sha256, NULL::VARCHAR AS sheet, f.source, f.list, f.file_name, f.extract_date, f.status, f.reason,
       f.rows_read, f.rows_loaded, f.rows_rejected, f.columns_seen, f.load_seq
FROM meta.files f
WHERE f.source IN ('case-system', 'hr') AND f.list IS NOT NULL AND f.list <> 'annex_a'
UNION ALL
SELECT s.file_sha256, s.sheet, f.source, s.list, f.file_name, f.extract_date,
       CASE WHEN f.status = 'loaded' THEN s.status ELSE f.status END, s.reason,
       s.rows_read, s.rows_loaded, s.rows_rejected, s.columns_seen, f.load_seq
FROM meta.sheets s JOIN meta.files f ON f.sha256 = s.file_sha256
WHERE s.list IS NOT NULL;

-- meta.extract_choice: each loaded extract, and whether it is the one that counts for its list
-- and date (`chosen`): of a workbook sheet and a CSV of one list and date, the one from the file
-- whose name sorts last; of one name delivered again with new bytes, the latest load. The others
-- are superseded: kept, reported (with the one chosen), never counted.
CREATE OR REPLACE VIEW meta.extract_choice AS
SELECT *,
       row_number() OVER w = 1 AS chosen,
       first_value(sha256) OVER w AS chosen_sha256,
       first_value(file_name) OVER w AS chosen_file,
       first_value(sheet) OVER w AS chosen_sheet
FROM meta.extracts
WHERE status = 'loaded'
WINDOW w AS (PARTITION BY list, extract_date ORDER BY file_name DESC, load_seq DESC);

-- meta.extracts_up_to(d): the extracts that count of each list dated on or before d, numbered
-- newest first by `recency` (one per date: `chosen` above). Recency 1 is tonight's extract;
-- baseline detection compares it with recency 2, the extract before it.
CREATE OR REPLACE MACRO meta.extracts_up_to(d) AS TABLE
SELECT *, row_number() OVER (PARTITION BY list ORDER BY extract_date DESC) AS recency
FROM meta.extract_choice
WHERE chosen AND extract_date <= d;

-- meta.extracts_at(d): tonight's extract of each list as of d, one row per list: of the extracts
-- that count, the newest dated on or before d. core.<list>_at(d) (sql/views/list_at.sql),
-- compute's reuse, freshness, baseline detection and publishing all read it.
CREATE OR REPLACE MACRO meta.extracts_at(d) AS TABLE
SELECT * EXCLUDE (recency) FROM meta.extracts_up_to(d) WHERE recency = 1;

-- meta.extracts_through(d): every loaded extract of each list dated on or before d, the chosen and
-- the superseded: what a KPI reading a list whole (core.<list>) or at each trend point's own
-- extract may read as of d. Reuse keys such a KPI on them (activities/kpi-reuse.ts).
CREATE OR REPLACE MACRO meta.extracts_through(d) AS TABLE
SELECT * FROM meta.extracts
WHERE status = 'loaded' AND extract_date <= d;
