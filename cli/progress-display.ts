/**
 * `csc-kpi run`'s progress display: a bar on stderr (only on a terminal, so logs and CI output
 * stay clean) fed by the workflow's `progress` query, and the one way anything else writes to
 * stderr while it shows: a log line goes above the bar (cli-progress redraws the bar under it),
 * never through it.
 */
import cliProgress from 'cli-progress';
import type { LogSink } from '../core/logger.js';
import type { NightProgress } from '../core/night.js';

export interface ProgressDisplay {
  /** Whether a bar shows at all (standard error is a terminal). */
  readonly shows: boolean;
  /** Shows the bar at once, before the night has a stage (e.g. while Temporal starts). */
  begin(label: string): void;
  update(p: NightProgress): void;
  stop(): void;
}

const STAGES: NightProgress['stage'][] = ['pull', 'load', 'compute', 'detect', 'publish', 'done'];

/** The bar showing now, if any: log lines are handed to it. */
let showing: cliProgress.MultiBar | null = null;

/** Standard error for log lines: straight through, or above the bar while one shows. */
export const stderrLines: LogSink = {
  write(line: string) {
    if (showing) showing.log(line.endsWith('\n') ? line : `${line}\n`);
    else process.stderr.write(line);
  },
};

export function progressDisplay(stream: NodeJS.WriteStream = process.stderr): ProgressDisplay {
  if (!stream.isTTY) return { shows: false, begin: () => undefined, update: () => undefined, stop: () => undefined };
  const bars = new cliProgress.MultiBar(
    { stream, format: 'night [{bar}] {stage} | files {filesDone}/{filesToLoad} | rows {rowsLoaded} loaded, {rowsRejected} rejected', hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let bar: cliProgress.SingleBar | null = null;
  const show = (total: number, done: number, payload: Record<string, unknown>): void => {
    if (!bar) {
      bar = bars.create(total, done, payload);
      showing = bars;
    }
    bar.setTotal(total);
    bar.update(done, payload);
  };
  return {
    shows: true,
    begin(label) {
      show(STAGES.length, 0, { stage: label, filesDone: 0, filesToLoad: 0, rowsLoaded: 0, rowsRejected: 0 });
    },
    update(p) {
      // Stages weigh 1 each, plus one unit per file loaded, so the bar moves during long loads.
      show(STAGES.length + p.filesToLoad, STAGES.indexOf(p.stage) + p.filesDone, { ...p });
    },
    stop() {
      if (!bar) return;
      // Lines logged since the last redraw are written first, then the bar's last state.
      bars.update();
      bars.stop();
      showing = null;
      bar = null;
    },
  };
}
