/**
 * region.json, the file that makes a region (core/region-config.ts, activities/region-config-file.ts):
 * what it accepts, how it resolves paths and queues, and the one line it gives for what it refuses.
 * Also which councils a worker on a task queue serves (activities/region-served.ts).
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRegionConfigFile } from '../activities/region-config-file.js';
import { regionWorkerPlan } from '../activities/region-served.js';
import { servedLaCode } from '../activities/served-folders.js';
import { parseRegionConfig, RegionConfigError } from '../core/region-config.js';

const COUNCILS = [
  { id: 'barnet', name: 'Barnet', la_code: '302', landing: 'barnet/landing', home: '/srv/barnet/home', task_queue: 'north' },
  { id: 'camden', name: 'Camden', la_code: 202, landing: '/srv/camden/landing', home: '/srv/camden/home' },
];

function refusal(config: unknown): string {
  try {
    parseRegionConfig(typeof config === 'string' ? config : JSON.stringify(config), '/etc/region/region.json', '/etc/region');
  } catch (e) {
    expect(e).toBeInstanceOf(RegionConfigError);
    return (e as Error).message;
  }
  throw new Error('accepted');
}

describe('region.json', () => {
  it('resolves relative paths against its own folder and fills in task queues', () => {
    const c = parseRegionConfig(JSON.stringify({ home: 'home', task_queue: 'region', councils: COUNCILS }), '/etc/region/region.json', '/etc/region');
    expect(c).toEqual({
      path: '/etc/region/region.json',
      name: null,
      home: '/etc/region/home',
      taskQueue: 'region',
      statisticalNeighbours: null,
      councils: [
        { id: 'barnet', name: 'Barnet', laCode: '302', landing: '/etc/region/barnet/landing', home: '/srv/barnet/home', taskQueue: 'north' },
        // A number is an old LA code; a council without task_queue runs on the region's.
        { id: 'camden', name: 'Camden', laCode: '202', landing: '/srv/camden/landing', home: '/srv/camden/home', taskQueue: 'region' },
      ],
    });
    expect(parseRegionConfig(JSON.stringify({ home: '/r', councils: [COUNCILS[1]] }), '/r.json', '/').taskQueue).toBe('csc-kpi');
  });

  it('refuses a broken file in one line that names the place and what to do', () => {
    const bad = refusal({ home: '/r', councils: [{ ...COUNCILS[0], la_code: 'Barnet' }, { ...COUNCILS[1], taskqueue: 'x' }] });
    expect(bad).toBe(
      '/etc/region/region.json is not a region: councils[0].la_code: an LA code: 3 digits (old, e.g. "302") or E and 8 digits (new, e.g. "E09000003"); ' +
        'councils[1]: Unrecognized key: "taskqueue"; fix /etc/region/region.json and run the region again.',
    );
    expect(refusal({ councils: [] })).toBe(
      '/etc/region/region.json is not a region: home: Invalid input: expected string, received undefined; councils: list at least one council; fix /etc/region/region.json and run the region again.',
    );
    expect(refusal('{"home": "/r", ')).toMatch(/^\/etc\/region\/region\.json is not valid JSON \(.+\): fix \/etc\/region\/region\.json and run the region again\.$/);
    for (const m of [bad, refusal('{')]) expect(m).not.toContain('\n');
  });

  it('refuses the same council, LA code or folder named twice', () => {
    const twice = refusal({ home: '/srv/camden/home', councils: [COUNCILS[0], { ...COUNCILS[1], id: 'barnet', la_code: '302', landing: 'barnet/landing' }] });
    expect(twice).toBe(
      '/etc/region/region.json names one thing twice: councils[1].id "barnet" is also councils[0].id "barnet"; councils[1].la_code "302" is also councils[0].la_code "302"; ' +
        "councils[1].home is also the region's home; councils[1].landing is also councils[0].landing; fix /etc/region/region.json and run the region again.",
    );
  });

  it('says which file could not be read', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'csc-kpi-region-config-'));
    await expect(readRegionConfigFile(join(dir, 'missing.json'))).rejects.toThrow(
      `The region configuration ${join(dir, 'missing.json')} cannot be read (ENOENT): give --config the path of the region's region.json.`,
    );
    await writeFile(join(dir, 'region.json'), JSON.stringify({ home: 'home', councils: COUNCILS }));
    expect((await readRegionConfigFile(join(dir, 'region.json'))).home).toBe(join(dir, 'home'));
  });
});

describe('what a worker on a task queue serves', () => {
  const c = parseRegionConfig(JSON.stringify({ home: '/r', task_queue: 'region', councils: COUNCILS }), '/etc/region.json', '/etc');

  it('serves the councils on its queue, and the roll-up on the region’s', () => {
    expect(regionWorkerPlan(c, 'north')).toEqual({ served: [{ landing: '/etc/barnet/landing', home: '/srv/barnet/home', laCode: '302' }], region: undefined });
    expect(regionWorkerPlan(c, 'region')).toEqual({ served: [{ landing: '/srv/camden/landing', home: '/srv/camden/home', laCode: '202' }], region: '/etc/region.json' });
  });

  it('gives each council’s night its own LA code, for its benchmarks', async () => {
    const served = [...regionWorkerPlan(c, 'north').served, ...regionWorkerPlan(c, 'region').served];
    expect(await servedLaCode(served, '/srv/camden/home')).toBe('202');
    expect(await servedLaCode(served, '/srv/barnet/home/')).toBe('302');
    expect(await servedLaCode(served, '/srv/enfield/home')).toBeUndefined();
  });

  it('refuses a queue with nothing on it, naming the queues there are', () => {
    expect(() => regionWorkerPlan(c, 'south')).toThrow(
      'No council in /etc/region.json runs on task queue "south", and it is not the region\'s queue: start the worker with --queue naming one of "region", "north".',
    );
  });
});
