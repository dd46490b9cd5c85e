-- kpi.values: every computed figure, with the definition version (hash of its SQL + metadata)
-- and the run that computed it, so any published number can be traced to its definition.
CREATE TABLE IF NOT EXISTS kpi.values (
  kpi                VARCHAR NOT NULL,
  as_of              DATE NOT NULL,
  period_start       DATE NOT NULL,
  period_end         DATE NOT NULL,
  value              DOUBLE,
  numerator          DOUBLE,
  denominator        DOUBLE,
  null_reason        VARCHAR,
  notes              VARCHAR[],
  definition_version VARCHAR NOT NULL,
  workflow_id        VARCHAR NOT NULL,
  run_id             VARCHAR NOT NULL
);

-- meta.kpi_inputs: per run and KPI, the files its figures were computed from, and the earlier
-- run whose points up to its as-of date were reused rather than computed again
-- (activities/kpi-reuse.ts). A KPI that may not reuse has no row.
CREATE TABLE IF NOT EXISTS meta.kpi_inputs (
  run_id             VARCHAR NOT NULL,
  kpi                VARCHAR NOT NULL,
  as_of              DATE NOT NULL,
  definition_version VARCHAR NOT NULL,
  inputs             VARCHAR NOT NULL,  -- JSON {"<list>": sha256 | [sha256, …]}
  reused_from_run    VARCHAR,
  points_reused      INTEGER NOT NULL
);
