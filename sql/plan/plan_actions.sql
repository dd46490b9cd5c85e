-- plan_now: tonight's improvement plan tracker (file $sha), one row per action as of $as_of, with
-- what the figures count (rules: core/plan.ts; the tracker chosen by core/plan-file.ts).
--
-- Parameters: $sha, $as_of; $statuses, the known statuses in order of progress, $done, the
-- statuses that mean complete, $kpi_ids, the KPI catalogue's ids (JSON lists of text); $previous,
-- the actions of the snapshot compared with as JSON [{action_id, due_date, status}], or NULL.
--
-- - status: the council's code mappings apply first (ref.map_code, config/code-mappings.json);
--   a hyphen or em dash reads as the en dash of "Complete – awaiting sign-off". A status that is
--   still not known is kept as read: never guessed.
-- - complete: a Completed Date on or before as-of and a complete status. Without such a date an
--   action is not complete whatever its status; with one and an unknown status, complete cannot
--   be told (NULL), and neither can overdue if it was due before as-of.
-- - overdue: due before as-of (due on as-of is not overdue) and not complete.
-- - slipped, against $previous: the due date moved later, or the status moved to an earlier one in
--   the order of progress (both statuses known).

CREATE OR REPLACE TEMP MACRO plan_status_key(x) AS lower(regexp_replace(trim(x), '\s*[-–—]+\s*', ' - ', 'g'));

CREATE OR REPLACE TEMP TABLE plan_statuses AS
SELECT s AS status, i - 1 AS progress, list_contains(from_json($done, '["VARCHAR"]'), s) AS done
FROM (SELECT unnest(l) AS s, generate_subscripts(l, 1) AS i FROM (SELECT from_json($statuses, '["VARCHAR"]') AS l));

CREATE OR REPLACE TEMP TABLE plan_previous AS
SELECT p.a.action_id AS action_id, TRY_CAST(p.a.due_date AS DATE) AS due_date, p.a.status AS status, s.progress
FROM (SELECT unnest(from_json($previous, '[{"action_id": "VARCHAR", "due_date": "VARCHAR", "status": "VARCHAR"}]')) AS a) p
LEFT JOIN plan_statuses s ON plan_status_key(s.status) = plan_status_key(p.a.status)
QUALIFY row_number() OVER (PARTITION BY p.a.action_id ORDER BY p.a.due_date) = 1;

CREATE OR REPLACE TEMP TABLE plan_now AS
WITH read AS (
  SELECT a.line, a.action_id, a.area, a.recommendation, a.action, a.owner, a.due_date, a.completed_date,
         ref.map_code('status', a.status) AS status_read, a.linked_kpi
  FROM core.plan_actions a
  WHERE a.file_sha256 = $sha
),
classified AS (
  SELECT r.*, s.status AS status_known_as, s.progress, s.done,
         list_filter(from_json($kpi_ids, '["VARCHAR"]'), k -> k = lower(trim(r.linked_kpi)))[1] AS kpi
  FROM read r LEFT JOIN plan_statuses s ON plan_status_key(s.status) = plan_status_key(r.status_read)
),
judged AS (
  SELECT c.*,
         CASE WHEN c.completed_date IS NULL OR c.completed_date > $as_of::DATE THEN false
              WHEN c.status_known_as IS NULL THEN NULL
              ELSE c.done END AS complete
  FROM classified c
)
SELECT j.line, j.action_id, j.area, j.recommendation, j.action, j.owner, j.due_date, j.completed_date,
       coalesce(j.status_known_as, j.status_read) AS status,
       j.status_known_as IS NOT NULL AS status_known,
       j.done AS status_is_complete,
       j.kpi AS linked_kpi,
       j.linked_kpi IS NOT NULL AND j.kpi IS NULL AS linked_kpi_unknown,
       j.complete,
       CASE WHEN j.due_date IS NULL OR j.due_date >= $as_of::DATE THEN false
            WHEN j.complete IS NULL THEN NULL
            ELSE NOT j.complete END AS overdue,
       p.due_date AS previous_due_date,
       p.status AS previous_status,
       coalesce(j.due_date > p.due_date, false) AS slipped_due,
       coalesce(j.progress < p.progress, false) AS slipped_status,
       min(j.line) OVER (PARTITION BY j.area) AS area_first_line
FROM judged j LEFT JOIN plan_previous p ON p.action_id = j.action_id;
