-- A council's headline figures for the region: the rows of its published metrics.parquet marked
-- is_current (its headline period, one row per KPI), in the snapshot's own order. Only the
-- figure columns are read; metrics.parquet holds no child-level column anyway.
SELECT
  kpi,
  title,
  unit,
  polarity,
  definition_version,
  CAST(period_end AS VARCHAR) AS period_end,
  value,
  numerator,
  denominator,
  status
FROM read_parquet($path, file_row_number = true)
WHERE is_current
ORDER BY file_row_number
