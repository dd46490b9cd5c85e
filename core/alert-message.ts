/**
 * What an alert says and how it is laid out: one message (a subject and a plain-text body) that
 * goes unchanged to every channel. The body reads as plain text in an email and as Markdown in
 * Teams and Slack: paragraphs apart, list items as `- `, ids and paths in backticks (so an
 * underscore in a snapshot id is not read as italics). Pure: no IO.
 *
 * Custody: a message names files, sources, KPIs, statuses, counts, dates and our own reasons,
 * never a value from a source row (no child identifier, no cell) and no figure (figures live in
 * the report the message points to, behind the home folder's permissions).
 */
import type { AlertChannel } from './metrics-contract.js';
import { formatDate } from './report-html.js';
import { capText, shownName, shownReason, visibleControls } from './shown-text.js';

export interface AlertMessage {
  subject: string;
  /** The body: plain text that also reads as Markdown. */
  text: string;
}

/** A group of lines under one heading, e.g. "Rejected files" and one line per file. */
export interface AlertSection {
  heading: string;
  lines: string[];
  /** Counted in the subject, e.g. "2 rejected files". */
  summary: string;
}

/**
 * Text from outside our code (a file name, a recorded reason) as it may be shown: the project's
 * one rule (core/shown-text.ts), re-exported for the alert modules.
 */
export function shownText(text: string, max: number): string {
  return capText(visibleControls(text), max);
}

export { shownName, shownReason };

/** The first line of a failure message, shown: what the one-line reason of a failed night is. */
export function oneLine(text: string): string {
  const first = text.split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
  return shownReason(first.trim());
}

/** Inline code in Markdown; a backtick inside would end it early, so it becomes a quote mark. */
export function code(text: string): string {
  return `\`${text.replaceAll('`', "'")}\``;
}

/**
 * The body for a chat webhook: Slack reads `<…>` as links and mentions (`<!channel>`) and `&` as
 * an entity, and Teams may read `<…>` as HTML, so those three are escaped as Slack documents.
 */
export function forChat(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** "1 rejected file", "2 rejected files". */
export function counted(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

/** The night's opening line, snapshot and report, then each section; the subject counts the sections. */
export function nightMessage(o: { asOf: string; snapshotId: string; reportPath: string; sections: AlertSection[] }): AlertMessage | null {
  if (o.sections.length === 0) return null;
  const night = `the night of ${formatDate(o.asOf)}`;
  const paragraphs = [
    `csc-kpi: ${night} published snapshot ${code(o.snapshotId)}, with ${counted(o.sections.length, 'thing', 'things')} to look at.\nReport: ${code(o.reportPath)}`,
    ...o.sections.map((s) => [s.heading, ...s.lines.map((l) => `- ${l}`)].join('\n')),
  ];
  return {
    subject: `csc-kpi, ${night}: ${o.sections.map((s) => s.summary).join(', ')}`,
    text: `${paragraphs.join('\n\n')}\n`,
  };
}

/** A night that failed: no snapshot, the reason in one line, where to look. */
export function failedNightMessage(o: { asOf: string | null; workflowId: string; reason: string }): AlertMessage {
  const night = o.asOf ? `the night of ${formatDate(o.asOf)}` : 'a night';
  const text = [
    `csc-kpi: ${night} failed and published no snapshot; readers still see the last snapshot published.`,
    `Reason: ${oneLine(o.reason)}`,
    `Workflow: ${code(o.workflowId)} (its history, with every step and the error, is in the Temporal UI).`,
  ];
  return { subject: `csc-kpi, ${night}: FAILED, no snapshot published`, text: `${text.join('\n\n')}\n` };
}

/** What the workflow is told to send: the message, and the channels it goes to (none configured: []). */
export interface AlertPlan {
  channels: AlertChannel[];
  message: AlertMessage | null;
  /** Why tonight's message could not be made (recorded as each channel's error), if it could not. */
  problem?: string;
}
