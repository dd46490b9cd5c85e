/**
 * The headline rule (spec: kpis.md v2, "Headline figure, provisional points, freshness"): which of
 * a KPI's 25 trend points is the figure a committee judges, and which point is only month to
 * date. Written once here; publishing, the change-point test and the baseline registry all ask
 * this module. Pure, on ISO calendar days (core/dates.ts), so workflows may use it too.
 *
 * Not for: computing points (sql/kpi/), or what a period's dates are (`periodWindow` in
 * core/snapshot-diff.ts).
 */
import { addDays, addMonthsClamped, dateInWords, daysInMonth, monthEnd, monthInWords, monthStart, parseIso, type IsoDate } from './dates.js';

/** A KPI's basis, declared in its metadata (core/kpi-definition.ts). */
export const BASES = ['month', 'at_date', 'trailing_12_months'] as const;
export type Basis = (typeof BASES)[number];

export function isMonthEnd(d: IsoDate): boolean {
  const { y, m, day } = parseIso(d);
  return day === daysInMonth(y, m);
}

/**
 * The as-of point of a `month` KPI is month to date whenever as-of is not the last day of its
 * month: published with `provisional: true`, never the headline, a baseline or an input to the
 * change-point test. Every other point (and every point of the other bases) is complete.
 */
export function isProvisional(basis: Basis, periodEnd: IsoDate, asOf: IsoDate): boolean {
  return basis === 'month' && periodEnd === asOf && !isMonthEnd(asOf);
}

/**
 * The period end of the headline (`metrics[]`): for a `month` KPI the last complete month — as-of's
 * month when as-of is a month end, else the month before; for `at_date` and `trailing_12_months`
 * KPIs the as-of point itself (always complete).
 */
export function headlinePeriodEnd(basis: Basis, asOf: IsoDate): IsoDate {
  if (basis !== 'month' || isMonthEnd(asOf)) return asOf;
  return monthEnd(addMonthsClamped(monthStart(asOf), -1));
}

/**
 * The first day of the period ending E (spec: kpis.md "Periods"; the same as ref.kpi_periods in
 * SQL): the 1st of E's month for a `month` KPI, the day after E minus 12 calendar months (clamped)
 * for a `trailing_12_months` one, and E itself for a state `at_date`.
 */
export function periodStartOf(basis: Basis, periodEnd: IsoDate): IsoDate {
  if (basis === 'month') return monthStart(periodEnd);
  if (basis === 'trailing_12_months') return addDays(addMonthsClamped(periodEnd, -12), 1);
  return periodEnd;
}

/**
 * The point a baseline takes its value from, for a baseline starting in `month` (YYYY-MM): that
 * month's point when it is complete, else the last complete point before it (a provisional as-of
 * point never becomes a baseline). `points` are one KPI's points of one run as of `asOf`; null
 * when none is complete and not later than the month.
 */
export function baselinePoint<P extends { period_end: IsoDate }>(basis: Basis, points: readonly P[], month: string, asOf: IsoDate): P | null {
  let best: P | null = null;
  for (const p of points) {
    if (p.period_end.slice(0, 7) > month || isProvisional(basis, p.period_end, asOf)) continue;
    if (!best || p.period_end > best.period_end) best = p;
  }
  return best;
}

/**
 * A period as a committee reads it: "January 2015" (a month), "March 2014 to February 2015" (12
 * whole months), "at 28 February 2015" (a state), "1 to 15 March 2015 (month to date)".
 */
export function periodInWords(basis: Basis, periodStart: IsoDate, periodEnd: IsoDate): string {
  if (basis === 'at_date') return `at ${dateInWords(periodEnd)}`;
  const wholeMonths = periodStart === monthStart(periodStart) && isMonthEnd(periodEnd);
  if (basis === 'month') {
    if (wholeMonths) return monthInWords(periodEnd);
    return `${parseIso(periodStart).day} to ${dateInWords(periodEnd)} (month to date)`;
  }
  return wholeMonths ? `${monthInWords(periodStart)} to ${monthInWords(periodEnd)}` : `${dateInWords(periodStart)} to ${dateInWords(periodEnd)}`;
}
