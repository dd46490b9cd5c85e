-- meta.installed_sql: what the warehouse's macros of a part were last made from — the sha256 of
-- that part's SQL files, names and text (activities/compute.ts installDrillMacros). A night makes
-- them again only when the files differ, so a quiet night does not remake about forty unchanged
-- macros (0.09 s at 10 M rows).
CREATE TABLE IF NOT EXISTS meta.installed_sql (
  part   VARCHAR PRIMARY KEY,
  sha256 VARCHAR NOT NULL
);
