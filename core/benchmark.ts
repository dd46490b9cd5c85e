/**
 * "Is that good?" (spec benchmarks.md), pure: from one KPI's published rows (EES open data, in
 * core.benchmark_values) and the statistical neighbour model, the comparison published as
 * `metrics[].benchmark` — all of it but `council_same_period`, which the KPI's own SQL computes
 * (activities/benchmarks.ts) — and its notes in words.
 *
 * Rules (README, "Choices where the specification is silent"):
 * - a year's figures come from one file: of the files giving that year, the one whose name sorts
 *   last (DfE names each release by its span, `…_2013_to_2025.csv`, so the newest release wins);
 * - published values are as the file gives them; a symbol is a null value with the symbol in
 *   `symbols.council_published` for the council's own (as the spec's example has it), and in a note
 *   for England's or the region's — a `u`-flagged number is a value (core/ees-cells.ts);
 * - `rank` among the local authorities with a value that year, 1 = best by the KPI's polarity,
 *   ties share the best rank (1, 2, 2, 4); `of` how many had a value; quartile A when
 *   rank ≤ of/4, B ≤ of/2, C ≤ 3·of/4, else D (exact integer comparisons);
 * - the neighbours' mean and median over those with a value, to 1 dp half away from zero in exact
 *   decimals (as every other figure csc-kpi publishes; the median of an even count is the mean of
 *   the middle two); the others are named in `missing`, nearest first;
 * - a row appearing twice (same level, area and year in one file) counts once, the first by line.
 */
import { dateInWords, parseIso } from './dates.js';
import { LEVELS, SYMBOL_WORDS, type EesSymbol } from './ees-cells.js';
import { newLaCode, oldLaCode } from './la-code.js';
import { periodOf, type PeriodType } from './benchmark-indicators.js';
import { mean1, median1, quartileOf, ranksOf } from './region-rollup.js';
import { normaliseLaName, type NeighbourEntry } from './statistical-neighbours.js';
import type { Benchmark } from './metrics-contract.js';

/** One published cell of one KPI, as core.benchmark_values holds it. */
export interface BenchmarkValueRow {
  file_sha256: string;
  file_name: string;
  line: number;
  time_period: string;
  geographic_level: string;
  country_code: string | null;
  country_name: string | null;
  region_code: string | null;
  region_name: string | null;
  old_la_code: string | null;
  new_la_code: string | null;
  la_name: string | null;
  value: number | null;
  symbol: string | null;
}

export interface BenchmarkYear {
  time_period: string;
  start: string;
  end: string;
  file: string;
  sha256: string;
}

/** The years the rows give for the period type, latest first, each from the file whose name sorts last. */
export function benchmarkYears(rows: readonly BenchmarkValueRow[], type: PeriodType): { years: BenchmarkYear[]; otherPeriods: string[] } {
  const byPeriod = new Map<string, BenchmarkYear>();
  const other = new Set<string>();
  for (const r of rows) {
    const p = periodOf(type, r.time_period);
    if (!p) {
      other.add(r.time_period);
      continue;
    }
    const had = byPeriod.get(r.time_period);
    if (!had || r.file_name > had.file) byPeriod.set(r.time_period, { time_period: r.time_period, ...p, file: r.file_name, sha256: r.file_sha256 });
  }
  return { years: [...byPeriod.values()].sort((a, b) => b.end.localeCompare(a.end)), otherPeriods: [...other].sort() };
}

/** A period as a committee reads it: "2014-15", "30 September 2014", "the 12 months to 30 September 2014". */
export function periodLabel(start: string, end: string): string {
  if (start === end) return dateInWords(end);
  const s = parseIso(start);
  const e = parseIso(end);
  if (s.m === 4 && s.day === 1 && e.m === 3 && e.day === 31 && e.y === s.y + 1) return `${s.y}-${String(e.y % 100).padStart(2, '0')}`;
  return `the 12 months to ${dateInWords(end)}`;
}

/** The period as a sentence says it: "in 2014-15", "at 30 September 2014", "in the 12 months to 30 September 2014". */
export function periodPhrase(start: string, end: string): string {
  return `${start === end ? 'at' : 'in'} ${periodLabel(start, end)}`;
}

/** The phrase at the start of a sentence. */
export const capitalised = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

const level = (r: BenchmarkValueRow): string => r.geographic_level.trim().toLowerCase();
const byLine = (a: BenchmarkValueRow, b: BenchmarkValueRow): number => a.line - b.line;

/** The council in the files: its codes and name from its Local authority rows. */
export interface CouncilInFiles {
  oldCode: string | null;
  newCode: string | null;
  name: string | null;
}

/** An LA code (old or new) against the rows' Local authority rows; null when no row carries it. */
export function findCouncil(rows: readonly BenchmarkValueRow[], laCode: string): CouncilInFiles | null {
  const wanted = { oldCode: oldLaCode(laCode), newCode: newLaCode(laCode), name: null };
  const hit = rows.filter((r) => isCouncil(r, wanted)).sort((a, b) => b.time_period.localeCompare(a.time_period) || byLine(a, b))[0];
  if (!hit) return null;
  return { oldCode: oldLaCode(hit.old_la_code) ?? wanted.oldCode, newCode: newLaCode(hit.new_la_code) ?? wanted.newCode, name: hit.la_name?.trim() || null };
}

function isCouncil(r: BenchmarkValueRow, c: CouncilInFiles): boolean {
  return level(r) === LEVELS.la && ((c.oldCode !== null && oldLaCode(r.old_la_code) === c.oldCode) || (c.newCode !== null && newLaCode(r.new_la_code) === c.newCode));
}

/** The LA rows of one year of one file, found by old code, new code or name. */
class LaRows {
  readonly rows: BenchmarkValueRow[];
  private readonly byOld = new Map<string, BenchmarkValueRow>();
  private readonly byNew = new Map<string, BenchmarkValueRow>();
  private readonly byName = new Map<string, BenchmarkValueRow>();

  constructor(rows: BenchmarkValueRow[]) {
    const distinct: BenchmarkValueRow[] = [];
    for (const r of [...rows].sort(byLine)) {
      const o = oldLaCode(r.old_la_code);
      const n = newLaCode(r.new_la_code);
      if ((o && this.byOld.has(o)) || (n && this.byNew.has(n))) continue; // the same area again: the first counts
      if (o) this.byOld.set(o, r);
      if (n) this.byNew.set(n, r);
      if (r.la_name && !this.byName.has(normaliseLaName(r.la_name))) this.byName.set(normaliseLaName(r.la_name), r);
      distinct.push(r);
    }
    this.rows = distinct;
  }

  council(c: CouncilInFiles): BenchmarkValueRow | null {
    return (c.oldCode ? this.byOld.get(c.oldCode) : undefined) ?? (c.newCode ? this.byNew.get(c.newCode) : undefined) ?? null;
  }

  /** A neighbour as the model names it: an old code, a new code, or a name. */
  ref(ref: string): BenchmarkValueRow | null {
    const t = ref.trim();
    if (/^\d{1,3}(\.0+)?$/.test(t)) return this.byOld.get(oldLaCode(t)!) ?? null;
    const n = newLaCode(t);
    if (n) return this.byNew.get(n) ?? null;
    return this.byName.get(normaliseLaName(t)) ?? null;
  }
}

export interface NeighbourModel {
  file: string;
  sha256: string;
  entries: NeighbourEntry[];
}

export type Comparison = Omit<Benchmark, 'council_same_period'>;

export interface CompareInput {
  year: BenchmarkYear;
  /** Every row of the KPI (all files, years and levels); the year's file is picked out here. */
  rows: readonly BenchmarkValueRow[];
  council: CouncilInFiles;
  /** The council's name as configured, to find it in a model that names rather than codes it. */
  configuredName: string | null;
  polarity: 'higher' | 'lower';
  neighbours: NeighbourModel | null;
  /** LA names by old and new code from every benchmark file, to name a neighbour this KPI's files lack. */
  laNames?: ReadonlyMap<string, string>;
}

function nameByCode(names: ReadonlyMap<string, string> | undefined, ref: string): string | undefined {
  const t = ref.trim();
  const code = /^\d{1,3}(\.0+)?$/.test(t) ? oldLaCode(t) : newLaCode(t);
  return code ? names?.get(code) : undefined;
}

const asSymbol = (s: string | null | undefined): EesSymbol | null => (s ? (s as EesSymbol) : null);

/** The council's entry in the model: by old code, else by name. */
function neighbourEntry(model: NeighbourModel, council: CouncilInFiles, configuredName: string | null): NeighbourEntry | null {
  if (council.oldCode) {
    const e = model.entries.find((x) => x.code === council.oldCode);
    if (e) return e;
  }
  const names = [council.name, configuredName].filter((n): n is string => !!n).map(normaliseLaName);
  return model.entries.find((x) => names.includes(normaliseLaName(x.name))) ?? null;
}

export function compare(i: CompareInput): { comparison: Comparison; notes: string[]; usedNeighbours: boolean } {
  const notes: string[] = [];
  const when = periodPhrase(i.year.start, i.year.end);
  const inYear = i.rows.filter((r) => r.time_period === i.year.time_period && r.file_sha256 === i.year.sha256);
  const las = new LaRows(inYear.filter((r) => level(r) === LEVELS.la));
  const who = i.council.name ?? i.configuredName ?? `LA ${i.council.oldCode ?? i.council.newCode}`;
  const mine = las.council(i.council);
  if (!mine) notes.push(`${i.year.file} has no row for ${who} ${when}, so the council's published figure is not known for that year.`);

  const national = inYear.filter((r) => level(r) === LEVELS.national).sort(byLine);
  const england = national.find((r) => r.country_code?.trim().toUpperCase() === 'E92000001' || r.country_name?.trim().toLowerCase() === 'england') ?? national[0] ?? null;

  // The council's region from its row that year, else from its latest row in any year.
  const councilRegion = mine ?? [...i.rows].filter((r) => isCouncil(r, i.council)).sort((a, b) => b.time_period.localeCompare(a.time_period) || byLine(a, b))[0] ?? null;
  const regionCode = councilRegion?.region_code?.trim().toUpperCase() || null;
  const regionName = councilRegion?.region_name?.trim() || null;
  const regional = inYear
    .filter((r) => level(r) === LEVELS.regional)
    .sort(byLine)
    .find((r) => (regionCode && r.region_code?.trim().toUpperCase() === regionCode) || (!regionCode && regionName && r.region_name?.trim().toLowerCase() === regionName.toLowerCase()));

  // The spec's `symbols` names the council's own; England's and the region's are said in words.
  for (const [who, r] of [['England', england], [regional?.region_name?.trim() || regionName || 'the region', regional]] as const) {
    const s = asSymbol(r?.symbol);
    if (s) notes.push(`${i.year.file} gives ${who}'s figure ${when} as “${s}” (${SYMBOL_WORDS[s]})${r?.value === null ? ', so it is not shown' : ''}.`);
  }

  const withValue = las.rows.filter((r): r is BenchmarkValueRow & { value: number } => r.value !== null);
  const ranked = ranksOf(withValue, i.polarity);
  const myRank = mine ? (ranked.find((r) => r.line === mine.line && r.file_sha256 === mine.file_sha256)?.rank ?? null) : null;
  const of = withValue.length;

  let statistical_neighbours: Comparison['statistical_neighbours'] = null;
  let usedNeighbours = false;
  if (!i.neighbours) {
    notes.push('No statistical neighbour file is in the benchmarks folder (DfE’s model: the wide CSV or the workbook’s “LA SN Groups” sheet), so the neighbours are not compared.');
  } else {
    const entry = neighbourEntry(i.neighbours, i.council, i.configuredName);
    if (!entry) {
      notes.push(`${who} is not in the statistical neighbour file ${i.neighbours.file}, so the neighbours are not compared.`);
    } else if (entry.neighbours.length === 0) {
      usedNeighbours = true;
      notes.push(`The statistical neighbour file ${i.neighbours.file} gives ${who} no neighbours (“-”), so the neighbours are not compared.`);
    } else {
      usedNeighbours = true;
      const values: number[] = [];
      const missing: string[] = [];
      // A neighbour without a row that year is named as any other year's row names it.
      const anyYear = new LaRows([...i.rows].filter((r) => level(r) === LEVELS.la).sort((a, b) => b.time_period.localeCompare(a.time_period) || byLine(a, b)));
      for (const n of [...entry.neighbours].sort((a, b) => a.position - b.position)) {
        const row = las.ref(n.ref);
        if (row && row.value !== null) values.push(row.value);
        else missing.push(row?.la_name?.trim() || anyYear.ref(n.ref)?.la_name?.trim() || nameByCode(i.laNames, n.ref) || i.neighbours.entries.find((e) => e.code === oldLaCode(n.ref))?.name || n.ref);
      }
      statistical_neighbours = { mean: mean1(values), median: median1(values), count: values.length, missing };
    }
  }

  return {
    comparison: {
      file: i.year.file,
      time_period: i.year.time_period,
      period_start: i.year.start,
      period_end: i.year.end,
      council_published: mine?.value ?? null,
      england: england?.value ?? null,
      region: regional?.value ?? null,
      region_name: regional?.region_name?.trim() || regionName,
      statistical_neighbours,
      rank: myRank,
      of,
      quartile: myRank === null ? null : quartileOf(myRank, of),
      symbols: { council_published: asSymbol(mine?.symbol) },
    },
    notes,
    usedNeighbours,
  };
}

/** Exact to the millionth: published figures have at most a few decimals. */
const micro = (v: number): number => Math.round(v * 1e6);

/**
 * Whether the council's own figure for the period differs from its published one by more than the
 * spec's tolerance: 1 percentage point for a percentage, else 5% of the published value.
 */
export function differsBeyondTolerance(percent: boolean, published: number, same: number): boolean {
  const diff = Math.abs(micro(same) - micro(published));
  return percent ? diff > micro(1) : 20 * diff > Math.abs(micro(published));
}

/** A KPI whose benchmark year differs between two snapshots (`csc-kpi snapshots diff`). */
export interface BenchmarkYearChange {
  kpi: string;
  /** The benchmark years in words ("2013-14"); null where that snapshot had none. */
  before: string | null;
  after: string | null;
  file: string | null;
}

/** Every KPI whose benchmark year moved (a new year published, or a benchmark come or gone), by KPI id. */
export function benchmarkYearChanges(a: readonly { kpi: string; benchmark?: Pick<Benchmark, 'period_start' | 'period_end' | 'file'> | null }[], b: typeof a): BenchmarkYearChange[] {
  const year = (x: (typeof a)[number] | undefined): string | null => (x?.benchmark ? periodLabel(x.benchmark.period_start, x.benchmark.period_end) : null);
  const kpis = [...new Set([...a, ...b].map((r) => r.kpi))].sort();
  return kpis.flatMap((kpi) => {
    const before = year(a.find((r) => r.kpi === kpi));
    const after = year(b.find((r) => r.kpi === kpi));
    return before === after ? [] : [{ kpi, before, after, file: b.find((r) => r.kpi === kpi)?.benchmark?.file ?? null }];
  });
}
