-- Working days between two dates, by the calendar (sql/reference/calendar.sql). Apart from the
-- calendar because migrate makes it again every night (activities/migrate.ts) while the calendar is
-- loaded once: every shared macro is then made in the session that computes, so its text, which
-- KPI reuse hashes (activities/kpi-reuse.ts), reads the same from night to night.
CREATE OR REPLACE MACRO ref.working_days_between(s, e) AS (
  (SELECT c.working_day_index FROM ref.calendar AS c WHERE c.date = CAST(e AS DATE))
  - (SELECT c.working_day_index FROM ref.calendar AS c WHERE c.date = CAST(s AS DATE))
);
