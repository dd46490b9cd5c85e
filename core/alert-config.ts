/**
 * Where alerts go and when: `config/alerts.json` (versioned in git with the other configuration),
 * overridden by the environment (`CSC_KPI_ALERT_WEBHOOK`, `CSC_KPI_ALERT_SMTP`,
 * `CSC_KPI_ALERT_FROM`, `CSC_KPI_ALERT_TO`, declared in core/env-config.ts). Pure: parsing,
 * merging and describing; reading the file is activities/alert-settings.ts.
 *
 * Secrets: a webhook URL carries its own token and an SMTP URL may carry a password, so neither
 * is ever logged, recorded or put in an error message — only the host is named. The file, which
 * is in git, may not hold SMTP credentials at all: they come from the environment only.
 */
import { z } from 'zod';
import type { AlertChannel } from './metrics-contract.js';

export const ALERTS_CONFIG = 'config/alerts.json';

/** The longest a published snapshot may be missing before the watchdog says so (the brief's 36 hours). */
export const DEFAULT_NO_SNAPSHOT_HOURS = 36;
/** A file loaded tonight with more than this share of its rows rejected is named in the night's alert. */
export const DEFAULT_REJECTED_ROWS_PERCENT = 1;

function parsedUrl(text: string): URL | null {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}

// Messages never repeat the value: it may be a secret.
export const webhookUrl = z
  .string()
  .refine((v) => {
    const u = parsedUrl(v);
    return u !== null && (u.protocol === 'https:' || u.protocol === 'http:') && u.hostname !== '';
  }, 'an http(s):// URL: the incoming-webhook address Teams or Slack gives you');

export const smtpUrl = z.string().refine((v) => {
  const u = parsedUrl(v);
  return u !== null && (u.protocol === 'smtp:' || u.protocol === 'smtps:') && u.hostname !== '';
}, 'an smtp:// (STARTTLS when the server offers it) or smtps:// (TLS) URL naming the mail server, e.g. smtp://mail.council.local:25');

export const emailAddress = z.string().regex(/^[^\s@<>,;"]+@[^\s@<>,;"]+\.[^\s@<>,;"]+$/, 'an email address such as performance-team@council.gov.uk');

/** `a@x.gov.uk, b@x.gov.uk` → the addresses. */
export const emailList = z
  .string()
  .transform((v) => v.split(',').map((a) => a.trim()).filter((a) => a !== ''))
  .pipe(z.array(emailAddress).min(1, 'at least one email address, separated by commas'));

/** An unset or empty variable (an empty line in .env) is not set. */
export const unsetIfEmpty = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

/** The alert variables, for core/env-config.ts (validated with the rest of the environment at start). */
export const alertEnvShape = {
  /** A Teams or Slack incoming webhook: a JSON POST of `{ "text": … }`. */
  CSC_KPI_ALERT_WEBHOOK: unsetIfEmpty(webhookUrl),
  /** The mail server, with credentials if it needs them: smtps://user:password@mail.council.gov.uk:465. */
  CSC_KPI_ALERT_SMTP: unsetIfEmpty(smtpUrl),
  CSC_KPI_ALERT_FROM: unsetIfEmpty(emailAddress),
  /** Comma-separated recipients. */
  CSC_KPI_ALERT_TO: unsetIfEmpty(emailList),
};
export const alertEnv = z.object(alertEnvShape);
export type AlertEnv = z.infer<typeof alertEnv>;

const smtpWithoutCredentials = smtpUrl.refine((v) => {
  const u = parsedUrl(v);
  return u !== null && u.username === '' && u.password === '';
}, 'no user or password here (this file is in git): give the URL with its credentials in CSC_KPI_ALERT_SMTP');

export const alertsConfig = z
  .object({
    version: z.literal(1),
    webhook: webhookUrl.nullable().default(null),
    email: z
      .object({
        smtp: smtpWithoutCredentials.nullable().default(null),
        from: emailAddress.nullable().default(null),
        to: z.array(emailAddress).default([]),
      })
      .strict()
      .nullable()
      .default(null),
    /** Name a file loaded tonight when more than this percentage of its rows were rejected (0: any rejected row). */
    rejected_rows_percent: z.number().min(0).max(100).default(DEFAULT_REJECTED_ROWS_PERCENT),
    /** The watchdog alerts when the newest snapshot is older than this many hours. */
    no_snapshot_hours: z.number().positive().default(DEFAULT_NO_SNAPSHOT_HOURS),
  })
  .strict();

export type AlertsConfig = z.infer<typeof alertsConfig>;

export const EMPTY_ALERTS_CONFIG: AlertsConfig = alertsConfig.parse({ version: 1 });

export interface EmailSettings {
  /** smtp(s):// URL, possibly with credentials: never log it. */
  smtp: string;
  from: string;
  to: string[];
}

/** What the night and the watchdog act on: the file with the environment laid over it. */
export interface AlertSettings {
  /** The webhook URL (a secret: never log it), or null. */
  webhook: string | null;
  email: EmailSettings | null;
  rejectedRowsPercent: number;
  noSnapshotHours: number;
}

/** Parses the file's text; errors (one line each, naming the file and the key), never a throw. */
export function parseAlertsConfig(text: string, file = ALERTS_CONFIG): { value?: AlertsConfig; errors: string[] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { errors: [`${file}: not valid JSON: ${(e as Error).message}`] };
  }
  const parsed = alertsConfig.safeParse(json);
  if (!parsed.success) return { errors: parsed.error.issues.map((i) => `${file}: ${i.path.join('.') || '(top level)'}: ${i.message}`) };
  return { value: parsed.data, errors: [] };
}

/**
 * The settings: each variable that is set replaces its key in the file. Email is on when there is
 * an SMTP server; it then needs a sender and at least one recipient (from either place).
 */
export function alertSettings(config: AlertsConfig, env: AlertEnv, file = ALERTS_CONFIG): { value?: AlertSettings; errors: string[] } {
  const smtp = env.CSC_KPI_ALERT_SMTP ?? config.email?.smtp ?? null;
  const from = env.CSC_KPI_ALERT_FROM ?? config.email?.from ?? null;
  const to = env.CSC_KPI_ALERT_TO ?? config.email?.to ?? [];
  const errors: string[] = [];
  if (smtp !== null && from === null) errors.push(`email alerts have a mail server but no sender: set CSC_KPI_ALERT_FROM (or email.from in ${file})`);
  if (smtp !== null && to.length === 0) errors.push(`email alerts have a mail server but no recipient: set CSC_KPI_ALERT_TO (or email.to in ${file})`);
  if (errors.length > 0) return { errors };
  return {
    value: {
      webhook: env.CSC_KPI_ALERT_WEBHOOK ?? config.webhook,
      email: smtp !== null && from !== null ? { smtp, from, to } : null,
      rejectedRowsPercent: config.rejected_rows_percent,
      noSnapshotHours: config.no_snapshot_hours,
    },
    errors: [],
  };
}

/** The channels alerts go to, in a fixed order. */
export function alertChannels(s: AlertSettings): AlertChannel[] {
  return [...(s.webhook ? (['webhook'] as const) : []), ...(s.email ? (['email'] as const) : [])];
}

/** host[:port] of a URL, the only part of a destination ever shown. */
export function hostOf(url: string): string {
  const u = parsedUrl(url);
  return u ? u.host : 'an unreadable address';
}

/** The channels in words, for the log, without tokens or credentials. */
export function describeChannels(s: AlertSettings): string {
  const parts: string[] = [];
  if (s.webhook) parts.push(`webhook to ${hostOf(s.webhook)}`);
  if (s.email) parts.push(`email through ${hostOf(s.email.smtp)} to ${s.email.to.length} recipient${s.email.to.length === 1 ? '' : 's'}`);
  return parts.length > 0 ? parts.join('; ') : 'none';
}
