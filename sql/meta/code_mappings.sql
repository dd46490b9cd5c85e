-- meta.code_mappings: the council's code mappings (config/code-mappings.json), reloaded by compute
-- before the KPIs run. A mapping turns a new code into a known one for one warehouse column, e.g.
-- grade "Requires Improvement to be Good" → "Requires Improvement". Compared case-insensitively.
-- A mapping is part of the definition of every KPI that reads its column (core/kpi-definition.ts).
CREATE TABLE IF NOT EXISTS meta.code_mappings (
  column_name VARCHAR NOT NULL,   -- warehouse column, e.g. grade, audit_type, auditor_role, case_status
  from_code   VARCHAR NOT NULL,   -- the code as it arrives (trimmed, Annex A letter prefix removed)
  to_code     VARCHAR NOT NULL    -- a known code, canonical spelling
);

-- The value of a coded column after the council's mappings: the mapped code, or the value itself.
-- Written as a scalar subquery (DuckDB decorrelates it into a join with this small table).
CREATE OR REPLACE MACRO ref.map_code(col, v) AS coalesce(
  (SELECT m.to_code FROM meta.code_mappings AS m WHERE m.column_name = col AND lower(m.from_code) = lower(v)),
  v);
