/**
 * `region.json`, the file that makes a region (issue 18): which councils, where each one's
 * landing and home folders are, and on which Temporal task queue each council's night runs.
 *
 *   { "name": "North London", "home": "/srv/region", "task_queue": "region",
 *     "statistical_neighbours": "sn.csv",
 *     "councils": [{ "id": "barnet", "name": "Barnet", "la_code": "302",
 *                    "landing": "/srv/barnet/landing", "home": "/srv/barnet/home",
 *                    "task_queue": "north" }] }
 *
 * `home`, `councils` and each council's `id`, `name`, `la_code`, `landing`, `home` are required;
 * `name`, `task_queue` (default csc-kpi, and each council's default is the region's) and
 * `statistical_neighbours` (DfE's wide CSV) are optional. Relative paths are relative to the
 * folder of region.json. Unknown keys are refused: a misspelt `task_queue` would otherwise put a
 * council on the wrong queue without a word.
 *
 * Only the file's shape is checked here. A council's landing folder that is missing is that
 * council's failed night, not a broken region. Pure: the caller reads the file.
 */
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { laCode } from './la-code.js';
import { TASK_QUEUE } from './night.js';

const text = z.string().trim().min(1, 'must not be empty');
const queue = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'a task queue name: letters, digits, ".", "_" or "-"');

const council = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/, 'a short id of letters, digits, "_" or "-" (it names the council\'s workflow)'),
    name: text,
    la_code: laCode,
    landing: text,
    home: text,
    task_queue: queue.optional(),
  })
  .strict();

export const regionConfigFile = z
  .object({
    name: text.optional(),
    home: text,
    task_queue: queue.optional(),
    statistical_neighbours: text.optional(),
    councils: z.array(council).min(1, 'list at least one council'),
  })
  .strict();

export interface RegionCouncil {
  id: string;
  name: string;
  laCode: string;
  landing: string;
  home: string;
  taskQueue: string;
}

/** region.json with every path absolute and every task queue filled in. */
export interface RegionConfig {
  /** The file it was read from (absolute). */
  path: string;
  name: string | null;
  home: string;
  taskQueue: string;
  statisticalNeighbours: string | null;
  councils: RegionCouncil[];
}

/** One line naming what is wrong and what to do. */
export class RegionConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RegionConfigError';
  }
}

function where(path: PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('') || '(the whole file)';
}

/** Two things the region would mix up: the same id, LA code or folder named twice. */
function clashes(c: RegionConfig): string[] {
  const out: string[] = [];
  const seen = new Map<string, string>();
  const claim = (key: string, what: string) => {
    const before = seen.get(key);
    if (before !== undefined) out.push(`${what} is also ${before}`);
    else seen.set(key, what);
  };
  claim(`folder:${c.home}`, 'the region\'s home');
  c.councils.forEach((k, i) => {
    claim(`id:${k.id}`, `councils[${i}].id "${k.id}"`);
    claim(`la:${k.laCode}`, `councils[${i}].la_code "${k.laCode}"`);
    claim(`folder:${k.home}`, `councils[${i}].home`);
    claim(`folder:${k.landing}`, `councils[${i}].landing`);
  });
  return out;
}

/**
 * Parses region.json's text; every path is resolved against `baseDir` (the file's folder).
 * Throws a RegionConfigError whose message is one line.
 */
export function parseRegionConfig(textOfFile: string, path: string, baseDir: string): RegionConfig {
  const fix = `fix ${path} and run the region again`;
  let raw: unknown;
  try {
    raw = JSON.parse(textOfFile);
  } catch (e) {
    const why = (e as Error).message.split('\n')[0]!.slice(0, 160);
    throw new RegionConfigError(`${path} is not valid JSON (${why}): ${fix}.`);
  }
  const parsed = regionConfigFile.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 5).map((i) => `${where(i.path)}: ${i.message.replace(/\s+/g, ' ')}`);
    const more = parsed.error.issues.length > 5 ? ` (and ${parsed.error.issues.length - 5} more)` : '';
    throw new RegionConfigError(`${path} is not a region: ${problems.join('; ')}${more}; ${fix}.`);
  }
  const f = parsed.data;
  const at = (p: string) => (isAbsolute(p) ? resolve(p) : resolve(baseDir, p));
  const taskQueue = f.task_queue ?? TASK_QUEUE;
  const config: RegionConfig = {
    path,
    name: f.name ?? null,
    home: at(f.home),
    taskQueue,
    statisticalNeighbours: f.statistical_neighbours ? at(f.statistical_neighbours) : null,
    councils: f.councils.map((k) => ({ id: k.id, name: k.name, laCode: k.la_code, landing: at(k.landing), home: at(k.home), taskQueue: k.task_queue ?? taskQueue })),
  };
  const problems = clashes(config);
  if (problems.length > 0) throw new RegionConfigError(`${path} names one thing twice: ${problems.slice(0, 5).join('; ')}; ${fix}.`);
  return config;
}

/** The folders of every council whose night runs on `queue`: what a worker on that queue serves. */
export function councilsOnQueue(c: RegionConfig, queue: string): RegionCouncil[] {
  return c.councils.filter((k) => k.taskQueue === queue);
}
