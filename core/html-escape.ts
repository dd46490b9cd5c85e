/**
 * Text into HTML for the reports: the five special characters escaped, and any control or
 * invisible character written out first (core/shown-text.ts), since a name, reason or note may
 * hold one. Pure.
 */
import { visibleControls } from './shown-text.js';

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escape text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** Text as a report shows it: control characters made visible, then escaped. */
export const esc = (text: string): string => escapeHtml(visibleControls(text));
