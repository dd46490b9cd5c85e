/**
 * Instants and durations as the data team reads them on a terminal: London wall-clock times
 * ("Thursday 3 December 2026 at 05:00"), and "12 hours" rather than 43200000 ms. For the CLI's
 * output only; computations use ISO dates (core/dates.ts).
 */

const LONDON = 'Europe/London';

function parts(instant: Date): Record<string, string> {
  const fmt = new Intl.DateTimeFormat('en-GB', {
    timeZone: LONDON,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  return Object.fromEntries(fmt.formatToParts(instant).map((p) => [p.type, p.value]));
}

/** "Thursday 3 December 2026 at 05:00" (London time). */
export function londonDateTime(instant: Date): string {
  const p = parts(instant);
  return `${p.weekday} ${p.day} ${p.month} ${p.year} at ${p.hour}:${p.minute}`;
}

/** "3 Dec 2026 05:00" (London time): for a table column. */
export function londonShort(instant: Date): string {
  const p = parts(instant);
  return `${p.day} ${p.month?.slice(0, 3)} ${p.year} ${p.hour}:${p.minute}`;
}

const plural = (n: number, unit: string): string => `${n} ${unit}${n === 1 ? '' : 's'}`;

/** A length of time in words, to the two largest units: "12 hours", "1 day 6 hours", "3 min 20 s". */
export function durationWords(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return s % 60 === 0 ? `${s / 60} min` : `${Math.floor(s / 60)} min ${s % 60} s`;
  const minutes = Math.round(s / 60);
  if (minutes < 24 * 60) {
    const h = Math.floor(minutes / 60);
    const m = minutes % 60;
    return m === 0 ? plural(h, 'hour') : `${plural(h, 'hour')} ${m} min`;
  }
  const hours = Math.round(minutes / 60);
  const d = Math.floor(hours / 24);
  const h = hours % 24;
  return h === 0 ? plural(d, 'day') : `${plural(d, 'day')} ${plural(h, 'hour')}`;
}
