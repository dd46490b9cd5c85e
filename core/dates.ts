/**
 * Calendar arithmetic on ISO dates (YYYY-MM-DD strings), pure and zone-free: every date here
 * is a calendar day in Europe/London, never an instant, so no Date is built from local time.
 * Used by workflows too, so it must stay deterministic (no wall clock).
 */

export type IsoDate = string;

const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

export function parseIso(d: IsoDate): { y: number; m: number; day: number } {
  const m = ISO.exec(d);
  if (!m) throw new Error(`not an ISO date (YYYY-MM-DD): ${JSON.stringify(d)}`);
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const day = Number(m[3]);
  if (mo < 1 || mo > 12 || day < 1 || day > daysInMonth(y, mo)) {
    throw new Error(`impossible date: ${d}`);
  }
  return { y, m: mo, day };
}

export function isIsoDate(d: string): boolean {
  try {
    parseIso(d);
    return true;
  } catch {
    return false;
  }
}

export function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

export function formatIso(y: number, m: number, day: number): IsoDate {
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The same day `months` calendar months away, clamped to the month's last day (2016-02-29 − 12 → 2015-02-28). */
export function addMonthsClamped(d: IsoDate, months: number): IsoDate {
  const { y, m, day } = parseIso(d);
  const idx = y * 12 + (m - 1) + months;
  const ny = Math.floor(idx / 12);
  const nm = (idx % 12) + 1;
  return formatIso(ny, nm, Math.min(day, daysInMonth(ny, nm)));
}

export function monthStart(d: IsoDate): IsoDate {
  const { y, m } = parseIso(d);
  return formatIso(y, m, 1);
}

export function monthEnd(d: IsoDate): IsoDate {
  const { y, m } = parseIso(d);
  return formatIso(y, m, daysInMonth(y, m));
}

/** The 25 trend points for a run as of D: the last day of each of the 24 months before D's month, then D. */
export function seriesPeriodEnds(asOf: IsoDate, monthsBack = 24): IsoDate[] {
  const first = monthStart(asOf);
  const ends: IsoDate[] = [];
  for (let k = monthsBack; k >= 1; k--) ends.push(monthEnd(addMonthsClamped(first, -k)));
  ends.push(asOf);
  return ends;
}

/** Today's calendar date in Europe/London for a given instant (only entry points call this). */
export function londonDate(instant: Date): IsoDate {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);
}

/** The day `n` days after `d` (before, when n is negative). */
export function addDays(d: IsoDate, n: number): IsoDate {
  const { y, m, day } = parseIso(d);
  const t = new Date(Date.UTC(y, m - 1, day + n));
  return formatIso(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}

/** Whole days from `a` to `b` (b − a; negative when b is earlier). */
export function daysBetween(a: IsoDate, b: IsoDate): number {
  const x = parseIso(a);
  const y = parseIso(b);
  return Math.round((Date.UTC(y.y, y.m - 1, y.day) - Date.UTC(x.y, x.m - 1, x.day)) / 86_400_000);
}

const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** 2015-02-02 → "2 February 2015": dates in words, as a committee reads them. */
export function dateInWords(d: IsoDate): string {
  const { y, m, day } = parseIso(d);
  return `${day} ${MONTH_NAMES[m - 1]} ${y}`;
}

/** 2015-01 or 2015-01-31 → "January 2015". */
export function monthInWords(d: string): string {
  const { y, m } = parseIso(d.length === 7 ? `${d}-01` : d);
  return `${MONTH_NAMES[m - 1]} ${y}`;
}
