-- Drill-through for re_referral_12m_pct: every referral received in the month ending as_of, with
-- the child's previous referral date and whether it makes this one a re-referral.
-- Child ids: for the person who queries the warehouse only; never logged or published.
CREATE OR REPLACE MACRO drill.re_referral_12m_pct(as_of) AS TABLE
WITH referrals AS (
  SELECT child_unique_id AS child, date_of_referral AS referred
  FROM core.referrals_at(as_of::DATE)
  WHERE date_of_referral <= as_of::DATE
),
dated AS (
  SELECT child, referred, lag(referred) OVER (PARTITION BY child ORDER BY referred) AS previous
  FROM (SELECT DISTINCT child, referred FROM referrals)
)
SELECT r.child AS child_unique_id,
       r.referred AS date_of_referral,
       d.previous AS previous_referral,
       coalesce(d.previous > (r.referred - INTERVAL 12 MONTH)::DATE, false) AS in_numerator
FROM referrals r
JOIN dated d ON d.child = r.child AND d.referred = r.referred
WHERE r.referred BETWEEN date_trunc('month', as_of::DATE)::DATE AND as_of::DATE
ORDER BY date_of_referral, child_unique_id;
