/**
 * Which signal, if any, has asked the process to stop. Temporal's runtime shuts a worker down on
 * its shutdown signals (SIGINT, SIGTERM…), and a night it was running is left unfinished: the CLI
 * then says so in words, and stops waiting for a result no worker will bring.
 */
import { constants } from 'node:os';
import { CombinedWorkerRunError, Runtime } from '@temporalio/worker';

/**
 * A night the CLI stopped waiting for because a signal asked the process to stop. Its exit code is
 * the usual one for a process a signal stopped (128 + the signal's number: 130 for SIGINT, 143 for
 * SIGTERM), so whoever ran it can tell a stop from a failed night.
 */
export class StoppedBySignal extends Error {
  readonly exitCode: number;
  constructor(readonly signal: NodeJS.Signals, message: string) {
    super(message);
    this.exitCode = 128 + (constants.signals[signal] ?? 15);
  }
}

export interface ShutdownWatch {
  /** The first shutdown signal heard, or null. */
  readonly signal: NodeJS.Signals | null;
  /**
   * Rejects with `stopped(signal)` when a shutdown signal is heard (never otherwise): raced against
   * a wait that no worker will now end. Never an unhandled rejection if the wait settles first.
   */
  rejectWhenHeard(stopped: (signal: NodeJS.Signals) => StoppedBySignal): Promise<never>;
  /** Stops listening. */
  dispose(): void;
}

/** The StoppedBySignal behind an error from a wait raced with `rejectWhenHeard` (Worker.runUntil wraps it), else null. */
export function stoppedBySignal(err: unknown): StoppedBySignal | null {
  if (err instanceof StoppedBySignal) return err;
  if (err instanceof CombinedWorkerRunError && err.cause.innerError instanceof StoppedBySignal) return err.cause.innerError;
  return null;
}

/**
 * Only watches: the runtime's own listeners do the shutting down. After the first signal it stops
 * listening, so a second one acts as it always does. Call as soon as the runtime is installed (it
 * listens from then on), so a signal while the server or worker is still starting is seen too.
 */
export function watchShutdownSignals(): ShutdownWatch {
  const signals = Runtime.instance().options.shutdownSignals;
  let got: NodeJS.Signals | null = null;
  let settle: (s: NodeJS.Signals) => void = () => undefined;
  const heard = new Promise<NodeJS.Signals>((resolve) => (settle = resolve));
  const dispose = (): void => {
    for (const s of signals) process.off(s, onSignal);
  };
  function onSignal(s: NodeJS.Signals): void {
    got ??= s;
    dispose();
    settle(s);
  }
  for (const s of signals) process.on(s, onSignal);
  return {
    get signal() {
      return got;
    },
    rejectWhenHeard(stopped) {
      const rejected = heard.then((signal): never => {
        throw stopped(signal);
      });
      rejected.catch(() => undefined);
      return rejected;
    },
    dispose,
  };
}
