/*---
{
  "id": "care_leavers_eet_pct",
  "title": "Care leavers in education, employment or training (%)",
  "summary": "Of the care leavers the council supports, the share recorded as in full-time education, employment or training.",
  "unit": "percent",
  "measure": "percentage",
  "polarity": "higher",
  "target": 60,
  "amber": 50,
  "amber_strict": false,
  "basis": "at_date",
  "sources": { "case-system/care_leavers": ["activity_status"] },
  "reuse": { "lists_at_as_of": [], "lists_whole": [], "point_extract_lists": ["care_leavers"], "reads_file_list": true, "cutoff_columns": [] },
  "definition": "Care leavers in the newest care_leavers extract dated on or before E with an Activity Status: % whose code starts with F (full-time education, employment or training), compared case-insensitively after the lettered Annex A prefix is stripped. A point E with no care_leavers extract on or before E is null with that reason (a care leaver list has no dates to place a state in the past, so each point reads the newest extract on or before its own date, not on or before the as-of date). Choice: the lettered prefix is one letter and a closing bracket (`a) `, `f) `), as for every Annex A code; an Activity Status leads with its code (`F1: Full time in higher education`), and that code is never a prefix, so `F1: …` and `f) F1: …` both count and `f) G5: …` does not (P… part-time and G… not in education, employment or training do not start with F). Every row of the extract counts (Annex A lists each care leaver once). A blank Activity Status (nothing left after the prefix) is left out and counted in the figure's notes. period_start = period_end (a state at E)."
}
---*/
-- Each point E reads its own extract: core.care_leavers_at(E), the newest on or before E.
WITH points AS (
  SELECT p.period_end,
         EXISTS (SELECT 1 FROM meta.extracts e WHERE e.list = 'care_leavers' AND e.status = 'loaded' AND e.extract_date <= p.period_end) AS has_extract
  FROM ref.kpi_periods($as_of, $points_after) p
),
leavers AS (  -- shared with the drill-through (sql/cohort/care_leaver_activity.sql)
  SELECT p.period_end, c.activity, c.in_eet
  FROM ref.kpi_periods($as_of, $points_after) p, LATERAL cohort.care_leaver_activity(p.period_end) c
),
counted AS (
  SELECT period_end,
         count(activity) FILTER (WHERE in_eet) AS eet,
         count(activity) AS recorded,
         count(*) FILTER (WHERE activity IS NULL) AS blank
  FROM leavers
  GROUP BY period_end
)
SELECT pt.period_end,
       pt.period_end AS period_start,
       CASE WHEN pt.has_extract THEN coalesce(c.eet, 0) END AS numerator,
       CASE WHEN pt.has_extract THEN coalesce(c.recorded, 0) END AS denominator,
       ref.div_round1(100 * numerator, denominator) AS value,
       CASE WHEN NOT pt.has_extract THEN
              'No care leavers extract dated on or before ' || strftime(pt.period_end, '%-d %B %Y')
              || ' has been loaded (each date reads the newest care leavers extract on or before it): it is missing data, not a zero, so there is no rate to report.'
            WHEN denominator = 0 THEN
              CASE WHEN coalesce(c.blank, 0) = 0 THEN 'No care leavers are in the extract, so there is no rate to report.'
                   ELSE 'Every care leaver in the extract has a blank Activity Status, so there is no rate to report.' END
       END AS null_reason,
       CASE WHEN c.blank > 0
            THEN [c.blank::VARCHAR || ' care leaver(s) in the extract have a blank Activity Status and are left out.']
            ELSE []::VARCHAR[] END AS notes
FROM points pt
LEFT JOIN counted c ON c.period_end = pt.period_end
ORDER BY pt.period_end
