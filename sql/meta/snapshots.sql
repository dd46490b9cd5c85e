-- meta.snapshots: every published snapshot (the folder is the truth; this is the index analysts query).
CREATE TABLE IF NOT EXISTS meta.snapshots (
  snapshot_id  VARCHAR PRIMARY KEY,
  as_of        DATE NOT NULL,
  created_at   TIMESTAMP NOT NULL,
  workflow_id  VARCHAR NOT NULL,
  run_id       VARCHAR NOT NULL,
  path         VARCHAR NOT NULL
);
