-- A spell (a role in post, a CIN episode, a period of care) open on on_date: started on or before
-- it and not ended by it (an end on on_date itself closes it). The one rule for "in post at E" and
-- "open at E" in the KPIs and their drill-throughs.
CREATE OR REPLACE MACRO cohort.open_at(started, ended, on_date) AS
  started <= on_date AND (ended IS NULL OR ended > on_date);
