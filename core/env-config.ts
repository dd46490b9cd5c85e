/**
 * Every setting csc-kpi reads from the environment, validated in one place so a deployment with
 * a typo fails at start with a message that names the variable, not halfway through a night.
 * Read once, at the edge — the CLI as it starts (cli/main.ts), which hands the one `EnvConfig` to
 * every command, the worker and the activities it builds — and passed in from there: nothing
 * else reads `process.env` (core/logger.ts's LOG_LEVEL default apart).
 *
 * The one exception to core/'s "no IO": the TLS files are read here, so a missing file, a
 * certificate given where the key belongs, or a certificate without its key is refused at start
 * with the variable named, rather than surfacing as a handshake error from deep in a connection.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { alertEnv, alertEnvShape, unsetIfEmpty, type AlertEnv } from './alert-config.js';
import { laCodeEnv } from './council-config.js';

const hostPort = z.string().regex(/^[^\s:]+:\d{1,5}$/, 'host:port, e.g. temporal:7233');

const CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/;
const PRIVATE_KEY = /-----BEGIN (RSA |EC )?PRIVATE KEY-----[\s\S]+?-----END (RSA |EC )?PRIVATE KEY-----/;

/** A PEM file: the variable holds its path; the parsed setting holds the path and the bytes. */
function pemFile(kind: 'certificate' | 'private key') {
  return z.string().min(1).transform((path, ctx) => {
    let pem: Buffer;
    try {
      pem = readFileSync(path);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: `cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})` });
      return z.NEVER;
    }
    const text = pem.toString('latin1');
    if (kind === 'private key' && text.includes('ENCRYPTED PRIVATE KEY')) {
      ctx.addIssue({ code: 'custom', message: `${path} is an encrypted private key; give the key without a passphrase (openssl pkey -in key.pem -out plain.pem)` });
      return z.NEVER;
    }
    if (!(kind === 'certificate' ? CERTIFICATE : PRIVATE_KEY).test(text)) {
      ctx.addIssue({ code: 'custom', message: `${path} does not look like a PEM ${kind} (expected a "-----BEGIN ${kind === 'certificate' ? 'CERTIFICATE' : 'PRIVATE KEY'}-----" block)` });
      return z.NEVER;
    }
    return { path, pem };
  });
}

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

/** How much the logs say (pino levels); `info` by default. */
const logLevelName = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

/**
 * How log lines look: `json` (one JSON object a line, for log collectors) or `pretty` (one human
 * line each). Unset: `pretty` when standard error is a terminal, `json` otherwise.
 */
const logFormat = unsetIfEmpty(z.enum(['json', 'pretty']));

export const envConfig = z
  .object({
    TEMPORAL_ADDRESS: hostPort.optional(),
    TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
    /** mTLS to the Temporal frontend: this client's certificate and key (together), and the CA that signed the server's. */
    TEMPORAL_TLS_CERT: pemFile('certificate').optional(),
    TEMPORAL_TLS_KEY: pemFile('private key').optional(),
    TEMPORAL_TLS_CA: pemFile('certificate').optional(),
    /** The name on the server's certificate when it differs from TEMPORAL_ADDRESS's host. */
    TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),
    /** The task queue the worker polls and `run` starts on (default csc-kpi). */
    CSC_KPI_TASK_QUEUE: z.string().min(1).default('csc-kpi'),
    /**
     * The folders a long-lived worker serves (a night naming any other is refused:
     * activities/served-folders.ts), and the default --home and --landing of every command.
     */
    CSC_KPI_HOME: z.string().min(1).optional(),
    CSC_KPI_LANDING: z.string().min(1).optional(),
    /** A region.json (issue 18): the worker serves the councils on its task queue, and the roll-up on the region's. */
    CSC_KPI_REGION_CONFIG: z.string().min(1).optional(),
    CSC_KPI_SIGNING_KEY: signingKey,
    /** The council's LA code for its benchmarks (core/council-config.ts): overrides config/council.json. */
    CSC_KPI_LA_CODE: laCodeEnv,
    /** Where alerts go (core/alert-config.ts): each overrides its key in config/alerts.json. Never logged. */
    ...alertEnvShape,
    /** The release's commit, recorded with the package version in each manifest's code_version ("0.1.0+<commit>"). */
    CSC_KPI_COMMIT: unsetIfEmpty(z.string().regex(/^[0-9A-Za-z][0-9A-Za-z._-]{0,63}$/, 'a commit or release label: letters, digits, ".", "_" or "-" (e.g. git rev-parse --short HEAD)')),
    /** Another Temporal CLI than the project's (.tools/venv/bin/temporal) for the embedded dev server. */
    TEMPORAL_CLI: unsetIfEmpty(z.string()),
    /** Unset: `info`, and `run` quietens the logs below `warn` while its progress bar shows; set, it is honoured. */
    LOG_LEVEL: unsetIfEmpty(logLevelName),
    LOG_FORMAT: logFormat,
    /** The Temporal SDK's own log level (its lines go through our logger; LOG_LEVEL=silent keeps only its errors). */
    TEMPORAL_LOG_LEVEL: z.enum(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR']).default('INFO'),
  })
  .superRefine((c, ctx) => {
    if (Boolean(c.TEMPORAL_TLS_CERT) !== Boolean(c.TEMPORAL_TLS_KEY)) {
      const missing = c.TEMPORAL_TLS_CERT ? 'TEMPORAL_TLS_KEY' : 'TEMPORAL_TLS_CERT';
      ctx.addIssue({ code: 'custom', path: [missing], message: 'TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together: set both (mutual TLS) or neither' });
    }
    const tls = c.TEMPORAL_TLS_CERT ?? c.TEMPORAL_TLS_CA ?? c.TEMPORAL_TLS_SERVER_NAME;
    if (tls && !c.TEMPORAL_ADDRESS) {
      // The embedded dev server listens on loopback without TLS: connecting to it in clear text
      // while TLS is configured would be a silent downgrade.
      ctx.addIssue({ code: 'custom', path: ['TEMPORAL_ADDRESS'], message: 'TLS settings are given but no TEMPORAL_ADDRESS: name the Temporal frontend they are for' });
    }
  });

export type EnvConfig = z.infer<typeof envConfig>;

function problemsOf(error: z.ZodError, path?: string): string {
  return error.issues.map((i) => `${path ?? i.path.join('.')}: ${i.message}`).join('; ');
}

/** The whole environment, validated; a bad setting throws one line naming each variable at fault (never its value). */
export function readEnvConfig(env: NodeJS.ProcessEnv = process.env): EnvConfig {
  const parsed = envConfig.safeParse(env);
  if (!parsed.success) throw new Error(`Bad environment settings: ${problemsOf(parsed.error)}`);
  return parsed.data;
}

/** CSC_KPI_SIGNING_KEY alone, validated by the same rule; null when unset. For checking a value, not for reading the environment. */
export function readSigningKey(env: NodeJS.ProcessEnv): string | null {
  const parsed = signingKey.safeParse(env.CSC_KPI_SIGNING_KEY);
  if (!parsed.success) throw new Error(`Bad environment settings: ${problemsOf(parsed.error, 'CSC_KPI_SIGNING_KEY')}`);
  return parsed.data ?? null;
}

/** CSC_KPI_LA_CODE alone, validated by the same rule; undefined when unset. For checking a value, not for reading the environment. */
export function readLaCodeEnv(env: NodeJS.ProcessEnv): string | undefined {
  const parsed = laCodeEnv.safeParse(env.CSC_KPI_LA_CODE);
  if (!parsed.success) throw new Error(`Bad environment settings: ${problemsOf(parsed.error, 'CSC_KPI_LA_CODE')}`);
  return parsed.data;
}

/** How the logs are written, from the settings. `levelGiven`: LOG_LEVEL was set, so nothing may quieten the logs below it. */
export function logSettingsOf(c: Pick<EnvConfig, 'LOG_LEVEL' | 'LOG_FORMAT'>): { level: z.infer<typeof logLevelName>; format: 'json' | 'pretty' | undefined; levelGiven: boolean } {
  return { level: c.LOG_LEVEL ?? 'info', format: c.LOG_FORMAT, levelGiven: c.LOG_LEVEL !== undefined };
}

/**
 * CSC_KPI_ALERT_* alone, validated by the same rules; the message names the variable, never its
 * value (a webhook URL or an SMTP URL may hold a secret). For checking values, not for reading the environment.
 */
export function readAlertEnv(env: NodeJS.ProcessEnv): AlertEnv {
  const parsed = alertEnv.safeParse(env);
  if (!parsed.success) throw new Error(`Bad environment settings: ${problemsOf(parsed.error)}`);
  return parsed.data;
}

/** The alert variables of the settings, alone: the alert activities get these and no other secret. */
export function alertEnvOf(c: EnvConfig): AlertEnv {
  const out: AlertEnv = {};
  for (const k of Object.keys(alertEnvShape) as (keyof AlertEnv)[]) if (c[k] !== undefined) Object.assign(out, { [k]: c[k] });
  return out;
}

/** The TLS options of every Temporal connection (client and worker) for these settings; undefined = plain. */
export function temporalTls(c: EnvConfig):
  | { serverRootCACertificate?: Buffer; clientCertPair?: { crt: Buffer; key: Buffer }; serverNameOverride?: string }
  | undefined {
  if (!c.TEMPORAL_TLS_CERT && !c.TEMPORAL_TLS_CA && !c.TEMPORAL_TLS_SERVER_NAME) return undefined;
  return {
    ...(c.TEMPORAL_TLS_CA ? { serverRootCACertificate: c.TEMPORAL_TLS_CA.pem } : {}),
    ...(c.TEMPORAL_TLS_CERT && c.TEMPORAL_TLS_KEY ? { clientCertPair: { crt: c.TEMPORAL_TLS_CERT.pem, key: c.TEMPORAL_TLS_KEY.pem } } : {}),
    ...(c.TEMPORAL_TLS_SERVER_NAME ? { serverNameOverride: c.TEMPORAL_TLS_SERVER_NAME } : {}),
  };
}
