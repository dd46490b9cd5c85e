/**
 * Reading region.json from disk for the CLI, the worker and the regional activities; the rules
 * of its contents are core/region-config.ts. A file that cannot be read, is not JSON or is not a
 * region is one line (RegionConfigError) naming the file and what to do.
 */
import { readFile, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseRegionConfig, RegionConfigError, type RegionConfig } from '../core/region-config.js';

/** A region's configuration is a few kilobytes; anything bigger is not one. */
const MAX_BYTES = 1 << 20;

export async function readRegionConfigFile(path: string): Promise<RegionConfig> {
  const abs = resolve(path);
  const info = await stat(abs).catch((e: NodeJS.ErrnoException) => e);
  if (info instanceof Error) {
    throw new RegionConfigError(`The region configuration ${abs} cannot be read (${info.code ?? 'error'}): give --config the path of the region's region.json.`);
  }
  if (!info.isFile()) throw new RegionConfigError(`The region configuration ${abs} is not a file: give --config the path of the region's region.json.`);
  if (info.size > MAX_BYTES) throw new RegionConfigError(`The region configuration ${abs} is ${info.size} bytes, more than a region.json can be (1 MB): check --config.`);
  return parseRegionConfig(await readFile(abs, 'utf8'), abs, dirname(abs));
}
