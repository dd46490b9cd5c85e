/*---
{
  "id": "turnover_rate_fte_pct",
  "title": "Turnover of employed social workers (% of FTE)",
  "summary": "The share of the council's own (not agency) social workers, in full-time equivalent posts, who left in the last 12 months.",
  "unit": "percent",
  "measure": "percentage",
  "polarity": "lower",
  "target": 15,
  "amber": 18,
  "amber_strict": false,
  "basis": "trailing_12_months",
  "sources": { "hr/workforce": ["agency_worker", "fte", "role_start_date", "role_end_date"] },
  "reuse": { "lists_at_as_of": ["workforce"], "lists_whole": [], "point_extract_lists": [], "reads_file_list": false, "cutoff_columns": ["role_start_date"] },
  "definition": "Employed (non-agency) rows with Role End Date in the trailing 12 months ending E: their FTE ÷ the FTE of employed rows in post at E (started on or before E and not ended, or ended after E), as a percentage. numerator = leavers' FTE, denominator = in-post FTE; computed exactly (FTE as stored, to 12 decimal places, in integer units). Choice: period_start is the first day of the trailing 12 months. Every ended row counts as a leaver, as the definition reads rows: a role change inside the council (one row ends, another starts) counts too; Reason for Leaving is not read. The rate can exceed 100%."
}
---*/
-- Shared with the drill-through (sql/cohort/employed_roles.sql).
WITH employed AS (
  SELECT fte, role_start_date AS started, role_end_date AS ended FROM cohort.employed_roles($as_of)
),
per_period AS (
  SELECT p.period_end,
         p.trailing_12m_start,
         coalesce(sum(e.fte) FILTER (WHERE e.ended BETWEEN p.trailing_12m_start AND p.period_end), 0) AS leavers_fte,
         coalesce(sum(e.fte) FILTER (WHERE cohort.open_at(e.started, e.ended, p.period_end)), 0) AS in_post_fte
  FROM ref.kpi_periods($as_of, $points_after) p
  LEFT JOIN employed e ON e.started <= p.period_end AND (e.ended IS NULL OR e.ended >= p.trailing_12m_start)
  GROUP BY p.period_end, p.trailing_12m_start
)
SELECT period_end,
       trailing_12m_start AS period_start,
       leavers_fte::DOUBLE AS numerator,
       in_post_fte::DOUBLE AS denominator,
       ref.div_round1(100 * ref.fte_units(leavers_fte), ref.fte_units(in_post_fte)) AS value,
       CASE WHEN in_post_fte = 0 THEN 'No employed (non-agency) social worker was in post, so there is no turnover rate to report.' END AS null_reason
FROM per_period
ORDER BY period_end
