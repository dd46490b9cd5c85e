-- The referrals received on or before as_of, for re_referral_12m_pct and its drill-through, each
-- with the child's latest earlier referral date: the lag over the child's distinct referral dates,
-- so a same-day twin is never "earlier" (a window, not a correlated subquery: linear in the
-- referral rows). is_re_referral: that date is after this date minus 12 months (29 Feb − 12
-- months = 28 Feb).
-- counted_from: when given, only referrals on or after it need to be right (the KPI's earliest
-- trend point; a quiet night asks for one month): earlier ones are read only as far back as
-- counted_from minus 12 months, the furthest an earlier referral can count from, and only for
-- children referred on or after counted_from, so a referral from then on gets the same
-- is_re_referral as from every row (the drill-through passes none and lists them all).
CREATE OR REPLACE MACRO cohort.referrals_with_previous(as_of, counted_from := NULL) AS TABLE
WITH referrals AS (
  SELECT child_unique_id AS child, date_of_referral AS referred
  FROM core.referrals_at(as_of::DATE)
  WHERE date_of_referral <= as_of::DATE
    AND (counted_from IS NULL OR date_of_referral >= (counted_from::DATE - INTERVAL 12 MONTH)::DATE)
),
counted AS (
  SELECT * FROM referrals
  WHERE counted_from IS NULL OR child IN (SELECT child FROM referrals WHERE referred >= counted_from::DATE)
),
dated AS (
  SELECT child, referred, lag(referred) OVER (PARTITION BY child ORDER BY referred) AS previous
  FROM (SELECT DISTINCT child, referred FROM counted)
)
SELECT r.child AS child_unique_id,
       r.referred AS date_of_referral,
       d.previous AS previous_referral,
       coalesce(d.previous > (r.referred - INTERVAL 12 MONTH)::DATE, false) AS is_re_referral
FROM counted r
JOIN dated d ON d.child = r.child AND d.referred = r.referred;
