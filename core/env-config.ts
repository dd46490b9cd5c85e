/**
 * Every setting csc-kpi reads from the environment, validated in one place so a deployment with
 * a typo fails at start with a message that names the variable, not halfway through a night.
 */
import { z } from 'zod';

const hostPort = z.string().regex(/^[^\s:]+:\d{1,5}$/, 'host:port, e.g. temporal:7233');

/** Shortest signing key accepted: 32 characters (`openssl rand -hex 32` gives 64). */
export const MIN_SIGNING_KEY_LENGTH = 32;

/**
 * The key that signs each snapshot's manifest (HMAC-SHA256; core/manifest-signature.ts). Unset or
 * empty (an empty line in .env) means snapshots are published unsigned, with a warning.
 */
const signingKey = z.preprocess(
  (v) => (v === '' ? undefined : v),
  z
    .string()
    .min(MIN_SIGNING_KEY_LENGTH, `at least ${MIN_SIGNING_KEY_LENGTH} characters; make one with: openssl rand -hex 32`)
    .refine((k) => new Set(k).size >= 8, 'too little variety to be a secret; make one with: openssl rand -hex 32')
    .optional(),
);

export const envConfig = z.object({
  TEMPORAL_ADDRESS: hostPort.optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  /** The task queue the worker polls and `run` starts on (default csc-kpi). */
  CSC_KPI_TASK_QUEUE: z.string().min(1).default('csc-kpi'),
  CSC_KPI_HOME: z.string().min(1).optional(),
  CSC_KPI_LANDING: z.string().min(1).optional(),
  CSC_KPI_SIGNING_KEY: signingKey,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type EnvConfig = z.infer<typeof envConfig>;

function problemsOf(error: z.ZodError, path?: string): string {
  return error.issues.map((i) => `${path ?? i.path.join('.')}: ${i.message}`).join('; ');
}

export function readEnvConfig(env: NodeJS.ProcessEnv = process.env): EnvConfig {
  const parsed = envConfig.safeParse(env);
  if (!parsed.success) throw new Error(`Bad environment settings: ${problemsOf(parsed.error)}`);
  return parsed.data;
}

/** CSC_KPI_SIGNING_KEY alone (readers of snapshots need nothing else), validated by the same rule; null when unset. */
export function readSigningKey(env: NodeJS.ProcessEnv = process.env): string | null {
  const parsed = signingKey.safeParse(env.CSC_KPI_SIGNING_KEY);
  if (!parsed.success) throw new Error(`Bad environment settings: ${problemsOf(parsed.error, 'CSC_KPI_SIGNING_KEY')}`);
  return parsed.data ?? null;
}
