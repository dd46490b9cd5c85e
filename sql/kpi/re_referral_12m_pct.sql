/*---
{
  "id": "re_referral_12m_pct",
  "title": "Re-referrals within 12 months (%)",
  "unit": "percent",
  "measure": "percentage",
  "polarity": "lower",
  "target": 22,
  "amber": 25,
  "period": "month",
  "sources": { "case-system/referrals": ["child_unique_id", "date_of_referral"] },
  "definition": "Referrals received in the month ending E (every referral row counts): % where the same child has another referral dated after (this date minus 12 months) and before this date. Exactly 12 months earlier does not count, nor does another referral on the same day. Computed from the referral rows, not the Annex A count column."
}
---*/
WITH referrals AS (
  SELECT child_unique_id AS child, date_of_referral AS referred
  FROM core.referrals_at($as_of)
  WHERE date_of_referral <= $as_of
),
flagged AS (
  SELECT r.referred,
         EXISTS (
           SELECT 1 FROM referrals earlier
           WHERE earlier.child = r.child
             AND earlier.referred > (r.referred - INTERVAL 12 MONTH)::DATE   -- clamped: 29 Feb − 12 months = 28 Feb
             AND earlier.referred < r.referred                               -- same day does not count
         ) AS is_re_referral
  FROM referrals r
)
SELECT p.period_end,
       p.period_start,
       count(f.referred) FILTER (WHERE f.is_re_referral) AS numerator,
       count(f.referred) AS denominator,
       ref.div_round1(100 * numerator, denominator) AS value,
       CASE WHEN denominator = 0 THEN 'No referrals were received in the month, so there is no rate to report.' END AS null_reason
FROM ref.kpi_periods($as_of) p
LEFT JOIN flagged f ON f.referred BETWEEN p.period_start AND p.period_end
GROUP BY p.period_end, p.period_start
ORDER BY p.period_end
