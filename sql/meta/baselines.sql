-- Baseline registry (spec: kpis.md "Baselines and baseline changes"; written by
-- activities/detect-baselines.ts). Nothing here is ever deleted: a baseline that is replaced is
-- marked superseded, an event stays recorded, and every night that sees an event again adds a
-- detection row.

-- meta.baseline_events: one row per distinct baseline event. `event_id` is a hash of
-- (kpi, kind, effective_period, identifying part of the evidence), so re-running a night never
-- duplicates an event. `detected_in` is the snapshot that first announced it.
CREATE TABLE IF NOT EXISTS meta.baseline_events (
  event_id          VARCHAR PRIMARY KEY,
  kpi               VARCHAR NOT NULL,
  kind              VARCHAR NOT NULL,   -- definition_changed | source_schema_changed | source_codes_changed | level_shift | manual
  effective_period  VARCHAR NOT NULL,   -- YYYY-MM: the first month the change affects
  identity          VARCHAR NOT NULL,   -- the identifying part of the evidence (hashes, codes, columns, direction, reason)
  evidence          JSON NOT NULL,      -- what was noticed, for people (published in metrics.json)
  detected_in       VARCHAR NOT NULL,   -- snapshot id of the night that first recorded it
  first_as_of       DATE NOT NULL,
  first_workflow_id VARCHAR NOT NULL,
  first_run_id      VARCHAR NOT NULL
);

-- meta.baseline_detections: every night (run) that noticed an event, with that night's evidence.
-- The earliest as-of here decides whether an event is new in a snapshot.
CREATE TABLE IF NOT EXISTS meta.baseline_detections (
  event_id          VARCHAR NOT NULL,
  as_of             DATE NOT NULL,
  workflow_id       VARCHAR NOT NULL,
  run_id            VARCHAR NOT NULL,
  effective_period  VARCHAR NOT NULL,   -- as found that night (a level shift may be dated ±1 month later on)
  evidence          JSON NOT NULL,
  PRIMARY KEY (event_id, run_id)
);

-- meta.baselines: every baseline ever started, per KPI. The current one has superseded_by NULL;
-- it is the one with the latest effective period (ties: the later started).
CREATE SEQUENCE IF NOT EXISTS meta.baseline_seq;
CREATE TABLE IF NOT EXISTS meta.baselines (
  baseline_id         VARCHAR PRIMARY KEY,  -- '<kpi>:initial' or '<kpi>:<event_id>'
  seq                 BIGINT NOT NULL,
  kpi                 VARCHAR NOT NULL,
  effective_period    VARCHAR NOT NULL,     -- YYYY-MM
  period_end          DATE NOT NULL,        -- the trend point of that month whose figure is the reference
  value               DOUBLE,               -- its value under definition_version (NULL: not computed or withheld)
  definition_version  VARCHAR NOT NULL,
  source_codes        JSON NOT NULL,        -- {"<list>.<column>": [distinct codes]} of every coded column the KPI reads
  reason              VARCHAR NOT NULL,
  since               DATE NOT NULL,        -- first day the baseline applies to (1st of the effective month)
  started_by_event    VARCHAR,              -- meta.baseline_events.event_id; NULL for the first published figure
  started_as_of       DATE NOT NULL,
  started_by_run      VARCHAR NOT NULL,
  superseded_by       VARCHAR,              -- baseline_id of the baseline that replaced it
  superseded_as_of    DATE,
  superseded_by_run   VARCHAR
);
