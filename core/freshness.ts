/**
 * Freshness (spec: kpis.md v2, "Headline figure, provisional points, freshness"): how old each
 * source a night uses is, whether that is older than its kind may be, and the words that say so.
 * Pure: config/freshness.json is read by activities/freshness-config.ts, the dates come from the
 * warehouse (activities/source-freshness.ts).
 *
 * A source is one list (`case-system/referrals`, `hr/workforce`, `audits/audits`); the maximum
 * age belongs to its kind. Its age is as-of minus its date, where the date is:
 *  - for an extract list, the extract date of the newest extract used (dated on or before as-of);
 *  - for audits (additive workbooks with no extract date), the newest Completed Date on or before
 *    as-of among the audits used. Choice: a file's modification time says when someone last saved
 *    it, not how recent its audits are, and it is not kept in the warehouse, so a re-run or a
 *    backfill could not reproduce it; the newest completion is in the data and is what a
 *    committee would call "the audits are up to … ".
 * Stale means older than the maximum (an extract exactly 7 days old is fresh). Staleness never
 * changes a value; it adds `stale: true` and a note naming the source, its date and its age.
 */
import { z } from 'zod';
import { addDays, dateInWords, daysBetween, type IsoDate } from './dates.js';
import type { SourceKind } from './source-folders.js';

export const FRESHNESS_CONFIG = 'config/freshness.json';

/**
 * The source folders whose lists figures are computed from, each with a maximum age. Managers'
 * commentary is no list and has none (an old month's file is simply not shown); nor has the
 * improvement plan tracker (the newest tracker counts, whatever its date: README, "Choices").
 */
export type AgedSourceKind = Extract<SourceKind, 'case-system' | 'hr' | 'audits'>;

/** The spec's defaults, in days: used when config/freshness.json does not exist. */
export const DEFAULT_MAX_AGE_DAYS: Readonly<Record<AgedSourceKind, number>> = { 'case-system': 7, hr: 45, audits: 100 };

const days = z.number().int('a whole number of days').positive('more than 0 days');

export const freshnessConfig = z
  .object({
    version: z.literal(1),
    /** Maximum age in days per source kind; every kind must be given. */
    max_age_days: z.object({ 'case-system': days, hr: days, audits: days }).strict(),
  })
  .strict();

export type FreshnessConfig = z.infer<typeof freshnessConfig>;

export const DEFAULT_FRESHNESS: FreshnessConfig = { version: 1, max_age_days: { ...DEFAULT_MAX_AGE_DAYS } };

/** Parses the file's text; errors, never a throw. */
export function parseFreshnessConfig(text: string, file = FRESHNESS_CONFIG): { value?: FreshnessConfig; errors: string[] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { errors: [`${file}: not valid JSON: ${(e as Error).message}`] };
  }
  const parsed = freshnessConfig.safeParse(json);
  if (!parsed.success) return { errors: parsed.error.issues.map((i) => `${file}: ${i.path.join('.') || '(top level)'}: ${i.message}`) };
  return { value: parsed.data, errors: [] };
}

/** What a night knows about one source it uses. */
export interface SourceAge {
  /** `<source>/<list>`, as in metrics.json data_quality and KPI metadata. */
  source: string;
  kind: AgedSourceKind;
  list: string;
  /** The extract date, or for audits the newest Completed Date on or before as-of; null when there is none. */
  date: IsoDate | null;
  ageDays: number | null;
  maxAgeDays: number;
  /** Older than the maximum, or (audits) with no completed audit to date it by. */
  stale: boolean;
}

export function sourceAge(o: { source: string; kind: AgedSourceKind; list: string; date: IsoDate | null; asOf: IsoDate; config: FreshnessConfig }): SourceAge {
  const maxAgeDays = o.config.max_age_days[o.kind];
  const ageDays = o.date === null ? null : daysBetween(o.date, o.asOf);
  return { source: o.source, kind: o.kind, list: o.list, date: o.date, ageDays, maxAgeDays, stale: ageDays === null || ageDays > maxAgeDays };
}

const KIND_WORDS: Record<AgedSourceKind, string> = { 'case-system': 'case-system lists', hr: 'HR extracts', audits: 'audits' };

/** "the referrals extract", "the children in need extract", "the workforce extract". */
export function extractInWords(list: string): string {
  return `the ${list.replaceAll('_', ' ')} extract`;
}

const plural = (n: number, one: string): string => `${n} ${one}${n === 1 ? '' : 's'}`;

/**
 * The note on a figure that reads a stale source, e.g. "Stale data: the referrals extract is from
 * 2 February 2015, 26 days old (case-system lists are stale after 7 days). The figure is shown as
 * computed from it."
 */
export function staleNote(a: SourceAge): string {
  const limit = `(${KIND_WORDS[a.kind]} are stale after ${plural(a.maxAgeDays, 'day')})`;
  const what =
    a.kind === 'audits'
      ? a.date === null
        ? 'no audit in the audit workbooks has a Completed Date on or before the as-of date, so how recent they are cannot be told'
        : `the newest completed audit in the audit workbooks is from ${dateInWords(a.date)}, ${plural(a.ageDays!, 'day')} old ${limit}`
      : `${extractInWords(a.list)} is from ${dateInWords(a.date!)}, ${plural(a.ageDays!, 'day')} old ${limit}`;
  return `Stale data: ${what}. The figure is shown as computed from it.`;
}

/**
 * Why every point of a figure is null when a list it reads has no extract at all on or before
 * as-of: the data is missing, which is not the same as nothing having happened.
 */
export function missingSourceReason(o: { kind: AgedSourceKind; list: string; asOf: IsoDate }): string {
  if (o.kind === 'audits') {
    return 'No audit workbook has been loaded from the landing folder (audits/), so this figure cannot be worked out. It is missing data, not a zero.';
  }
  return (
    `No ${o.list.replaceAll('_', ' ')} extract dated on or before ${dateInWords(o.asOf)} has been loaded ` +
    `(${o.kind}/${o.list}_<YYYY-MM-DD>.csv), so this figure cannot be worked out. It is missing data, not a zero.`
  );
}

/**
 * Whether the published `latest` snapshot is fresh (`csc-kpi status`): the schedule runs each
 * morning as of the day before, so `latest` is fresh when its as-of date is yesterday (London) or
 * later. `today` is the London date now — an input, as ever: only entry points read the clock.
 */
export function latestFreshness(latestAsOf: IsoDate, today: IsoDate): { fresh: boolean; yesterday: IsoDate; daysBehind: number } {
  const yesterday = addDays(today, -1);
  const daysBehind = Math.max(0, daysBetween(latestAsOf, yesterday));
  return { fresh: daysBehind === 0, yesterday, daysBehind };
}
