/**
 * Accessibility checks for the report: Debian's headless chromium (never a browser a tool
 * downloads), driven by playwright-core, with axe-core injected at WCAG 2.1 A/AA. A missing
 * chromium is a failing test with the install command, not a skip.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type Page } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  help: string;
  nodes: { target: unknown; failure?: string }[];
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: the report accessibility test needs Debian's chromium. Install it with "apt-get install -y chromium".`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
}

/** axe-core's WCAG 2.1 A/AA violations on the page as loaded (open it with `bypassCSP`: the report's CSP forbids scripts). */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ content: axeSource });
  return page.evaluate(async () => {
    // Runs in the browser; the project's tsconfig has no DOM lib, hence the casts.
    const g = globalThis as unknown as { document: unknown; axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: unknown[] }> } };
    const r = await g.axe.run(g.document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.map((v) => {
      const x = v as { id: string; help: string; nodes: { target: unknown; failureSummary?: string }[] };
      return { id: x.id, help: x.help, nodes: x.nodes.map((n) => ({ target: n.target, failure: n.failureSummary })) };
    });
  });
}
