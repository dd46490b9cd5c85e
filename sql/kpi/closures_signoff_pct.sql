/*---
{
  "id": "closures_signoff_pct",
  "title": "Case closures signed off by a manager (%)",
  "summary": "Of the cases closed in the month, the share whose closure was signed off by a manager (the improvement plan's measure 3C).",
  "unit": "percent",
  "measure": "percentage",
  "polarity": "higher",
  "target": 100,
  "amber": 90,
  "amber_strict": false,
  "basis": "month",
  "sources": { "case-system/case_closures": ["case_id", "closure_date", "manager_sign_off_date"] },
  "reuse": { "lists_at_as_of": ["case_closures"], "lists_whole": [], "point_extract_lists": [], "reads_file_list": false, "cutoff_columns": ["closure_date", "manager_sign_off_date"] },
  "definition": "Cases closed (case_closures Closure Date) in the month ending E: % with a Manager Sign-off Date. The committee's measure \"3C: all cases, closed management sign off\". A sign-off dated after E but on or before the as-of date counts for E; one dated after the as-of date has not happened. Choice: period_start is the 1st of E's month. One closure = one Case ID with one Closure Date (rows repeating both, e.g. one per child of a sibling case, count once, signed off if any of them is)."
}
---*/
-- One row per case and closure date, shared with the drill-through (sql/cohort/case_closures.sql).
WITH closures AS (
  SELECT closure_date AS closed, signed_off FROM cohort.case_closures($as_of)
)
SELECT p.period_end,
       p.period_start,
       count(c.closed) FILTER (WHERE c.signed_off) AS numerator,
       count(c.closed) AS denominator,
       ref.div_round1(100 * numerator, denominator) AS value,
       CASE WHEN denominator = 0 THEN 'No cases were closed in the month, so there is no sign-off rate to report.' END AS null_reason
FROM ref.kpi_periods($as_of, $points_after) p
LEFT JOIN closures c ON c.closed BETWEEN p.period_start AND p.period_end
GROUP BY p.period_end, p.period_start
ORDER BY p.period_end
