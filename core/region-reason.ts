/**
 * A council's reason as the regional snapshot and report show it: the first line only (never a
 * stack trace), whitespace collapsed, at most 300 characters, and no path except the folders
 * region.json itself names — a message from deep in a worker may name a path of that machine,
 * which is nobody's business in a regional report. Pure, and free of Node built-ins.
 */
export const MAX_REASON_CHARS = 300;

const PATH = /(?<![\w.~-])\/[^\s"'`,;()<>]*/g;

function allowedPath(path: string, allowed: string[]): boolean {
  return allowed.some((a) => path === a || path.startsWith(a.endsWith('/') ? a : `${a}/`));
}

export function shownCouncilReason(text: string, allowed: string[]): string {
  const line = (text.split(/\r?\n/).find((l) => l.trim() !== '') ?? '').replace(/\s+/g, ' ').trim();
  const scrubbed = line.replace(PATH, (p) => {
    const trail = /[.:]+$/.exec(p)?.[0] ?? '';
    const bare = p.slice(0, p.length - trail.length);
    return `${allowedPath(bare, allowed) ? bare : '(a path)'}${trail}`;
  });
  return scrubbed.length > MAX_REASON_CHARS ? `${scrubbed.slice(0, MAX_REASON_CHARS - 1)}…` : scrubbed;
}

/** Ends a reason with a full stop unless it already ends a sentence. */
export function asSentence(text: string): string {
  const t = text.trim();
  return /[.!?)"']$/.test(t) ? t : `${t}.`;
}
