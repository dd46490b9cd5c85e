/**
 * An embedded Temporal dev server for `csc-kpi run` without TEMPORAL_ADDRESS: the official CLI's
 * `server start-dev` on free loopback ports, in memory, stopped when the run ends.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Connection } from '@temporalio/client';
import { temporalBinary } from './temporal-binary.js';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface DevServer {
  address: string;
  stop(): Promise<void>;
}

/** An early exit of the server, and whether another start on other ports may succeed. */
class ExitedEarly extends Error {}

/** How many times a server on ports found free is started before giving up. */
const STARTS_ON_FREE_PORTS = 3;

/**
 * `temporalCli`: TEMPORAL_CLI from the settings (default the project's own, cli/temporal-binary.ts).
 * A port found free can be taken by another process before the server binds it (several servers
 * starting at once, as the tests do): the server then exits at once, and is started again on
 * other ports. A port given is used as it is.
 */
export async function startDevServer(opts: { dbFile?: string; port?: number; temporalCli?: string } = {}): Promise<DevServer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(opts);
    } catch (err) {
      if (!(err instanceof ExitedEarly) || opts.port !== undefined || attempt >= STARTS_ON_FREE_PORTS) throw err;
    }
  }
}

async function startOnce(opts: { dbFile?: string; port?: number; temporalCli?: string }): Promise<DevServer> {
  const [port, httpPort, metricsPort] = [opts.port ?? (await freePort()), await freePort(), await freePort()];
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--http-port', String(httpPort),
    '--metrics-port', String(metricsPort), '--headless', '--log-level', 'error'];
  if (opts.dbFile) args.push('--db-filename', opts.dbFile);
  const child: ChildProcess = spawn(temporalBinary(opts.temporalCli), args, { stdio: ['ignore', 'ignore', 'pipe'] });
  // The server lives only as long as this process. `stop` is the orderly way; an uncaught error
  // skips every `finally` on the way out but not 'exit', where a signal can still be sent (the
  // server then shuts itself down), so no server is left running with nobody to stop it.
  const stopAtExit = (): void => void child.kill('SIGTERM');
  process.once('exit', stopAtExit);
  child.once('exit', () => process.off('exit', stopAtExit));
  // The first lines say why it stopped (a Go panic's message comes before its stack): keep them and the end.
  let head = '';
  let tail = '';
  child.stderr?.on('data', (b: Buffer) => {
    if (head.length < 2000) head = (head + b.toString()).slice(0, 2000);
    else tail = (tail + b.toString()).slice(-2000);
  });
  const stderrText = () => (tail ? `${head}\n…\n${tail}` : head);
  const address = `127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new ExitedEarly(`The Temporal dev server exited (${child.exitCode ?? child.signalCode}): ${stderrText()}`);
    }
    try {
      const conn = await Connection.connect({ address, connectTimeout: 1000 });
      await conn.close();
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`The Temporal dev server did not start within 60 s: ${stderrText()}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return {
    address,
    stop: () =>
      new Promise<void>((resolve) => {
        // Ended already, by itself or by a signal (Ctrl-C reaches it too): its 'exit' has been and gone.
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
      }),
  };
}
