/**
 * The statistical neighbour file a region names (`statistical_neighbours` in region.json): read,
 * parsed (core/statistical-neighbours.ts) and narrowed to each council's nearest in the region.
 * A file that is missing or unreadable does not make the night meaningless: the regional snapshot
 * publishes without neighbours and says why in its notes.
 */
import { readFile, stat } from 'node:fs/promises';
import type { RegionConfig } from '../core/region-config.js';
import type { RegionNeighbours } from '../core/region-snapshot.js';
import { nearestWithin, parseStatisticalNeighbours } from '../core/statistical-neighbours.js';

/** DfE's file is about 20 KB; anything this big is not it. */
const MAX_BYTES = 5 << 20;

export async function readRegionNeighbours(config: RegionConfig): Promise<{ neighbours: RegionNeighbours[] | null; notes: string[] }> {
  const path = config.statisticalNeighbours;
  if (path === null) return { neighbours: null, notes: [] };
  const unusable = (why: string) => ({ neighbours: null, notes: [`The statistical neighbour file ${path} ${why}, so no neighbours are shown tonight.`] });
  const info = await stat(path).catch((e: NodeJS.ErrnoException) => e);
  if (info instanceof Error) return unusable(`cannot be read (${info.code ?? 'error'})`);
  if (!info.isFile() || info.size > MAX_BYTES) return unusable('is not a statistical neighbour CSV (not a file, or over 5 MB)');
  const parsed = parseStatisticalNeighbours(await readFile(path, 'utf8'));
  if (parsed.value.length === 0) return unusable(parsed.errors[0] ?? 'has no rows');
  const { value, notes } = nearestWithin(parsed.value, config.councils);
  const skipped = parsed.errors.length > 0 ? [`The statistical neighbour file ${path}: ${parsed.errors.length} rows were left out (${parsed.errors.slice(0, 3).join('; ')}).`] : [];
  return { neighbours: value, notes: [...skipped, ...notes] };
}
