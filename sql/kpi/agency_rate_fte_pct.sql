/*---
{
  "id": "agency_rate_fte_pct",
  "title": "Agency social workers (% of FTE)",
  "summary": "The share of the social work workforce, in full-time equivalent posts, made up of agency workers.",
  "unit": "percent",
  "measure": "percentage",
  "polarity": "lower",
  "target": 15,
  "amber": 20,
  "amber_strict": false,
  "basis": "at_date",
  "sources": { "hr/workforce": ["agency_worker", "fte", "role_start_date", "role_end_date"] },
  "reuse": { "lists_at_as_of": ["workforce"], "lists_whole": [], "point_extract_lists": [], "reads_file_list": false, "cutoff_columns": [] },
  "definition": "At E, all in-post rows (Org Role 1–6; in post = role started on or before E and not ended, or ended after E; a role ending on E is a leaver): agency FTE ÷ total FTE, as a percentage. numerator = agency FTE, denominator = total FTE; computed exactly (FTE as stored, to 12 decimal places, in integer units). Choice: period_start = period_end (a state at E). A worker with two in-post rows counts both rows' FTE."
}
---*/
WITH in_post AS (
  SELECT p.period_end, w.fte, w.agency_worker
  FROM ref.kpi_periods($as_of, $points_after) p
  JOIN core.workforce_at($as_of) w ON cohort.open_at(w.role_start_date, w.role_end_date, p.period_end)  -- in post at E
),
totals AS (
  SELECT period_end,
         coalesce(sum(fte) FILTER (WHERE agency_worker), 0) AS agency_fte,
         sum(fte) AS total_fte
  FROM in_post GROUP BY period_end
)
SELECT p.period_end,
       p.period_end AS period_start,
       coalesce(t.agency_fte, 0)::DOUBLE AS numerator,
       coalesce(t.total_fte, 0)::DOUBLE AS denominator,
       ref.div_round1(100 * ref.fte_units(coalesce(t.agency_fte, 0)), ref.fte_units(coalesce(t.total_fte, 0))) AS value,
       CASE WHEN coalesce(t.total_fte, 0) = 0 THEN 'Nobody was in post, so there is no agency rate to report.' END AS null_reason
FROM ref.kpi_periods($as_of, $points_after) p
LEFT JOIN totals t ON t.period_end = p.period_end
ORDER BY p.period_end
