/**
 * The one place the CLI connects to a Temporal frontend named by TEMPORAL_ADDRESS: a client
 * (`run`, `schedule`) or a worker's native connection, both with the TLS settings of
 * core/env-config.ts, so no connection can forget them. Not for the embedded dev server of
 * `csc-kpi run`, which listens on loopback only (cli/dev-server.ts).
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { temporalTls, type EnvConfig } from '../core/env-config.js';

/** The configured frontend's address, or a message saying which command needs it. */
export function requireAddress(c: EnvConfig, forWhat: string): string {
  if (!c.TEMPORAL_ADDRESS) throw new Error(`Set TEMPORAL_ADDRESS (host:port of the Temporal frontend) to ${forWhat}.`);
  return c.TEMPORAL_ADDRESS;
}

export async function connectClient(address: string, c: EnvConfig): Promise<{ client: Client; connection: Connection }> {
  const connection = await Connection.connect({ address, tls: temporalTls(c) });
  return { client: new Client({ connection, namespace: c.TEMPORAL_NAMESPACE }), connection };
}

export async function connectWorker(address: string, c: EnvConfig): Promise<NativeConnection> {
  return NativeConnection.connect({ address, tls: temporalTls(c) });
}

/** Runs `fn` with a client of the configured frontend and closes the connection after. */
export async function withClient<T>(c: EnvConfig, forWhat: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const { client, connection } = await connectClient(requireAddress(c, forWhat), c);
  try {
    return await fn(client);
  } finally {
    await connection.close();
  }
}
