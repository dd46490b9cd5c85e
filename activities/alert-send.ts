/**
 * Sends one alert message on one channel: a JSON POST of `{ "text": … }` to a Teams or Slack
 * incoming webhook, or an email through an SMTP server (nodemailer). Each failure is one line in
 * our own words naming the host — never the webhook's path (it holds the token), the SMTP
 * credentials or a library's message — and is retryable unless the far end refused the request
 * for good (a 4xx answer, a refused login or recipient), which no retry mends.
 */
import { ApplicationFailure } from '@temporalio/common';
import { createTransport } from 'nodemailer';
import { hostOf, type EmailSettings } from '../core/alert-config.js';
import { forChat, shownText, type AlertMessage } from '../core/alert-message.js';

/** How long one attempt may wait for the far end (the workflow retries the activity). */
export const SEND_TIMEOUT_MS = 15_000;

const NETWORK_WORDS: Record<string, string> = {
  ECONNREFUSED: 'the connection was refused (nothing is listening there)',
  ENOTFOUND: 'no such host (check the address and the DNS)',
  EAI_AGAIN: 'the host name could not be looked up just now',
  ETIMEDOUT: 'the connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'the connection timed out',
  ECONNRESET: 'the connection was reset',
  EPIPE: 'the connection was closed while sending',
  EHOSTUNREACH: 'the host cannot be reached (a firewall or a proxy in the way?)',
  ENETUNREACH: 'the network cannot be reached (a firewall or a proxy in the way?)',
  CERT_HAS_EXPIRED: 'its TLS certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its TLS certificate is not trusted',
  SELF_SIGNED_CERT_IN_CHAIN: 'its TLS certificate is not trusted',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its TLS certificate is not trusted',
  ERR_TLS_CERT_ALTNAME_INVALID: 'its TLS certificate is for another name',
};

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  cause?: unknown;
  responseCode?: unknown;
}

/**
 * The first known error code (ECONNREFUSED…) down an error's cause chain: from a `code`, or a
 * code word in a library's message (nodemailer reports a refused connection as ESOCKET with
 * "connect ECONNREFUSED …"). Only a known code is taken from a message, never its text.
 */
function errorCode(e: unknown): string | null {
  for (let x = e as (ErrorLike & { message?: unknown }) | undefined, depth = 0; x && depth < 5; x = x.cause as ErrorLike | undefined, depth++) {
    if (typeof x.code === 'string' && x.code in NETWORK_WORDS) return x.code;
    if (x.code === 'EDNS') return 'ENOTFOUND';
    const word = typeof x.message === 'string' ? x.message.match(/\b[A-Z][A-Z0-9_]{3,40}\b/g)?.find((w) => w in NETWORK_WORDS) : undefined;
    if (word) return word;
  }
  return null;
}

function networkWords(e: unknown): string {
  const name = (e as ErrorLike | undefined)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return `no answer within ${SEND_TIMEOUT_MS / 1000} seconds`;
  const code = errorCode(e);
  return code === null ? 'a network error' : NETWORK_WORDS[code]!;
}

/** POSTs `{ "text": … }` (Teams and Slack both read `text`). */
export async function postWebhook(url: string, message: AlertMessage): Promise<void> {
  const host = hostOf(url);
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: forChat(message.text) }),
      signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
      // A redirect would carry the message somewhere nobody configured.
      redirect: 'error',
    });
  } catch (e) {
    throw ApplicationFailure.retryable(`could not reach the webhook at ${host}: ${networkWords(e)}`, 'AlertNotSent');
  }
  await res.arrayBuffer().catch(() => undefined);
  if (res.ok) return;
  const answer = `the webhook at ${host} answered ${res.status}${res.statusText ? ` ${shownText(res.statusText, 60)}` : ''}`;
  if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) {
    throw ApplicationFailure.nonRetryable(`${answer}: check the webhook address (a deleted or mistyped webhook is refused)`, 'AlertRefused');
  }
  throw ApplicationFailure.retryable(answer, 'AlertNotSent');
}

function smtpFailure(host: string, e: unknown): ApplicationFailure {
  const err = e as ErrorLike;
  const code = typeof err.code === 'string' ? err.code : '';
  const response = typeof err.responseCode === 'number' ? ` (it answered ${err.responseCode})` : '';
  if (code === 'EAUTH' || code === 'ENOAUTH') {
    return ApplicationFailure.nonRetryable(`the mail server ${host} refused the login${response}: check the user and password in CSC_KPI_ALERT_SMTP`, 'AlertRefused');
  }
  if (code === 'EENVELOPE') {
    return ApplicationFailure.nonRetryable(`the mail server ${host} refused the sender or a recipient${response}: check CSC_KPI_ALERT_FROM and CSC_KPI_ALERT_TO`, 'AlertRefused');
  }
  if (code === 'ETLS') return ApplicationFailure.retryable(`could not start TLS with the mail server ${host}`, 'AlertNotSent');
  if (code === 'EMESSAGE' || code === 'EPROTOCOL') return ApplicationFailure.retryable(`the mail server ${host} did not accept the message${response}`, 'AlertNotSent');
  return ApplicationFailure.retryable(`could not reach the mail server ${host}: ${networkWords(e)}`, 'AlertNotSent');
}

/** Sends the message as a plain-text email. Credentials come from the SMTP URL (CSC_KPI_ALERT_SMTP). */
export async function sendEmail(settings: EmailSettings, message: AlertMessage): Promise<void> {
  const url = new URL(settings.smtp);
  const secure = url.protocol === 'smtps:';
  const host = hostOf(settings.smtp);
  const transport = createTransport({
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : secure ? 465 : 25,
    secure,
    ...(url.username ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } } : {}),
    connectionTimeout: SEND_TIMEOUT_MS,
    greetingTimeout: SEND_TIMEOUT_MS,
    socketTimeout: SEND_TIMEOUT_MS,
    // The message is our text only: nothing may be fetched from a file or a URL into it.
    disableFileAccess: true,
    disableUrlAccess: true,
    logger: false,
  });
  try {
    await transport.sendMail({ from: settings.from, to: settings.to, subject: message.subject, text: message.text });
  } catch (e) {
    throw smtpFailure(host, e);
  } finally {
    transport.close();
  }
}
