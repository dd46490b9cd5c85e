/**
 * A real Temporal dev server for workflow tests (never mocked, never skipped): the project's
 * pinned CLI from .tools/ (or TEMPORAL_CLI). Missing binary = a failing test with the fix named.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Runtime, DefaultLogger } from '@temporalio/worker';
import { temporalBinary } from '../../cli/temporal-binary.js';
import { readEnvConfig } from '../../core/env-config.js';

let quiet = false;

export async function startTemporal(): Promise<TestWorkflowEnvironment> {
  if (!quiet) {
    quiet = true;
    Runtime.install({ logger: new DefaultLogger('WARN') });
  }
  return TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'existing-path', path: temporalBinary(readEnvConfig().TEMPORAL_CLI) }, ip: '127.0.0.1', extraArgs: ['--log-level', 'error'] },
  });
}

let counter = 0;
/** A task queue no other test uses. */
export function uniqueQueue(name: string): string {
  counter++;
  return `${name}-${process.pid}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
}
