-- Reference calendar: England and Wales bank holidays and a working-day calendar.
--
-- Loaded by activities/reference-data.ts (loadReferenceData), one statement at a time, with
-- $bank_holidays_csv bound to the absolute path of reference/bank-holidays-england-and-wales.csv.
-- Every statement is idempotent (CREATE OR REPLACE), so the file can be run again at any time.
--
-- Working day (spec/kpis.md "Periods"): not Saturday, not Sunday, not an England and Wales bank
-- holiday. ref.calendar.working_day_index is the running count of working days up to and
-- including that date, so
--
--   working days between start s and end e  (days after s, up to and including e)
--     = cal_e.working_day_index - cal_s.working_day_index
--
-- 0 when s = e; negative when e < s. Set-based queries should join ref.calendar twice:
--
--   SELECT ..., ce.working_day_index - cs.working_day_index AS working_days
--   FROM facts f
--   JOIN ref.calendar cs ON cs.date = f.start_date
--   JOIN ref.calendar ce ON ce.date = f.end_date
--
-- or call the macro ref.working_days_between(s, e), which is the same lookup written as two
-- scalar subqueries (DuckDB decorrelates them into joins). The macro gives NULL when either
-- date is NULL or outside the calendar's range.
--
-- Coverage: the calendar spans 2005-01-01..2035-12-31 but the bank-holiday file covers
-- 2010..2030 only; counts touching dates outside those years see weekends but no bank holidays.

CREATE SCHEMA IF NOT EXISTS ref;

CREATE OR REPLACE TABLE ref.bank_holidays (
  date  DATE PRIMARY KEY,
  title VARCHAR NOT NULL
);

INSERT INTO ref.bank_holidays (date, title)
SELECT date, title
FROM read_csv(
  $bank_holidays_csv,
  header = true,
  auto_detect = false,
  delim = ',',
  quote = '"',
  columns = {'date': 'DATE', 'title': 'VARCHAR'},
  dateformat = '%Y-%m-%d'
);

CREATE OR REPLACE TABLE ref.calendar (
  date              DATE PRIMARY KEY,
  is_working_day    BOOLEAN NOT NULL,
  working_day_index INTEGER NOT NULL
);

INSERT INTO ref.calendar (date, is_working_day, working_day_index)
WITH days AS (
  SELECT CAST(d.generate_series AS DATE) AS date
  FROM generate_series(DATE '2005-01-01', DATE '2035-12-31', INTERVAL 1 DAY) AS d
),
flagged AS (
  SELECT days.date,
         isodow(days.date) <= 5 AND bh.date IS NULL AS is_working_day
  FROM days
  LEFT JOIN ref.bank_holidays AS bh ON bh.date = days.date
)
SELECT date,
       is_working_day,
       CAST(SUM(CAST(is_working_day AS INTEGER))
              OVER (ORDER BY date ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS INTEGER)
FROM flagged
ORDER BY date;
