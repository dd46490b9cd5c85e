/*---
{
  "id": "frontline_per_manager",
  "title": "Frontline practitioners per first-line manager (FTE)",
  "summary": "The number of frontline social workers (full-time equivalent) for each first-line manager. Fewer means more time for each worker's supervision.",
  "unit": "ratio",
  "measure": "ratio",
  "polarity": "lower",
  "target": 5,
  "amber": 6,
  "amber_strict": false,
  "basis": "at_date",
  "sources": { "hr/workforce": ["org_role", "fte", "role_start_date", "role_end_date"] },
  "reuse": { "lists_at_as_of": ["workforce"], "lists_whole": [], "point_extract_lists": [], "reads_file_list": false, "cutoff_columns": [] },
  "definition": "At E: FTE of in-post Org Role 4 (Senior Practitioner) and 5 (Case Holder) rows ÷ FTE of in-post Org Role 3 (First Line Manager) rows (in post = started on or before E and not ended, or ended after E). numerator = frontline FTE, denominator = manager FTE; computed exactly (FTE as stored, to 12 decimal places, in integer units). Choice: period_start = period_end (a state at E). Agency and employed rows both count. Org Role is validated on load (1–6), so it has no unknown codes."
}
---*/
WITH in_post AS (
  SELECT p.period_end, w.fte, w.org_role
  FROM ref.kpi_periods($as_of, $points_after) p
  JOIN core.workforce_at($as_of) w ON cohort.open_at(w.role_start_date, w.role_end_date, p.period_end)  -- in post at E
  WHERE w.org_role IN (3, 4, 5)
),
totals AS (
  SELECT period_end,
         coalesce(sum(fte) FILTER (WHERE org_role IN (4, 5)), 0) AS frontline_fte,
         coalesce(sum(fte) FILTER (WHERE org_role = 3), 0) AS manager_fte
  FROM in_post GROUP BY period_end
)
SELECT p.period_end,
       p.period_end AS period_start,
       coalesce(t.frontline_fte, 0)::DOUBLE AS numerator,
       coalesce(t.manager_fte, 0)::DOUBLE AS denominator,
       ref.div_round1(ref.fte_units(coalesce(t.frontline_fte, 0)), ref.fte_units(coalesce(t.manager_fte, 0))) AS value,
       CASE WHEN coalesce(t.manager_fte, 0) = 0 THEN 'No first-line manager (Org Role 3) was in post, so there is no ratio to report.' END AS null_reason
FROM ref.kpi_periods($as_of, $points_after) p
LEFT JOIN totals t ON t.period_end = p.period_end
ORDER BY p.period_end
