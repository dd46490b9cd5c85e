-- Shared SQL helpers for KPI files.

-- The 25 trend points of a run as of D: the last day of each of the 24 months before D's month,
-- then D itself; each with the first day of its month and the start of its trailing 12 months
-- (the day after E minus 12 calendar months, clamped to month end as DuckDB's interval does).
CREATE OR REPLACE MACRO ref.kpi_periods(as_of) AS TABLE
  SELECT
    e::DATE AS period_end,
    date_trunc('month', e)::DATE AS period_start,
    (e - INTERVAL 12 MONTH + INTERVAL 1 DAY)::DATE AS trailing_12m_start
  FROM (
    SELECT (date_trunc('month', as_of::DATE) - INTERVAL (k) MONTH - INTERVAL 1 DAY)::DATE AS e
    FROM range(1, 25) t(k)
    UNION ALL SELECT as_of::DATE
  );

-- num ÷ den to one decimal place, half away from zero, in exact integer arithmetic (no binary
-- floating-point surprises at .x5); both non-negative. NULL when den is 0: an empty cohort.
CREATE OR REPLACE MACRO ref.div_round1(num, den) AS
  CASE WHEN den = 0 THEN NULL
       ELSE ((20 * num::HUGEINT + den::HUGEINT) // (2 * den::HUGEINT))::DOUBLE / 10 END;
