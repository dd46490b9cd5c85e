/*---
{
  "id": "avg_caseload",
  "title": "Average caseload (children per FTE)",
  "summary": "The average number of children allocated to each social worker who holds cases, counting a part-time worker as part of a full-time post.",
  "unit": "children per FTE",
  "measure": "ratio",
  "polarity": "lower",
  "target": 18,
  "amber": 20,
  "amber_strict": false,
  "basis": "at_date",
  "sources": {
    "case-system/children_in_need": ["child_unique_id", "allocated_worker", "cin_start_date", "cin_closure_date"],
    "hr/workforce": ["worker_id", "fte", "role_start_date", "role_end_date"]
  },
  "reuse": { "lists_at_as_of": ["children_in_need", "workforce"], "lists_whole": [], "point_extract_lists": [], "reads_file_list": false, "cutoff_columns": ["cin_start_date"] },
  "definition": "At E: distinct children with a CIN episode open at E (started on or before E, not closed or closed after E) allocated to a worker who is in post at E (a role started on or before E and not ended, or ended after E; a role ending on E is a leaver), divided by the summed FTE of the in-post rows of the workers who hold at least one such case. numerator = children, denominator = summed FTE; computed exactly (FTE as stored, to 12 decimal places, in integer units). Allocated Worker is the value in the extract, as recorded now. Choice: period_start = period_end (a state at E). Every in-post row of such a worker counts, whatever its Org Role. Children whose worker is blank or not in post at E are left out. A child open to two in-post workers counts once. Allocated Worker is matched to Worker ID exactly as extracted."
}
---*/
WITH episodes AS (
  SELECT child_unique_id AS child, allocated_worker AS worker, cin_start_date AS started, cin_closure_date AS closed
  FROM core.children_in_need_at($as_of)
  WHERE cin_start_date <= $as_of AND allocated_worker IS NOT NULL
),
in_post AS (
  SELECT p.period_end, w.worker_id AS worker, w.fte
  FROM ref.kpi_periods($as_of, $points_after) p
  JOIN core.workforce_at($as_of) w ON cohort.open_at(w.role_start_date, w.role_end_date, p.period_end)
),
held AS (      -- open cases at E allocated to a worker in post at E
  SELECT DISTINCT p.period_end, e.child, e.worker
  FROM ref.kpi_periods($as_of, $points_after) p
  JOIN episodes e ON cohort.open_at(e.started, e.closed, p.period_end)
  SEMI JOIN in_post i ON i.period_end = p.period_end AND i.worker = e.worker
),
children AS (
  SELECT period_end, count(DISTINCT child) AS children FROM held GROUP BY period_end
),
fte AS (
  SELECT i.period_end, sum(i.fte) AS fte
  FROM in_post i
  SEMI JOIN held h ON h.period_end = i.period_end AND h.worker = i.worker
  GROUP BY i.period_end
)
SELECT p.period_end,
       p.period_end AS period_start,
       coalesce(c.children, 0) AS numerator,
       coalesce(f.fte, 0)::DOUBLE AS denominator,
       ref.div_round1(ref.fte_units(1) * coalesce(c.children, 0), ref.fte_units(coalesce(f.fte, 0))) AS value,
       CASE WHEN coalesce(c.children, 0) = 0
            THEN 'No child with an open CIN episode was allocated to a worker in post, so there is no caseload to report.' END AS null_reason
FROM ref.kpi_periods($as_of, $points_after) p
LEFT JOIN children c ON c.period_end = p.period_end
LEFT JOIN fte f ON f.period_end = p.period_end
ORDER BY p.period_end
