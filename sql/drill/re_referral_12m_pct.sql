-- Drill-through for re_referral_12m_pct: every referral received in the month ending as_of, with
-- the child's previous referral date and whether it makes this one a re-referral.
-- Child ids: for the person who queries the warehouse only; never logged or published.
CREATE OR REPLACE MACRO drill.re_referral_12m_pct(as_of) AS TABLE
SELECT child_unique_id,
       date_of_referral,
       previous_referral,
       is_re_referral AS in_numerator
FROM cohort.referrals_with_previous(as_of)
WHERE date_of_referral BETWEEN date_trunc('month', as_of::DATE)::DATE AND as_of::DATE
ORDER BY date_of_referral, child_unique_id;
