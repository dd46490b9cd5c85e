/**
 * TLS to Temporal (issue 12): TEMPORAL_TLS_CERT, TEMPORAL_TLS_KEY and TEMPORAL_TLS_CA are read and
 * validated at start (core/env-config.ts) and used by the CLI's client and worker connections
 * (cli/temporal-connection.ts). Certificates are made here with openssl; the real dev server has
 * (test/helpers/temporal-env.ts) has no TLS of its own, so it sits behind a TLS terminator that demands a client certificate signed
 * by the test CA — the mutual TLS a deployment's frontend asks for — and a whole night runs through it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOrJoinNight } from '../cli/run-night.js';
import { connectClient, connectWorker } from '../cli/temporal-connection.js';
import { createWorker } from '../cli/worker.js';
import { readEnvConfig } from '../core/env-config.js';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startTemporal, uniqueQueue } from './helpers/temporal-env.js';

/** A CA, a server certificate for localhost and a client certificate, all PEM files in `dir`. */
function makeCertificates(dir: string): Record<'ca' | 'serverCert' | 'serverKey' | 'clientCert' | 'clientKey' | 'otherCaCert', string> {
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ca = (name: string) => ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '2', '-subj', `/CN=${name}`);
  const leaf = (name: string, ext: string) => {
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
    writeFileSync(join(dir, `${name}.ext`), ext);
    ssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '2', '-extfile', `${name}.ext`);
  };
  ca('ca');
  ca('other-ca');
  leaf('server', 'subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth\n');
  leaf('client', 'extendedKeyUsage=clientAuth\n');
  const p = (f: string) => join(dir, f);
  return { ca: p('ca.pem'), serverCert: p('server.pem'), serverKey: p('server.key'), clientCert: p('client.pem'), clientKey: p('client.key'), otherCaCert: p('other-ca.pem') };
}

describe('TLS settings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'csc-kpi-tls-'));
  const pem = makeCertificates(dir);
  const base = { TEMPORAL_ADDRESS: 'temporal:7233' };

  it('reads the three PEM files, cert and key together', () => {
    const c = readEnvConfig({ ...base, TEMPORAL_TLS_CA: pem.ca, TEMPORAL_TLS_CERT: pem.clientCert, TEMPORAL_TLS_KEY: pem.clientKey });
    expect(c.TEMPORAL_TLS_CA?.path).toBe(pem.ca);
    expect(c.TEMPORAL_TLS_CERT?.pem.toString()).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(c.TEMPORAL_TLS_KEY?.pem.toString()).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(readEnvConfig({ ...base, TEMPORAL_TLS_CA: pem.ca }).TEMPORAL_TLS_CERT).toBeUndefined(); // server-authenticated TLS only
  });

  it('refuses a missing file, a file that is not PEM, a key where the certificate belongs, half a pair, or TLS without an address', () => {
    expect(() => readEnvConfig({ ...base, TEMPORAL_TLS_CA: join(dir, 'nope.pem') })).toThrow(`TEMPORAL_TLS_CA: cannot read ${join(dir, 'nope.pem')} (ENOENT)`);
    writeFileSync(join(dir, 'notes.txt'), 'not a certificate\n');
    expect(() => readEnvConfig({ ...base, TEMPORAL_TLS_CA: join(dir, 'notes.txt') })).toThrow(/TEMPORAL_TLS_CA: .*notes\.txt does not look like a PEM certificate/);
    expect(() => readEnvConfig({ ...base, TEMPORAL_TLS_CERT: pem.clientKey, TEMPORAL_TLS_KEY: pem.clientKey })).toThrow(/TEMPORAL_TLS_CERT: .*client\.key does not look like a PEM certificate/);
    expect(() => readEnvConfig({ ...base, TEMPORAL_TLS_CERT: pem.clientCert, TEMPORAL_TLS_KEY: pem.clientCert })).toThrow(/TEMPORAL_TLS_KEY: .*client\.pem does not look like a PEM private key/);
    expect(() => readEnvConfig({ ...base, TEMPORAL_TLS_CERT: pem.clientCert })).toThrow('TEMPORAL_TLS_KEY: TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together');
    expect(() => readEnvConfig({ ...base, TEMPORAL_TLS_KEY: pem.clientKey })).toThrow('TEMPORAL_TLS_CERT: TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together');
    execFileSync('openssl', ['pkcs8', '-topk8', '-in', pem.clientKey, '-out', join(dir, 'locked.key'), '-passout', 'pass:x'], { stdio: 'pipe' });
    expect(() => readEnvConfig({ ...base, TEMPORAL_TLS_CERT: pem.clientCert, TEMPORAL_TLS_KEY: join(dir, 'locked.key') })).toThrow(/TEMPORAL_TLS_KEY: .*locked\.key is an encrypted private key/);
    expect(() => readEnvConfig({ TEMPORAL_TLS_CA: pem.ca })).toThrow('TEMPORAL_ADDRESS: TLS settings are given but no TEMPORAL_ADDRESS');
  });
});

describe('client and worker connections over mutual TLS', () => {
  let env: TestWorkflowEnvironment;
  let terminator: Server;
  let address: string;
  let pem: ReturnType<typeof makeCertificates>;

  beforeAll(async () => {
    pem = makeCertificates(mkdtempSync(join(tmpdir(), 'csc-kpi-tls-')));
    env = await startTemporal();
    const [host, port] = env.address.split(':') as [string, string];
    const read = (f: string) => readFile(f);
    terminator = createServer(
      { key: await read(pem.serverKey), cert: await read(pem.serverCert), ca: await read(pem.ca), requestCert: true, rejectUnauthorized: true, ALPNProtocols: ['h2'] },
      (tls) => {
        const plain = connect(Number(port), host);
        tls.pipe(plain).pipe(tls);
        tls.on('error', () => plain.destroy());
        plain.on('error', () => tls.destroy());
      },
    );
    terminator.on('tlsClientError', () => undefined);
    await new Promise<void>((r) => terminator.listen(0, '127.0.0.1', r));
    address = `127.0.0.1:${(terminator.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    terminator?.close();
    await env?.teardown();
  });

  const settings = (extra: Record<string, string> = {}) =>
    readEnvConfig({ TEMPORAL_ADDRESS: address, TEMPORAL_TLS_CA: pem.ca, TEMPORAL_TLS_CERT: pem.clientCert, TEMPORAL_TLS_KEY: pem.clientKey, TEMPORAL_TLS_SERVER_NAME: 'localhost', ...extra });

  it('runs a night with the client and the worker both connected through TLS with the configured certificates', async () => {
    const root = await mkdtemp(join(tmpdir(), 'csc-kpi-tls-night-'));
    const landing = join(root, 'landing');
    const home = join(root, 'home');
    await mkdir(join(landing, 'case-system'), { recursive: true });
    await writeFile(join(landing, 'case-system', 'referrals_2015-02-28.csv'), 'Child Unique ID,Date of referral\r\nC1,02/02/2015\r\n');
    const c = settings();
    const { client, connection } = await connectClient(address, c);
    const workerConnection = await connectWorker(address, c);
    try {
      const taskQueue = uniqueQueue('tls');
      const worker = await createWorker({ connection: workerConnection, served: [{ landing, home }], taskQueue });
      const result = await worker.runUntil(startOrJoinNight(client, { asOf: '2015-02-28', landing, home }, taskQueue));
      expect(result.rowsLoaded).toBe(1);
    } finally {
      await workerConnection.close();
      await connection.close();
    }
  });

  it('cannot connect without a client certificate, nor when trusting another CA', async () => {
    const withoutCert = readEnvConfig({ TEMPORAL_ADDRESS: address, TEMPORAL_TLS_CA: pem.ca, TEMPORAL_TLS_SERVER_NAME: 'localhost' });
    await expect(connectWorker(address, withoutCert)).rejects.toThrow();
    await expect(connectWorker(address, settings({ TEMPORAL_TLS_CA: pem.otherCaCert }))).rejects.toThrow();
    // The terminator speaks only TLS: a plain connection (no TLS settings) gets nowhere either.
    await expect(connectWorker(address, readEnvConfig({ TEMPORAL_ADDRESS: address }))).rejects.toThrow();
  });
});
