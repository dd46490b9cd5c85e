/**
 * `npm run bench -- --region N` (issue 18): a region of N generated councils (default 12, about
 * 300 k case-system rows each: the fixture generator at scale 4, a seed per council, cached in
 * ./bench-data/region/) run as one region night on a real Temporal dev server, first with one
 * worker process, then with two — each `csc-kpi worker --queue bench-region --config region.json`
 * as deployed, polling the one queue every council and the region use — on fresh homes and a
 * fresh server each time. Timed from the region night's start to its result; the roll-up
 * (publishRegion, from its history) is timed on its own.
 *
 * Writes region_s_1w, region_s_2w, region_ratio (1 worker ÷ 2 workers: the speed-up), the
 * roll-up times and the region's size into bench-results.json, keeping every key already there.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { startDevServer } from '../cli/dev-server.js';
import { startOrJoinRegionNight } from '../cli/region-run.js';
import { regionNightId } from '../core/region-night.js';
import { DEFAULT_SEED, generateLanding } from '../fixtures/generator/generate.js';
import { AS_OF, ROWS_AT_SCALE_1 } from './dataset.js';
import { machine } from './measure.js';

const ROWS_PER_COUNCIL = 300_000;
const QUEUE = 'bench-region';

interface Council {
  id: string;
  landing: string;
  rows: number;
}

/** N council landing folders, generated once (seed per council) and reused while their marker is there. */
async function councils(n: number, scale: number): Promise<Council[]> {
  const out: Council[] = [];
  for (let i = 0; i < n; i++) {
    const id = `council-${String(i + 1).padStart(2, '0')}`;
    const landing = resolve('bench-data', 'region', `${id}-scale-${scale}`);
    const marker = join(landing, '.complete');
    if (!existsSync(marker)) {
      console.log(`generating ${id} (scale ${scale}) in ${landing} …`);
      await rm(landing, { recursive: true, force: true });
      const r = await generateLanding({ out: landing, seed: DEFAULT_SEED + i + 1, asOf: AS_OF, scale });
      const rows = Object.entries(r.rows).filter(([f]) => f.startsWith('case-system/')).reduce((s, [, k]) => s + k, 0);
      await writeFile(marker, JSON.stringify({ rows }));
    }
    out.push({ id, landing, rows: (JSON.parse(await readFile(marker, 'utf8')) as { rows: number }).rows });
  }
  return out;
}

function startWorker(address: string, config: string): ChildProcess {
  const main = fileURLToPath(new URL('../cli/main.js', import.meta.url));
  return spawn(process.execPath, [main, 'worker', '--queue', QUEUE, '--config', config], {
    env: { ...process.env, TEMPORAL_ADDRESS: address, LOG_LEVEL: 'error', CSC_KPI_SIGNING_KEY: '' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function stopWorker(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null) return;
  const exited = new Promise<void>((r) => p.once('exit', () => r()));
  p.kill('SIGTERM');
  const timer = setTimeout(() => p.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}

/** Waits until `n` worker processes poll the queue's activity tasks. */
async function pollers(client: Client, n: number): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const r = await client.workflowService.describeTaskQueue({ namespace: 'default', taskQueue: { name: QUEUE }, taskQueueType: 2 });
    if (new Set((r.pollers ?? []).map((p) => p.identity)).size >= n) return;
    await new Promise((res) => setTimeout(res, 200));
  }
  throw new Error(`${n} workers did not start polling ${QUEUE} within 2 minutes`);
}

/** Seconds publishRegion ran, from the region night's history. */
async function rollUpSeconds(client: Client): Promise<number> {
  const events = (await client.workflow.getHandle(regionNightId(AS_OF)).fetchHistory()).events ?? [];
  const scheduled = events.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'publishRegion');
  const started = events.find((e) => e.activityTaskStartedEventAttributes && String(e.activityTaskStartedEventAttributes.scheduledEventId) === String(scheduled?.eventId));
  const done = events.find((e) => e.activityTaskCompletedEventAttributes && String(e.activityTaskCompletedEventAttributes.scheduledEventId) === String(scheduled?.eventId));
  const t = (e: typeof started) => Number(e?.eventTime?.seconds ?? 0) + (e?.eventTime?.nanos ?? 0) / 1e9;
  if (!started || !done) throw new Error('the region night has no completed publishRegion');
  return t(done) - t(started);
}

/** One region night of these councils with `workers` worker processes, on a fresh server and fresh homes. */
async function regionNight(list: Council[], workers: number): Promise<{ s: number; rollUpS: number }> {
  const root = await mkdtemp(join(tmpdir(), `csc-kpi-bench-region-${workers}w-`));
  const config = join(root, 'region.json');
  await writeFile(
    config,
    JSON.stringify({
      name: 'Bench region',
      home: 'region-home',
      task_queue: QUEUE,
      councils: list.map((c, i) => ({ id: c.id, name: `Council ${i + 1}`, la_code: String(800 + i), landing: c.landing, home: join(root, c.id) })),
    }),
  );
  const server = await startDevServer();
  const procs = Array.from({ length: workers }, () => startWorker(server.address, config));
  try {
    const connection = await Connection.connect({ address: server.address });
    try {
      const client = new Client({ connection });
      await pollers(client, workers);
      const t0 = performance.now();
      const r = await startOrJoinRegionNight(client, { config, asOf: AS_OF }, QUEUE);
      const s = (performance.now() - t0) / 1000;
      const notPublished = r.councils.filter((c) => c.status !== 'published');
      if (notPublished.length > 0) throw new Error(`councils not published: ${notPublished.map((c) => `${c.id} (${c.reason})`).join('; ')}`);
      return { s, rollUpS: await rollUpSeconds(client) };
    } finally {
      await connection.close();
    }
  } finally {
    await Promise.all(procs.map(stopWorker));
    await server.stop();
    await rm(root, { recursive: true, force: true });
  }
}

export async function regionBench(argv: string[]): Promise<void> {
  const at = argv.indexOf('--region');
  const n = Number(argv[at + 1] ?? '') > 0 ? Number(argv[at + 1]) : 12;
  const scale = Math.max(1, Math.round(ROWS_PER_COUNCIL / ROWS_AT_SCALE_1));
  const list = await councils(n, scale);
  const rows = list.reduce((s, c) => s + c.rows, 0);
  console.log(`region bench: ${n} councils, scale ${scale}, ${rows.toLocaleString('en-GB')} case-system rows in all`);
  const one = await regionNight(list, 1);
  console.log(`  1 worker:  ${one.s.toFixed(2)} s (roll-up ${one.rollUpS.toFixed(2)} s)`);
  const two = await regionNight(list, 2);
  console.log(`  2 workers: ${two.s.toFixed(2)} s (roll-up ${two.rollUpS.toFixed(2)} s)`);

  const m = machine();
  const ratio = one.s / two.s;
  const table = [
    `csc-kpi region bench, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC — ${m.cpu}, nproc ${m.nproc}, ${m.memGb} GB RAM, Node ${m.node}`,
    '',
    '| councils | rows per council | rows in all | 1 worker s | 2 workers s | 1w ÷ 2w | roll-up s (1w) | roll-up s (2w) |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|',
    `| ${n} | ${Math.round(rows / n).toLocaleString('en-GB')} | ${rows.toLocaleString('en-GB')} | ${one.s.toFixed(2)} | ${two.s.toFixed(2)} | ${ratio.toFixed(2)} | ${one.rollUpS.toFixed(2)} | ${two.rollUpS.toFixed(2)} |`,
  ];
  console.log(`\n${table.join('\n')}`);
  const previous = existsSync('bench-results.json') ? (JSON.parse(await readFile('bench-results.json', 'utf8')) as Record<string, unknown>) : {};
  const results = {
    ...previous,
    region_s_1w: one.s,
    region_s_2w: two.s,
    region_ratio: ratio,
    region_rollup_s: one.rollUpS,
    region_rollup_s_2w: two.rollUpS,
    region_councils: n,
    region_scale: scale,
    region_rows: rows,
    region_date: new Date().toISOString(),
    region_nproc: m.nproc,
    region_table: table,
  };
  await writeFile('bench-results.json', `${JSON.stringify(results, null, 2)}\n`);
  console.log('\nwrote region_* into bench-results.json');
}
