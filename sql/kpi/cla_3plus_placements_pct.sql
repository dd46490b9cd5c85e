/*---
{
  "id": "cla_3plus_placements_pct",
  "title": "Children looked after with three or more placements in 12 months (%)",
  "summary": "Of the children in the council's care on the date, the share who have had three or more placements in the last 12 months: a measure of how stable their homes are.",
  "unit": "percent",
  "measure": "percentage",
  "polarity": "lower",
  "target": 10,
  "amber": 12,
  "amber_strict": false,
  "basis": "at_date",
  "sources": {
    "case-system/children_looked_after": [
      "child_unique_id",
      "date_started_to_be_looked_after",
      "date_ceased_to_be_looked_after",
      "number_of_placements_in_the_last_12_months"
    ]
  },
  "reuse": { "lists_at_as_of": ["children_looked_after"], "lists_whole": [], "point_extract_lists": [], "reads_file_list": false, "cutoff_columns": [] },
  "definition": "Children looked after at E (Date Started to be Looked After on or before E, and Date Ceased to be Looked After blank or after E; distinct children): % whose Number of Placements in the Last 12 months is 3 or more. Children with the count blank are left out and counted in the figure's notes. The count is as recorded in the extract (on its extract date), also for past points. Choice: period_start = period_end (a state at E). A child with more than one row open at E counts once, with the highest count recorded on those rows (so they count as 3 or more if any of their open rows says so), and is left out as blank only when every open row is blank. Child Unique ID is matched exactly as extracted. A ceasing date after the extract date is kept (not yet happened: the child is looked after until then)."
}
---*/
WITH looked_after AS (   -- one row per child looked after at E, with the highest count on their open rows
  SELECT p.period_end,
         c.child_unique_id AS child,
         max(c.number_of_placements_in_the_last_12_months) AS placements
  FROM ref.kpi_periods($as_of, $points_after) p
  JOIN core.children_looked_after_at($as_of) c
    ON cohort.open_at(c.date_started_to_be_looked_after, c.date_ceased_to_be_looked_after, p.period_end)
  GROUP BY p.period_end, c.child_unique_id
),
counted AS (
  SELECT period_end,
         count(*) FILTER (WHERE placements >= 3) AS three_or_more,
         count(placements) AS recorded,
         count(*) FILTER (WHERE placements IS NULL) AS blank
  FROM looked_after
  GROUP BY period_end
)
SELECT p.period_end,
       p.period_end AS period_start,
       coalesce(c.three_or_more, 0) AS numerator,
       coalesce(c.recorded, 0) AS denominator,
       ref.div_round1(100 * numerator, denominator) AS value,
       CASE WHEN denominator = 0 THEN
         CASE WHEN coalesce(c.blank, 0) = 0 THEN 'No child was looked after on that date, so there is no rate to report.'
              ELSE 'Every child looked after on that date has Number of Placements in the Last 12 months blank, so there is no rate to report.' END
       END AS null_reason,
       CASE WHEN c.blank > 0
            THEN [c.blank::VARCHAR || ' child(ren) looked after on that date have Number of Placements in the Last 12 months blank and are left out.']
            ELSE []::VARCHAR[] END AS notes
FROM ref.kpi_periods($as_of, $points_after) p
LEFT JOIN counted c ON c.period_end = p.period_end
ORDER BY p.period_end
