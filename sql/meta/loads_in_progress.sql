-- meta.loads_in_progress: a CSV whose rows are in but whose load has not finished. A file read once
-- (activities/load-once.ts) or kept as text (activities/load-csv.ts) is loaded in two transactions:
-- its rows first, then their lines and its meta.files row. A row here means a load stopped between
-- the two (the worker killed, the machine down); the file's rows belong to no recorded file, so the
-- next migrate removes them (activities/load-csv.ts clearUnfinishedLoads), whether or not the file
-- is still in the landing folder to be loaded again.
CREATE TABLE IF NOT EXISTS meta.loads_in_progress (
  sha256 VARCHAR PRIMARY KEY,
  list   VARCHAR NOT NULL
);
