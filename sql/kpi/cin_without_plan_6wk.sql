/*---
{
  "id": "cin_without_plan_6wk",
  "title": "Children in need without a plan after six weeks",
  "summary": "The number of children who have been open to children's social care as a child in need for six weeks or more and still have no child in need plan. Children on a child protection plan or in care are not counted.",
  "unit": "count",
  "measure": "count",
  "polarity": "lower",
  "target": 0,
  "amber": 50,
  "amber_strict": false,
  "basis": "at_date",
  "sources": { "case-system/children_in_need": ["child_unique_id", "cin_start_date", "cin_closure_date", "case_status", "cin_plan_start_date"] },
  "reuse": { "lists_at_as_of": ["children_in_need"], "lists_whole": ["children_in_need"], "point_extract_lists": [], "reads_file_list": true, "cutoff_columns": ["cin_start_date"] },
  "definition": "Children with a CIN episode open at E that started at least 42 days before E (E − start ≥ 42: 42 days counts, 41 does not), whose Case Status is not Looked after child or Child Protection plan, and with no CIN Plan Start Date on or before E. Count of distinct children; 0 when nobody qualifies. Case Status is the value in the extract, as recorded now, after the council's code mappings. Choice: period_start = period_end (a state at E). The plan date is read per episode: an episode qualifies when its own CIN Plan Start Date is blank or after E; a child counts once however many qualifying episodes they have. A blank Case Status is neither looked after nor a CP plan, so the child counts (and the notes say how many). A Case Status that is not one of the five Annex A statuses could hide a looked-after or CP child, so if any qualifying episode carries one the figure is withheld, naming the code, the number of children, the first extract it appeared in and the mapping that fixes it."
}
---*/
-- The episodes and the six-week rule are shared with the drill-through
-- (sql/cohort/cin_episodes.sql, sql/cohort/without_plan_6wk.sql).
WITH cohort AS (   -- open at E, started ≥ 42 days before E, no plan on or before E
  SELECT p.period_end, e.child_unique_id AS child, e.case_status AS status, e.unknown_status, e.counts
  FROM ref.kpi_periods($as_of, $points_after) p
  JOIN cohort.cin_episodes($as_of) e
    ON cohort.without_plan_6wk(e.cin_start_date, e.cin_closure_date, e.cin_plan_start_date, p.period_end)
),
first_seen AS (   -- the first extract (on or before D) in which each unknown status appeared
  SELECT code, min(extract_date) AS first_extract
  FROM (
    -- Each file's statuses once (a handful of values over millions of rows), mapped after.
    SELECT lower(ref.map_code('case_status', s.case_status)) AS code, f.extract_date
    FROM (SELECT DISTINCT file_sha256, case_status FROM core.children_in_need WHERE case_status IS NOT NULL) s
    JOIN meta.files f ON f.sha256 = s.file_sha256 AND f.status = 'loaded' AND f.extract_date <= $as_of
  )
  WHERE code NOT IN ('looked after child', 'child protection plan', 'child in need plan', 'open assessment', 'closed episode')
  GROUP BY code
),
unknown_codes AS (
  SELECT period_end, lower(status) AS code, min(status) AS shown, count(DISTINCT child) AS children
  FROM cohort WHERE unknown_status
  GROUP BY period_end, lower(status)
),
unknown_by_period AS (
  SELECT u.period_end,
         list(ref.unknown_code_note('case_status', u.shown, u.children, 'children',
                'first seen in the extract dated ' || coalesce(strftime(fs.first_extract, '%Y-%m-%d'), 'unknown'),
                ['Looked after child', 'Child Protection plan', 'Child in need plan', 'Open assessment', 'Closed episode'])
              ORDER BY u.code) AS notes
  FROM unknown_codes u LEFT JOIN first_seen fs ON fs.code = u.code
  GROUP BY u.period_end
),
counted AS (
  SELECT period_end,
         count(DISTINCT child) FILTER (WHERE counts) AS children,
         count(DISTINCT child) FILTER (WHERE counts AND status IS NULL) AS blank_status
  FROM cohort GROUP BY period_end
)
SELECT p.period_end,
       p.period_end AS period_start,
       CASE WHEN u.notes IS NULL THEN coalesce(c.children, 0) END AS numerator,
       NULL::BIGINT AS denominator,
       numerator::DOUBLE AS value,
       CASE WHEN u.notes IS NOT NULL THEN ref.withheld_reason(u.notes) END AS null_reason,
       CASE WHEN c.blank_status > 0 AND u.notes IS NULL
            THEN [c.blank_status::VARCHAR || ' of the children counted have a blank Case Status (counted: neither looked after nor on a CP plan).']
            ELSE []::VARCHAR[] END AS notes
FROM ref.kpi_periods($as_of, $points_after) p
LEFT JOIN counted c ON c.period_end = p.period_end
LEFT JOIN unknown_by_period u ON u.period_end = p.period_end
ORDER BY p.period_end
