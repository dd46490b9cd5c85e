/**
 * The shipped JSON Schema of metrics.json: the committed file is exactly what the zod contract
 * generates, and validation (Ajv on the shipped file, then zod) accepts a good file and rejects
 * malformed ones with a message that names the place.
 * Regenerate the file after a contract change: UPDATE_SCHEMA=1 npx vitest run test/snapshot-schema.test.ts
 */
import { readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { METRICS_SCHEMA_PATH, metricsFile, metricsJsonSchemaText, SCHEMA_VERSION, type MetricsFile } from '../core/metrics-contract.js';
import { projectPath } from '../core/project-root.js';
import { validateMetricsJson } from '../activities/snapshot-validate.js';

const HASH = `sha256:${'b'.repeat(64)}`;

function good(): MetricsFile {
  return metricsFile.parse({
    schema_version: SCHEMA_VERSION,
    snapshot_id: '2015-02-28_20150301T021409Z_abc',
    as_of: '2015-02-28',
    created_at: '2015-03-01T02:14:09Z',
    metrics: [
      {
        kpi: 're_referral_12m_pct',
        title: 'Re-referrals within 12 months (%)',
        period_start: '2015-02-01',
        period_end: '2015-02-28',
        value: 33.3,
        numerator: 2,
        denominator: 6,
        unit: 'percent',
        polarity: 'lower',
        target: 22,
        status: 'red',
        definition_version: HASH,
        baseline: null,
        comparable_with_previous: true,
        basis: 'month',
        stale: false,
        notes: [],
      },
    ],
    series: [{ kpi: 're_referral_12m_pct', period_end: '2015-02-28', value: 33.3, numerator: 2, denominator: 6, provisional: false, status: 'red' }],
    baseline_events: [{ kpi: 're_referral_12m_pct', kind: 'level_shift', effective_period: '2014-07', detected_in: 'x', evidence: { before: 1 } }],
    data_quality: {
      sources: [
        { source: 'case-system/referrals', file: 'referrals_2015-02-28.csv', sha256: 'c'.repeat(64), extract_date: '2015-02-28', status: 'loaded', reason: null, used: true, rows_loaded: 9, rows_rejected: 1, age_days: 0, stale: false },
      ],
      gaps: [],
    },
  });
}

describe('schema/metrics.schema.json', () => {
  it('is exactly the JSON Schema generated from the zod contract', async () => {
    const path = projectPath(METRICS_SCHEMA_PATH);
    if (process.env.UPDATE_SCHEMA) await writeFile(path, metricsJsonSchemaText());
    expect(await readFile(path, 'utf8')).toBe(metricsJsonSchemaText());
  });

  it('is a draft 2020-12 schema that closes every object (a misspelt field is an error, not ignored)', async () => {
    const schema = JSON.parse(await readFile(projectPath(METRICS_SCHEMA_PATH), 'utf8')) as Record<string, unknown>;
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(['schema_version', 'snapshot_id', 'as_of', 'created_at', 'metrics', 'series', 'baseline_events', 'data_quality']);
  });
});

describe('validateMetricsJson (shipped JSON Schema, then zod)', () => {
  it('accepts a well-formed file', async () => {
    const r = await validateMetricsJson(JSON.stringify(good()));
    expect(r.errors).toEqual([]);
    expect(r.value?.metrics[0]?.value).toBe(33.3);
  });

  /** A part of the file as a plain record, to break it on purpose. */
  const rec = (o: unknown): Record<string, unknown> => o as Record<string, unknown>;

  const broken: [string, (m: MetricsFile) => void, RegExp][] = [
    ['a metric missing status', (m) => delete rec(m.metrics[0]).status, /\/metrics\/0: must have required property 'status'/],
    ['a value written as a string', (m) => (rec(m.metrics[0]).value = '33.3'), /\/metrics\/0\/value: must be number,null/],
    ['a status outside the RAG set', (m) => (rec(m.metrics[0]).status = 'GREEN'), /\/metrics\/0\/status: must be equal to one of the allowed values/],
    ['a series date not ISO', (m) => (rec(m.series[0]).period_end = '28/02/2015'), /\/series\/0\/period_end: must match pattern/],
    ['a count of rows that is negative', (m) => (rec(m.data_quality.sources[0]).rows_loaded = -1), /\/data_quality\/sources\/0\/rows_loaded: must be >= 0/],
    ['an unknown field', (m) => (rec(m.metrics[0]).colour = 'red'), /\/metrics\/0: must NOT have additional properties \(colour\)/],
    ['the version 1 schema (v2 publishes the headline period, basis, provisional points and freshness)', (m) => (rec(m).schema_version = '1'), /\/schema_version: must be equal to constant/],
    ['a metric without its basis', (m) => delete rec(m.metrics[0]).basis, /\/metrics\/0: must have required property 'basis'/],
    ['a basis outside month, at_date, trailing_12_months', (m) => (rec(m.metrics[0]).basis = 'point_in_time'), /\/metrics\/0\/basis: must be equal to one of the allowed values/],
    ['a series point without provisional', (m) => delete rec(m.series[0]).provisional, /\/series\/0: must have required property 'provisional'/],
    ['a used source without its age', (m) => delete rec(m.data_quality.sources[0]).age_days, /\/data_quality\/sources\/0: must have required property 'age_days'/],
    ['created_at without a zone', (m) => (m.created_at = '2015-03-01T02:14:09'), /\/created_at: must match pattern/],
  ];
  for (const [what, mutate, message] of broken) {
    it(`rejects ${what}`, async () => {
      const m = structuredClone(good());
      mutate(m);
      const r = await validateMetricsJson(JSON.stringify(m));
      expect(r.value).toBeUndefined();
      expect(r.errors.join('\n')).toMatch(message);
    });
  }

  it('rejects text that is not JSON', async () => {
    const r = await validateMetricsJson('{"schema_version": "1",');
    expect(r.errors[0]).toMatch(/^not valid JSON/);
  });
});
