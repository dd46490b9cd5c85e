/**
 * `csc-kpi run`'s progress display: a bar on stderr (only on a terminal, so logs and CI output
 * stay clean) fed by the workflow's `progress` query.
 */
import cliProgress from 'cli-progress';
import type { NightProgress } from '../core/night.js';

export interface ProgressDisplay {
  update(p: NightProgress): void;
  stop(): void;
}

const STAGES: NightProgress['stage'][] = ['pull', 'load', 'compute', 'detect', 'publish', 'done'];

export function progressDisplay(stream: NodeJS.WriteStream = process.stderr): ProgressDisplay {
  if (!stream.isTTY) return { update: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    { stream, format: 'night [{bar}] {stage} | files {filesDone}/{filesToLoad} | rows {rowsLoaded} loaded, {rowsRejected} rejected', hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(p) {
      const payload = { ...p };
      // Stages weigh 1 each, plus one unit per file loaded, so the bar moves during long loads.
      const total = STAGES.length + p.filesToLoad;
      const done = STAGES.indexOf(p.stage) + p.filesDone;
      if (!started) {
        bar.start(total, done, payload);
        started = true;
      }
      bar.setTotal(total);
      bar.update(done, payload);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
