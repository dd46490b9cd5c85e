/**
 * Checks a written `metrics.json` against the JSON Schema the project ships
 * (`schema/metrics.schema.json`, generated from the zod contract) with Ajv, then with the zod
 * contract itself. Dashboards validate against the shipped file, so the pipeline does too: a
 * snapshot that a reader's validator would refuse is never published. Returns errors rather than
 * throwing, so a caller can name every problem at once.
 */
import { readFile } from 'node:fs/promises';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { METRICS_SCHEMA_PATH, metricsFile, type MetricsFile } from '../core/metrics-contract.js';
import { projectPath } from '../core/project-root.js';

let compiled: Promise<ValidateFunction> | undefined;

async function shippedValidator(): Promise<ValidateFunction> {
  compiled ??= readFile(projectPath(METRICS_SCHEMA_PATH), 'utf8').then((text) => {
    // strict: an unknown keyword in the schema is an error, not silently ignored. The only format
    // the contract uses (date-time on created_at) also carries an exact pattern, which Ajv checks.
    const ajv = new Ajv2020({ allErrors: true, strict: true, formats: { 'date-time': true } });
    return ajv.compile(JSON.parse(text) as object);
  });
  return compiled;
}

function describe(e: ErrorObject): string {
  const where = e.instancePath === '' ? '(top level)' : e.instancePath;
  const extra = e.keyword === 'additionalProperties' ? ` (${String((e.params as { additionalProperty?: string }).additionalProperty)})` : '';
  return `${where}: ${e.message ?? e.keyword}${extra}`;
}

/** Validates the text of a metrics.json file: JSON syntax, the shipped JSON Schema, then zod. */
export async function validateMetricsJson(text: string): Promise<{ value?: MetricsFile; errors: string[] }> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return { errors: [`not valid JSON: ${(e as Error).message}`] };
  }
  const validate = await shippedValidator();
  if (!validate(data)) return { errors: (validate.errors ?? []).map(describe) };
  const parsed = metricsFile.safeParse(data);
  if (!parsed.success) return { errors: parsed.error.issues.map((i) => `/${i.path.join('/')}: ${i.message}`) };
  return { value: parsed.data, errors: [] };
}
