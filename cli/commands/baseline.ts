/**
 * `csc-kpi baseline set|list`. `set` declares a manual baseline by adding it to
 * config/baselines.json (versioned in git: commit the change; the next night records it as a
 * `manual` baseline event). `list` prints the baseline registry of a home's warehouse: each KPI's
 * current baseline and the recorded events.
 */
import { join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Command } from 'commander';
import type { Logger } from 'pino';
import { addManualBaseline, type BaselinesConfig } from '../../core/baseline-config.js';
import { londonDate } from '../../core/dates.js';
import { BASELINES_CONFIG_PATH, readBaselinesConfig, writeBaselinesConfig } from '../../activities/baselines-config.js';
import { readKpiCatalogue } from '../../activities/kpi-files.js';
import type { EnvConfig } from '../../core/env-config.js';
import { homeOption } from '../folder-options.js';

export interface SetOptions {
  kpi: string;
  period: string;
  reason: string;
  declaredBy?: string;
  config?: string;
  kpiDir?: string;
  /** Date of the declaration (default today in Europe/London). */
  today?: string;
}

/** Adds the declaration to the config file; throws with the reason when it cannot. */
export async function setManualBaseline(o: SetOptions): Promise<BaselinesConfig> {
  const path = o.config ?? BASELINES_CONFIG_PATH;
  const kpis = new Set((await readKpiCatalogue(o.kpiDir ? { dir: o.kpiDir } : {})).map((d) => d.meta.id));
  if (!kpis.has(o.kpi)) throw new Error(`no KPI "${o.kpi}" in the catalogue (known: ${[...kpis].sort().join(', ')})`);
  const config = await readBaselinesConfig(kpis, path);
  const next = addManualBaseline(config, {
    kpi: o.kpi,
    period: o.period,
    reason: o.reason,
    ...(o.declaredBy ? { declared_by: o.declaredBy } : {}),
    declared_on: o.today ?? londonDate(new Date()),
  });
  if (!next.value) throw new Error(`cannot declare that baseline: ${next.errors.join('; ')}`);
  await writeBaselinesConfig(next.value, path);
  return next.value;
}

async function listRegistry(home: string): Promise<string> {
  const instance = await DuckDBInstance.create(join(resolve(home), 'warehouse.duckdb'), { access_mode: 'READ_ONLY' });
  const conn = await instance.connect();
  try {
    const read = async (sql: string) => (await conn.runAndReadAll(sql)).getRowObjectsJson();
    const current = await read(
      `SELECT kpi, effective_period, strftime(period_end, '%Y-%m-%d') AS period_end, value, reason
       FROM meta.baselines WHERE superseded_by IS NULL ORDER BY kpi`,
    );
    const events = await read(
      `SELECT kpi, kind, effective_period, detected_in, json_extract_string(evidence, '$.summary') AS summary
       FROM meta.baseline_events ORDER BY kpi, effective_period, kind`,
    );
    const lines = ['Current baselines:'];
    for (const b of current) lines.push(`  ${String(b.kpi)}: ${String(b.value ?? 'no value')} for ${String(b.period_end)} (from ${String(b.effective_period)}) — ${String(b.reason)}`);
    lines.push('', `Baseline events (${events.length}):`);
    for (const e of events) lines.push(`  ${String(e.kpi)} ${String(e.kind)} from ${String(e.effective_period)} (detected in ${String(e.detected_in)}): ${String(e.summary ?? '')}`);
    return `${lines.join('\n')}\n`;
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

export function register(program: Command, _log: Logger, settings: EnvConfig): void {
  const baseline = program.command('baseline').description('declare a manual baseline, or list the baseline registry');
  baseline
    .command('set')
    .description('declare a baseline (KPI, first month, reason) in config/baselines.json; commit the file, the next night records it')
    .requiredOption('--kpi <id>', 'KPI id, e.g. assessment_quality_good_pct')
    .requiredOption('--period <YYYY-MM>', 'the first month the new baseline applies to')
    .requiredOption('--reason <text>', 'why the baseline changes (shown in the report)')
    .option('--declared-by <name>', 'who declared it')
    .option('--config <file>', 'manual baselines file', BASELINES_CONFIG_PATH)
    .action(async (o: SetOptions) => {
      const config = await setManualBaseline(o);
      process.stdout.write(
        `Declared a baseline for ${o.kpi} from ${o.period} in ${o.config ?? BASELINES_CONFIG_PATH} (${config.baselines.length} declared).\n` +
          'Commit the file; the next night records it as a manual baseline event and the report shows it.\n',
      );
    });
  baseline
    .command('list')
    .description("print each KPI's current baseline and the recorded baseline events (from <home>/warehouse.duckdb)")
    .option(...homeOption(settings))
    .action(async (o: { home: string }) => {
      process.stdout.write(await listRegistry(o.home));
    });
}
