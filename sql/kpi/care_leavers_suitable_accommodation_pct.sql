/*---
{
  "id": "care_leavers_suitable_accommodation_pct",
  "title": "Care leavers in suitable accommodation (%)",
  "summary": "Of the care leavers the council supports whose accommodation has been judged, the share whose accommodation is recorded as suitable.",
  "unit": "percent",
  "measure": "percentage",
  "polarity": "higher",
  "target": 90,
  "amber": 85,
  "amber_strict": false,
  "basis": "at_date",
  "sources": { "case-system/care_leavers": ["suitability_of_accommodation"] },
  "reuse": { "lists_at_as_of": [], "lists_whole": [], "point_extract_lists": ["care_leavers"], "reads_file_list": true, "cutoff_columns": [] },
  "definition": "Care leavers in the newest care_leavers extract dated on or before E with a Suitability of Accommodation: % recorded as Suitable (compared case-insensitively, the lettered Annex A prefix ignored: `a) Suitable` is Suitable, `Unsuitable` is not). A point E with no care_leavers extract on or before E is null with that reason (each point reads the newest extract on or before its own date, as care_leavers_eet_pct). Choice: 'same rows' is the same care leavers, those of that extract (not only those with an Activity Status): the suitability qualifier replaces the activity one; every row of the extract counts. A value other than Suitable or Unsuitable (after the council's code mappings, config/code-mappings.json, column suitability_of_accommodation) is in the cohort and is not recorded as Suitable: the definition classifies every value, so the figure is not withheld; the notes count such values (naming those that look like codes) and the baseline detector reports a new one. A blank value is left out and counted in the notes. period_start = period_end (a state at E)."
}
---*/
-- Each point E reads its own extract: core.care_leavers_at(E), the newest on or before E.
WITH points AS (
  SELECT p.period_end,
         EXISTS (SELECT 1 FROM meta.extracts e WHERE e.list = 'care_leavers' AND e.status = 'loaded' AND e.extract_date <= p.period_end) AS has_extract
  FROM ref.kpi_periods($as_of, $points_after) p
),
leavers AS (  -- shared with the drill-through (sql/cohort/care_leaver_accommodation.sql)
  SELECT p.period_end, c.suitability_of_accommodation AS suitability, c.suitable
  FROM ref.kpi_periods($as_of, $points_after) p, LATERAL cohort.care_leaver_accommodation(p.period_end) c
),
counted AS (
  SELECT period_end,
         count(suitability) FILTER (WHERE suitable) AS suitable,
         count(suitability) AS recorded,
         count(*) FILTER (WHERE suitability IS NULL) AS blank
  FROM leavers
  GROUP BY period_end
),
other_values AS (  -- values that are neither Suitable nor Unsuitable, shown only when they look like codes
  SELECT period_end,
         sum(n) AS n_rows,
         string_agg(coalesce(to_json(ref.shown_code(shown))::VARCHAR, 'a value not shown') || ' ' || n::VARCHAR, ', ' ORDER BY code) AS listed
  FROM (SELECT period_end, lower(suitability) AS code, min(suitability) AS shown, count(*) AS n
        FROM leavers
        WHERE lower(suitability) NOT IN ('suitable', 'unsuitable')
        GROUP BY period_end, lower(suitability))
  GROUP BY period_end
)
SELECT pt.period_end,
       pt.period_end AS period_start,
       CASE WHEN pt.has_extract THEN coalesce(c.suitable, 0) END AS numerator,
       CASE WHEN pt.has_extract THEN coalesce(c.recorded, 0) END AS denominator,
       ref.div_round1(100 * numerator, denominator) AS value,
       CASE WHEN NOT pt.has_extract THEN
              'No care leavers extract dated on or before ' || strftime(pt.period_end, '%-d %B %Y')
              || ' has been loaded (each date reads the newest care leavers extract on or before it): it is missing data, not a zero, so there is no rate to report.'
            WHEN denominator = 0 THEN
              CASE WHEN coalesce(c.blank, 0) = 0 THEN 'No care leavers are in the extract, so there is no rate to report.'
                   ELSE 'Every care leaver in the extract has a blank Suitability of Accommodation, so there is no rate to report.' END
       END AS null_reason,
       list_concat(
         CASE WHEN c.blank > 0
              THEN [c.blank::VARCHAR || ' care leaver(s) in the extract have a blank Suitability of Accommodation and are left out.']
              ELSE []::VARCHAR[] END,
         CASE WHEN o.n_rows > 0
              THEN [o.n_rows::VARCHAR || ' care leaver(s) have a Suitability of Accommodation that is neither Suitable nor Unsuitable ('
                    || o.listed || '); they count as not recorded as Suitable. If one means Suitable or Unsuitable, map it in config/code-mappings.json (column suitability_of_accommodation).']
              ELSE []::VARCHAR[] END) AS notes
FROM points pt
LEFT JOIN counted c ON c.period_end = pt.period_end
LEFT JOIN other_values o ON o.period_end = pt.period_end
ORDER BY pt.period_end
