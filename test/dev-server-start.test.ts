/**
 * The embedded dev server (cli/dev-server.ts) on ports found free: one taken by another process
 * before the server binds it makes the server exit at once, as happened once in the full test run
 * (a Go panic, exit 2). It is started again on other ports; a port given is not changed, and the
 * error then says why the server stopped (the panic's first line, not only its stack).
 */
import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Connection } from '@temporalio/client';
import { startDevServer } from '../cli/dev-server.js';
import { temporalBinary } from '../cli/temporal-binary.js';

/** A Temporal CLI that fails its first `failures` starts the way a taken port does, then is the real one. */
async function flakyCli(failures: number): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'csc-kpi-dev-server-'));
  const script = join(dir, 'temporal');
  await writeFile(
    script,
    [
      '#!/bin/sh',
      `n=$(cat "${dir}/starts" 2>/dev/null || echo 0)`,
      `echo $((n + 1)) > "${dir}/starts"`,
      `if [ "$n" -lt ${failures} ]; then echo 'panic: listen tcp 127.0.0.1:7233: bind: address already in use' >&2; i=0; while [ $i -lt 300 ]; do echo "goroutine frame $i" >&2; i=$((i + 1)); done; exit 2; fi`,
      `exec "${temporalBinary()}" "$@"`,
      '',
    ].join('\n'),
  );
  await chmod(script, 0o755);
  return script;
}

describe('the embedded dev server', () => {
  it('starts again on other ports when it exits at once', async () => {
    const server = await startDevServer({ temporalCli: await flakyCli(2) });
    try {
      const conn = await Connection.connect({ address: server.address });
      await conn.close();
    } finally {
      await server.stop();
    }
  });

  it('gives up after three starts, or at once on a port given, saying why it stopped', async () => {
    await expect(startDevServer({ temporalCli: await flakyCli(3) })).rejects.toThrow(/exited \(2\): panic: listen tcp .* address already in use/);
    await expect(startDevServer({ temporalCli: await flakyCli(1), port: 7399 })).rejects.toThrow(/address already in use/);
  });
});
