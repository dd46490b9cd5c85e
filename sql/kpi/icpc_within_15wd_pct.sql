/*---
{
  "id": "icpc_within_15wd_pct",
  "title": "Initial child protection conferences within 15 working days (%)",
  "summary": "Of the initial child protection conferences held in the month, the share held within 15 working days of the strategy discussion that started the child protection enquiry, the national timescale.",
  "unit": "percent",
  "measure": "percentage",
  "polarity": "higher",
  "target": 80,
  "amber": 70,
  "amber_strict": false,
  "basis": "month",
  "sources": {
    "case-system/section_47": ["strategy_discussion_initiating_section_47_enquiry_start_date", "date_of_initial_child_protection_conference"]
  },
  "reuse": { "lists_at_as_of": ["section_47"], "lists_whole": [], "point_extract_lists": [], "reads_file_list": false, "cutoff_columns": [] },
  "definition": "Initial child protection conferences held (Date of Initial Child Protection Conference) in the month ending E, on section 47 rows with a strategy discussion date: % held within 15 working days of the Strategy discussion initiating Section 47 Enquiry Start Date. Working days = days after the strategy discussion, up to and including the conference, that are not Saturday, Sunday or an England and Wales bank holiday (ref.calendar); within means ≤ 15. Choice: period_start is the 1st of E's month. Every section 47 row with a conference in the month counts (a child can have several enquiries; siblings each count). Rows with a conference in the month but a blank strategy discussion date are left out and counted in the figure's notes. The flag 'Was an Initial Child Protection Conference deemed unnecessary?' is not read: a conference that was held counts. A conference dated before its strategy discussion is a row error at load (the conference follows the enquiry). A date outside the working-day calendar (2005–2035) cannot be counted and is treated as not within 15 working days, with a note."
}
---*/
-- Shared with the drill-through (sql/cohort/initial_conferences.sql).
WITH conferences AS (
  SELECT date_of_initial_child_protection_conference AS held,
         strategy_discussion_initiating_section_47_enquiry_start_date AS strategy,
         working_days, within_15_working_days
  FROM cohort.initial_conferences($as_of)
),
counted AS (
  SELECT p.period_end,
         p.period_start,
         count(c.held) FILTER (WHERE c.strategy IS NOT NULL AND c.within_15_working_days) AS within,
         count(c.held) FILTER (WHERE c.strategy IS NOT NULL) AS held,
         count(c.held) FILTER (WHERE c.strategy IS NULL) AS no_strategy,
         count(c.held) FILTER (WHERE c.strategy IS NOT NULL AND c.working_days IS NULL) AS off_calendar
  FROM ref.kpi_periods($as_of, $points_after) p
  LEFT JOIN conferences c ON c.held BETWEEN p.period_start AND p.period_end
  GROUP BY p.period_end, p.period_start
)
SELECT period_end,
       period_start,
       within AS numerator,
       held AS denominator,
       ref.div_round1(100 * numerator, denominator) AS value,
       CASE WHEN held = 0 THEN
         CASE WHEN no_strategy = 0 THEN 'No initial child protection conferences were held in the month, so there is no rate to report.'
              ELSE 'No initial child protection conference held in the month has a strategy discussion date, so there is no rate to report.' END
       END AS null_reason,
       list_concat(
         CASE WHEN no_strategy > 0 THEN [no_strategy::VARCHAR
           || ' conference(s) held in the month have a blank Strategy discussion initiating Section 47 Enquiry Start Date and are left out.']
           ELSE []::VARCHAR[] END,
         CASE WHEN off_calendar > 0 THEN [off_calendar::VARCHAR
           || ' conference(s) have a date outside the working-day calendar and are counted as not within 15 working days.']
           ELSE []::VARCHAR[] END) AS notes
FROM counted
ORDER BY period_end
