/**
 * Who the council is, said once (spec benchmarks.md): its LA code, old (3 digits, `302`) or new
 * (E and 8 digits, `E09000003`), from `CSC_KPI_LA_CODE` or `config/council.json`. The environment
 * wins over the file, as it does for the alert settings, so one checkout can serve a deployment
 * whose code is set by its operator. Pure: parsing and the choice; reading is
 * activities/benchmark-config.ts.
 *
 * The shipped `config/council.json` names the synthetic sample council (`Sampleton`, `750`, a code
 * no real local authority has), so `npm start` shows benchmarks; a council sets its own code there
 * or in `CSC_KPI_LA_CODE`. A code that is in no benchmark file gives `benchmark: null` with that
 * reason, never a failed night.
 */
import { z } from 'zod';
import { laCode } from './la-code.js';

export const COUNCIL_CONFIG = 'config/council.json';

export const councilConfigFile = z.strictObject({
  /** The file's format; 1 when left out (the file is small enough to be written by hand). */
  version: z.literal(1).default(1),
  /** Null: not set yet (no benchmarks until it is). */
  la_code: laCode.nullable(),
  /** The council's name, to find it in a statistical neighbour file that names rather than codes it. */
  name: z.string().trim().min(1).nullable().default(null),
});

export type CouncilConfig = z.infer<typeof councilConfigFile>;

/** `CSC_KPI_LA_CODE`: empty is unset (an empty line in .env). */
export const laCodeEnv = z.preprocess((v) => (v === '' ? undefined : v), laCode.optional());

export interface CouncilIdentity {
  laCode: string;
  name: string | null;
  /** Where the code was said: `CSC_KPI_LA_CODE` or the config file. */
  from: string;
}

export function parseCouncilConfig(text: string, file = COUNCIL_CONFIG): { value?: CouncilConfig; errors: string[] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { errors: [`${file}: not valid JSON: ${(e as Error).message}`] };
  }
  const parsed = councilConfigFile.safeParse(json);
  if (!parsed.success) return { errors: parsed.error.issues.map((i) => `${file}: ${i.path.join('.') || '(top level)'}: ${i.message}`) };
  return { value: parsed.data, errors: [] };
}

/** The council tonight: the environment's code when set (with the file's name only if it is the same council), else the file's; null when neither says. */
export function councilIdentity(envCode: string | undefined, config: CouncilConfig | null, file = COUNCIL_CONFIG): CouncilIdentity | null {
  if (envCode !== undefined) {
    const sameCouncil = config?.la_code === envCode;
    return { laCode: envCode, name: sameCouncil ? (config?.name ?? null) : null, from: 'CSC_KPI_LA_CODE' };
  }
  if (config?.la_code) return { laCode: config.la_code, name: config.name, from: file };
  return null;
}
