/**
 * Which signal, if any, has asked the process to stop. Temporal's runtime shuts a worker down on
 * its shutdown signals (SIGINT, SIGTERM…), and a night it was running is left unfinished: the CLI
 * then says so in words, and stops waiting for a result no worker will bring.
 */
import { Runtime } from '@temporalio/worker';

export interface ShutdownWatch {
  /** The first shutdown signal heard, or null. */
  readonly signal: NodeJS.Signals | null;
  /** Settles with the first shutdown signal heard (never, if none is). */
  readonly heard: Promise<NodeJS.Signals>;
  /** Stops listening. */
  dispose(): void;
}

/**
 * Only watches: the runtime's own listeners do the shutting down. After the first signal it stops
 * listening, so a second one acts as it always does. Call after the runtime is installed.
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
    heard,
    dispose,
  };
}
