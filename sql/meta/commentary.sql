-- core.commentary: managers' commentary, one row per KPI per commentary file (core/commentary.ts),
-- keyed by the file's sha256 like every loaded row. The month it is about is the file's name
-- (commentary/<YYYY-MM>.csv|md), read from the landing folder each night: the same bytes under
-- two names are commentary for both months. Text is stored cleaned (control characters stripped,
-- at most 1,000 characters); rows that break a rule are in meta.rejects.
CREATE TABLE IF NOT EXISTS core.commentary (
  file_sha256 VARCHAR NOT NULL,
  line        BIGINT NOT NULL,       -- the CSV row (header = 1) or the Markdown "## <KPI>" heading
  kpi         VARCHAR NOT NULL,      -- a KPI id of the catalogue
  author_role VARCHAR NOT NULL,
  commentary  VARCHAR NOT NULL
);
