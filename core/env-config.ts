/**
 * Every setting csc-kpi reads from the environment, validated in one place so a deployment with
 * a typo fails at start with a message that names the variable, not halfway through a night.
 */
import { z } from 'zod';

const hostPort = z.string().regex(/^[^\s:]+:\d{1,5}$/, 'host:port, e.g. temporal:7233');

export const envConfig = z.object({
  TEMPORAL_ADDRESS: hostPort.optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  /** The task queue the worker polls and `run` starts on (default csc-kpi). */
  CSC_KPI_TASK_QUEUE: z.string().min(1).default('csc-kpi'),
  CSC_KPI_HOME: z.string().min(1).optional(),
  CSC_KPI_LANDING: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type EnvConfig = z.infer<typeof envConfig>;

export function readEnvConfig(env: NodeJS.ProcessEnv = process.env): EnvConfig {
  const parsed = envConfig.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Bad environment settings: ${problems}`);
  }
  return parsed.data;
}
