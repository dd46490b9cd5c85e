/**
 * config/limits.json (core/limits.ts, activities/limits-config.ts): the committed file states the
 * defaults; a file may name only what it changes; a misspelt or impossible limit is an error; a
 * broken file fails the night at once (non-retryable), a missing one means the defaults.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { LIMITS_CONFIG_PATH, readLimits } from '../activities/limits-config.js';
import { DEFAULT_LIMITS, limitText, parseLimits, sizeText } from '../core/limits.js';

describe('config/limits.json', () => {
  it('the committed file is the defaults, every limit named', async () => {
    expect(JSON.parse(await readFile(LIMITS_CONFIG_PATH, 'utf8'))).toEqual(DEFAULT_LIMITS);
    expect(await readLimits()).toEqual(DEFAULT_LIMITS);
  });

  it('a file names only what it changes; unknown keys and impossible values are errors', () => {
    expect(parseLimits('{"version":1,"max_line_bytes":2048}').value).toEqual({ ...DEFAULT_LIMITS, max_line_bytes: 2048 });
    expect(parseLimits('{"version":1,"max_line_byte":2048}').errors).toEqual([expect.stringMatching(/^config\/limits\.json: .*max_line_byte/)]);
    expect(parseLimits('{"version":1,"max_columns":0}').errors).toEqual([expect.stringMatching(/^config\/limits\.json: max_columns: /)]);
    expect(parseLimits('{"version":1,"max_sheet_rows":1.5}').errors).toHaveLength(1);
    expect(parseLimits('{"max_columns":10}').errors).toEqual([expect.stringMatching(/^config\/limits\.json: version: /)]);
    expect(parseLimits('{').errors).toEqual([expect.stringMatching(/^config\/limits\.json: not valid JSON/)]);
  });

  it('a broken file fails non-retryably with what to fix; a missing one is the defaults', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'csc-kpi-limits-'));
    const broken = join(dir, 'limits.json');
    await writeFile(broken, '{"version":1,"max_columns":"many"}');
    const err = await readLimits(broken).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ nonRetryable: true, type: 'BadLimitsConfig' });
    expect((err as Error).message).toMatch(/^The limits file has errors; fix them and re-run:\n.*limits\.json: max_columns: /);
    expect(await readLimits(join(dir, 'absent.json'))).toEqual(DEFAULT_LIMITS);
  });

  it('names a limit with its value and where to change it', () => {
    expect(limitText(DEFAULT_LIMITS, 'max_line_bytes')).toBe('the 1 MB limit (limits.max_line_bytes in config/limits.json)');
    expect(limitText(DEFAULT_LIMITS, 'max_sheet_rows')).toBe('the 1,048,576 limit (limits.max_sheet_rows in config/limits.json)');
    expect([sizeText(512), sizeText(2048), sizeText(3 * 1024 ** 2)]).toEqual(['512 bytes', '2 KB', '3 MB']);
  });
});
