/**
 * Manual baselines: `config/baselines.json`, versioned in git with the KPI definitions. A council
 * declares one (a KPI, the first month it applies to, a reason) — by editing the file or with
 * `csc-kpi baseline set` — and the next night records it as a `manual` baseline event, like a
 * detected one. Pure: parsing and adding entries; reading and writing the file is the caller's.
 *
 * Why a file and not the warehouse: a declaration is configuration a person decides, like a KPI
 * definition or a code mapping. In git it is reviewed, dated and attributable, survives a rebuilt
 * warehouse, and a backfill sees the same declarations as the night it replays.
 */
import { z } from 'zod';

export const BASELINES_CONFIG = 'config/baselines.json';

export const manualBaseline = z.object({
  kpi: z.string().regex(/^[a-z0-9_]+$/, 'a KPI id'),
  period: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month YYYY-MM'),
  reason: z.string().trim().min(3, 'say why the baseline changes'),
  declared_by: z.string().optional(),
  declared_on: z.iso.date().optional(),
});

export const baselinesConfig = z.object({
  version: z.literal(1),
  baselines: z.array(manualBaseline),
});

export type ManualBaseline = z.infer<typeof manualBaseline>;
export type BaselinesConfig = z.infer<typeof baselinesConfig>;

export const EMPTY_CONFIG: BaselinesConfig = { version: 1, baselines: [] };

/** Parses the file's text and checks every KPI is in the catalogue; errors, never a throw. */
export function parseBaselinesConfig(text: string, kpis: ReadonlySet<string>, file = BASELINES_CONFIG): { value?: BaselinesConfig; errors: string[] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { errors: [`${file}: not valid JSON: ${(e as Error).message}`] };
  }
  const parsed = baselinesConfig.safeParse(json);
  if (!parsed.success) return { errors: parsed.error.issues.map((i) => `${file}: ${i.path.join('.')}: ${i.message}`) };
  const errors: string[] = [];
  const seen = new Set<string>();
  parsed.data.baselines.forEach((b, i) => {
    if (!kpis.has(b.kpi)) errors.push(`${file}: baselines.${i}: no KPI "${b.kpi}" in sql/kpi/ (known: ${[...kpis].sort().join(', ')})`);
    const key = `${b.kpi}|${b.period}|${b.reason}`;
    if (seen.has(key)) errors.push(`${file}: baselines.${i}: the same baseline (${b.kpi}, ${b.period}) is declared twice`);
    seen.add(key);
  });
  return errors.length > 0 ? { errors } : { value: parsed.data, errors: [] };
}

/** The config with one more declaration, or an error saying why not. */
export function addManualBaseline(config: BaselinesConfig, entry: ManualBaseline): { value?: BaselinesConfig; errors: string[] } {
  const e = manualBaseline.safeParse(entry);
  if (!e.success) return { errors: e.error.issues.map((i) => `${i.path.join('.') || 'entry'}: ${i.message}`) };
  if (config.baselines.some((b) => b.kpi === e.data.kpi && b.period === e.data.period && b.reason === e.data.reason)) {
    return { errors: [`a baseline for ${e.data.kpi} from ${e.data.period} with that reason is already declared`] };
  }
  return { value: { ...config, baselines: [...config.baselines, e.data] }, errors: [] };
}
