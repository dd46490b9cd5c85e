-- core.<list>_at(d): the rows of tonight's extract of one list as of d, the file (or workbook
-- sheet) that meta.extracts_at(d) names for the list (sql/views/extracts.sql, the one definition
-- of tonight's extract). One file for every extract list: activities/migrate.ts installs it once
-- per list, filling the placeholders with the list's name (core/sql-text.ts fillSqlTemplate):
-- the macro's and the table's names quoted as identifiers, the list's name as a literal.
-- A workbook holds one extract of a list at most, so its sha256 names it.
CREATE OR REPLACE MACRO core.{{list_at}}(d) AS TABLE
SELECT * FROM core.{{list}}
WHERE file_sha256 = (SELECT sha256 FROM meta.extracts_at(d) WHERE list = {{'list'}});
