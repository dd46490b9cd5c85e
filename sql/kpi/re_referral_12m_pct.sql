/*---
{
  "id": "re_referral_12m_pct",
  "title": "Re-referrals within 12 months (%)",
  "summary": "Of the referrals received in the month, the share about a child who had already been referred in the 12 months before.",
  "unit": "percent",
  "measure": "percentage",
  "polarity": "lower",
  "target": 22,
  "amber": 25,
  "amber_strict": false,
  "basis": "month",
  "sources": { "case-system/referrals": ["child_unique_id", "date_of_referral"] },
  "reuse": { "lists_at_as_of": ["referrals"], "lists_whole": [], "point_extract_lists": [], "reads_file_list": false, "cutoff_columns": ["date_of_referral"] },
  "definition": "Referrals received in the month ending E (every referral row counts): % where the same child has another referral dated after (this date minus 12 months) and before this date. Exactly 12 months earlier does not count, nor does another referral on the same day. Computed from the referral rows, not the Annex A count column. Choice: period_start is the 1st of E's month. Two rows for one child on one day are two referrals in the denominator, and neither makes the other a re-referral. Child Unique ID is matched exactly as extracted."
}
---*/
-- Each referral with the child's previous one, shared with the drill-through
-- (sql/cohort/referrals_with_previous.sql), read from the earliest trend point wanted tonight.
WITH flagged AS (
  SELECT date_of_referral AS referred, is_re_referral
  FROM cohort.referrals_with_previous($as_of, counted_from := (SELECT min(period_start) FROM ref.kpi_periods($as_of, $points_after)))
)
SELECT p.period_end,
       p.period_start,
       count(f.referred) FILTER (WHERE f.is_re_referral) AS numerator,
       count(f.referred) AS denominator,
       ref.div_round1(100 * numerator, denominator) AS value,
       CASE WHEN denominator = 0 THEN 'No referrals were received in the month, so there is no rate to report.' END AS null_reason
FROM ref.kpi_periods($as_of, $points_after) p
LEFT JOIN flagged f ON f.referred BETWEEN p.period_start AND p.period_end
GROUP BY p.period_end, p.period_start
ORDER BY p.period_end
