/**
 * A throwaway landing folder, home and warehouse for loader tests: write files, pull, load each
 * new file as the night does (same activities, real DuckDB file), read back counts and rejects.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { FoundFile, LoadResult } from '../../core/night.js';
import { loadFile } from '../../activities/load-file.js';
import { migrate } from '../../activities/migrate.js';
import { pullSources } from '../../activities/pull.js';
import { Warehouse, type Params } from '../../activities/warehouse.js';
import { SOURCE_KINDS } from '../../core/source-folders.js';

export interface TempNight {
  root: string;
  landing: string;
  home: string;
  warehouse: string;
}

export async function tempNight(): Promise<TempNight> {
  const root = await mkdtemp(join(tmpdir(), 'csc-kpi-load-test-'));
  const landing = join(root, 'landing');
  for (const s of SOURCE_KINDS) await mkdir(join(landing, s), { recursive: true });
  return { root, landing, home: join(root, 'home'), warehouse: join(root, 'warehouse.duckdb') };
}

export async function put(t: TempNight, rel: string, content: string | Buffer): Promise<string> {
  const p = join(t.landing, rel);
  await mkdir(dirname(p), { recursive: true });
  await writeFile(p, content);
  return p;
}

export interface NightLoad {
  found: FoundFile[];
  loads: Map<string, LoadResult>;
}

export async function pullAndLoad(t: TempNight, asOf: string, runId = 'test-run'): Promise<NightLoad> {
  return Warehouse.with(t.warehouse, async (w) => {
    await migrate(w);
    const found = await pullSources(w, { asOf, landing: t.landing, home: t.home });
    const loads = new Map<string, LoadResult>();
    for (const f of found.filter((x) => x.status === 'new')) loads.set(f.relPath, await loadFile(w, f, runId));
    return { found, loads };
  });
}

export async function query<T = Record<string, unknown>>(t: TempNight, sql: string, params?: Params): Promise<T[]> {
  return Warehouse.with(t.warehouse, (w) => w.rows<T>(sql, params));
}
