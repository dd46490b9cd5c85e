-- Shared SQL helpers for KPI files.

-- The 25 trend points of a run as of D: the last day of each of the 24 months before D's month,
-- then D itself; each with the first day of its month and the start of its trailing 12 months
-- (the day after E minus 12 calendar months, clamped to month end as DuckDB's interval does).
-- points_after: only the points after that date, for a night that copied the others from an
-- earlier night (activities/kpi-reuse.ts; a KPI passes its bound $points_after); NULL, all 25.
CREATE OR REPLACE MACRO ref.kpi_periods(as_of, points_after := NULL) AS TABLE
  SELECT
    e::DATE AS period_end,
    date_trunc('month', e)::DATE AS period_start,
    (e - INTERVAL 12 MONTH + INTERVAL 1 DAY)::DATE AS trailing_12m_start
  FROM (
    -- k = 0 is the last day of the month before D's month; k = 23 the 24th month back.
    SELECT (date_trunc('month', as_of::DATE) - INTERVAL (k) MONTH - INTERVAL 1 DAY)::DATE AS e
    FROM range(0, 24) t(k)
    UNION ALL SELECT as_of::DATE
  )
  -- points_after NULL: every point; else only the points after that date (the others were copied).
  WHERE (points_after IS NULL OR e > points_after::DATE)
    AND getvariable('csc_kpi_period_end') IS NULL
  -- A benchmark's period instead of the trend points (activities/benchmarks.ts): one period,
  -- start to end, so a month KPI counts the whole period's cohort, a trailing-12-months KPI the
  -- 12 months ending at its end, and an at-date KPI the state at its end; unset, nothing.
  UNION ALL
  SELECT getvariable('csc_kpi_period_end')::DATE, getvariable('csc_kpi_period_start')::DATE, getvariable('csc_kpi_period_start')::DATE
  WHERE getvariable('csc_kpi_period_end') IS NOT NULL;

-- num ÷ den to one decimal place, half away from zero, in exact integer arithmetic (no binary
-- floating-point surprises at .x5); both non-negative. NULL when den is 0: an empty cohort.
CREATE OR REPLACE MACRO ref.div_round1(num, den) AS
  CASE WHEN den = 0 THEN NULL
       ELSE ((20 * num::HUGEINT + den::HUGEINT) // (2 * den::HUGEINT))::DOUBLE / 10 END;

-- Unknown codes (spec: kpis.md "Baselines"). The one-line fix for a code the KPI cannot classify:
-- the mapping to add to config/code-mappings.json. `known` is the list of known codes; when one of
-- them begins the new code (e.g. "Requires Improvement to be Good") it is offered as the "to",
-- otherwise the "to" lists the choices for the council to pick from. Never applied by itself.
CREATE OR REPLACE MACRO ref.code_mapping_fix(column_name, code, known) AS
  'add {"column": ' || to_json(column_name::VARCHAR)::VARCHAR
  || ', "from": ' || to_json(code::VARCHAR)::VARCHAR
  || ', "to": ' || to_json(coalesce(
       list_filter(known, k -> starts_with(lower(code), lower(k)))[1],
       '<one of: ' || array_to_string(known, ', ') || '>')::VARCHAR)::VARCHAR
  || '} to config/code-mappings.json';

-- One sentence about one unknown code in a withheld figure: which code, in which column, how many
-- rows of the cohort carry it, since when, and the mapping that fixes it. A value that does not
-- look like a code (ref.shown_code, core/shown-text.ts: a child id or a date typed into the
-- column) is described, never quoted.
CREATE OR REPLACE MACRO ref.unknown_code_note(column_name, code, n_rows, rows_noun, since_text, known) AS
  CASE WHEN ref.shown_code(code::VARCHAR) IS NOT NULL THEN
    to_json(code::VARCHAR)::VARCHAR || ' is not a known ' || column_name || ' (known: ' || array_to_string(known, ', ')
    || '): ' || n_rows::VARCHAR || ' ' || rows_noun || ' in this period carry it, ' || since_text
    || '. To count it, ' || ref.code_mapping_fix(column_name, code, known) || '.'
  ELSE
    'An unrecognised value (not shown: it looks like an identifier or a date, not a code) is in ' || column_name
    || ' (known: ' || array_to_string(known, ', ') || '): ' || n_rows::VARCHAR || ' ' || rows_noun || ' in this period carry it, '
    || since_text || '. It was probably typed into the wrong column: correct it in the source system.'
  END;

-- The null_reason of a withheld figure, from its notes on each unknown code.
CREATE OR REPLACE MACRO ref.withheld_reason(code_notes) AS
  'Withheld: the cohort holds codes this KPI cannot classify, and leaving those rows out would publish a wrong figure. '
  || array_to_string(code_notes, ' ');

-- FTE (DECIMAL(18,12) in core) as an exact integer count of 10^-12 FTE, so FTE sums and ratios are
-- rounded once, at publication, and never lose the council's own decimals (7.5 of 37 hours = 0.2027…).
CREATE OR REPLACE MACRO ref.fte_units(x) AS (x * 1000000000000)::HUGEINT;
