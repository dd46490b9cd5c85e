/**
 * Europe/London calendar dates of instants, by the UK rule (BST from 01:00 UTC on the last
 * Sunday of March to 01:00 UTC on the last Sunday of October), with no Intl and no zone
 * database, so workflow code can use it deterministically.
 */
import { formatIso, type IsoDate } from './dates.js';

function lastSundayUtc(year: number, month0: number): number {
  const lastDay = new Date(Date.UTC(year, month0 + 1, 0));
  const day = lastDay.getUTCDate() - lastDay.getUTCDay();
  return Date.UTC(year, month0, day, 1, 0, 0);
}

/** Minutes Europe/London is ahead of UTC at an instant: 60 in summer time, else 0. */
export function londonOffsetMinutes(utcMs: number): number {
  const y = new Date(utcMs).getUTCFullYear();
  return utcMs >= lastSundayUtc(y, 2) && utcMs < lastSundayUtc(y, 9) ? 60 : 0;
}

/** The Europe/London calendar date of an instant. */
export function londonDateOfInstant(utcMs: number): IsoDate {
  const local = new Date(utcMs + londonOffsetMinutes(utcMs) * 60_000);
  return formatIso(local.getUTCFullYear(), local.getUTCMonth() + 1, local.getUTCDate());
}

/** The as-of date of a scheduled night: the London date before the scheduled start ("last night"). */
export function asOfForScheduledStart(utcMs: number): IsoDate {
  const local = new Date(utcMs + londonOffsetMinutes(utcMs) * 60_000);
  const prev = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() - 1));
  return formatIso(prev.getUTCFullYear(), prev.getUTCMonth() + 1, prev.getUTCDate());
}
