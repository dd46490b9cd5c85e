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
