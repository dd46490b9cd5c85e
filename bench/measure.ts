/**
 * Memory and machine facts for the benchmark. DuckDB allocates outside the V8 heap and the
 * Temporal dev server is a process of its own, so memory is read from /proc for the whole
 * process tree: sampled VmRSS (the tree's peak at any one moment) and each process's VmHWM
 * (its own high-water mark; their sum bounds the tree's peak from above).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';

function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0; // the process has gone
  }
}

/** A process and all its descendants (children of every thread). */
export function processTree(pid: number): number[] {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    const p = out[i]!;
    let tids: string[] = [];
    try {
      tids = readdirSync(`/proc/${p}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      try {
        for (const c of readFileSync(`/proc/${p}/task/${tid}/children`, 'utf8').trim().split(/\s+/)) if (c) out.push(Number(c));
      } catch {
        // thread ended
      }
    }
  }
  return out;
}

/** Sum of VmHWM over a process tree, in MB: an upper bound of the tree's peak resident memory. */
export function treeHighWaterMb(pid: number): number {
  return processTree(pid).reduce((s, p) => s + statusKb(p, 'VmHWM'), 0) / 1024;
}

/** Samples the tree's total VmRSS every `everyMs` until stopped; returns the peak in MB. */
export function sampleTreeRss(pid: number, everyMs = 100): { stop: () => number } {
  let peakKb = 0;
  const tick = (): void => {
    peakKb = Math.max(peakKb, processTree(pid).reduce((s, p) => s + statusKb(p, 'VmRSS'), 0));
  };
  tick();
  const timer = setInterval(tick, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      tick();
      return peakKb / 1024;
    },
  };
}

export interface Machine {
  cpu: string;
  nproc: number;
  memGb: number;
  node: string;
}

export function machine(): Machine {
  const list = cpus();
  return { cpu: list[0]?.model.trim() ?? 'unknown', nproc: availableParallelism(), memGb: Math.round(totalmem() / 1024 ** 3), node: process.version };
}
