/**
 * The manifest signature on its own (core/manifest-signature.ts) and the signing key setting
 * (core/env-config.ts): pure, no files.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkManifestSignature, signatureInfo, signingKeyId, signManifest } from '../core/manifest-signature.js';
import { readEnvConfig, readSigningKey } from '../core/env-config.js';

const KEY = 'b5f0c8e2a91d4f3e8c7b6a5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f';
const OTHER = '0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0';
const MANIFEST = Buffer.from('{\n  "snapshot_id": "2015-02-28_x",\n  "files": { "metrics.json": "aa" }\n}\n');

describe('manifest signature', () => {
  it('is the hex HMAC-SHA256 of the manifest bytes under the key', () => {
    expect(signManifest(MANIFEST, KEY)).toBe(`${createHmac('sha256', KEY).update(MANIFEST).digest('hex')}\n`);
    expect(signManifest(MANIFEST, KEY)).toMatch(/^[0-9a-f]{64}\n$/);
  });

  it('verifies with the key it was signed with', () => {
    const check = checkManifestSignature({ manifestBytes: MANIFEST, declared: signatureInfo(KEY), signature: signManifest(MANIFEST, KEY), key: KEY });
    expect(check).toEqual({ status: 'signed', problems: [] });
  });

  it('is tampered when one byte of the manifest changed after signing', () => {
    const edited = Buffer.from(MANIFEST.toString().replace('"aa"', '"ab"'));
    const check = checkManifestSignature({ manifestBytes: edited, declared: signatureInfo(KEY), signature: signManifest(MANIFEST, KEY), key: KEY });
    expect(check.status).toBe('tampered');
    expect(check.problems).toEqual(['manifest.json does not match its signature in manifest.sig: it was edited after it was signed, or signed with another key']);
  });

  it('is tampered under another key, naming both key ids (never the keys)', () => {
    const check = checkManifestSignature({ manifestBytes: MANIFEST, declared: signatureInfo(KEY), signature: signManifest(MANIFEST, KEY), key: OTHER });
    expect(check.status).toBe('tampered');
    expect(check.problems[0]).toContain(`signed with another key (key id ${signingKeyId(KEY)})`);
    expect(check.problems[0]).toContain(`not this CSC_KPI_SIGNING_KEY (key id ${signingKeyId(OTHER)})`);
    expect(check.problems[0]).not.toContain(KEY);
    expect(check.problems[0]).not.toContain(OTHER);
  });

  it('is tampered when a manifest that says it was signed has lost its manifest.sig', () => {
    const check = checkManifestSignature({ manifestBytes: MANIFEST, declared: signatureInfo(KEY), signature: null, key: KEY });
    expect(check).toEqual({ status: 'tampered', problems: ['manifest.sig is missing, but manifest.json says the snapshot was signed'] });
  });

  it('is tampered when a signature is present but the manifest no longer claims one (the claim was cut out)', () => {
    const check = checkManifestSignature({ manifestBytes: MANIFEST, declared: undefined, signature: signManifest(Buffer.from('{"signature":{}}'), KEY), key: KEY });
    expect(check.status).toBe('tampered');
  });

  it('is unsigned when there is neither a signature nor a claim of one, with or without a key here', () => {
    expect(checkManifestSignature({ manifestBytes: MANIFEST, declared: undefined, signature: null, key: KEY })).toEqual({ status: 'unsigned', problems: [] });
    expect(checkManifestSignature({ manifestBytes: MANIFEST, declared: undefined, signature: null, key: null })).toEqual({ status: 'unsigned', problems: [] });
  });

  it('is unchecked when signed but there is no key here', () => {
    const check = checkManifestSignature({ manifestBytes: MANIFEST, declared: signatureInfo(KEY), signature: signManifest(MANIFEST, KEY), key: null });
    expect(check).toEqual({ status: 'unchecked', problems: [] });
  });

  it('refuses a manifest.sig that is not 64 hex digits', () => {
    const check = checkManifestSignature({ manifestBytes: MANIFEST, declared: signatureInfo(KEY), signature: 'not a signature', key: KEY });
    expect(check).toEqual({ status: 'tampered', problems: ['manifest.sig is not a signature (64 hex digits)'] });
  });
});

describe('CSC_KPI_SIGNING_KEY', () => {
  it('is optional: unset or empty means unsigned', () => {
    expect(readSigningKey({})).toBeNull();
    expect(readSigningKey({ CSC_KPI_SIGNING_KEY: '' })).toBeNull();
    expect(readEnvConfig({ CSC_KPI_SIGNING_KEY: '' }).CSC_KPI_SIGNING_KEY).toBeUndefined();
  });

  it('accepts a key of 32 characters or more', () => {
    expect(readSigningKey({ CSC_KPI_SIGNING_KEY: KEY })).toBe(KEY);
    expect(readEnvConfig({ CSC_KPI_SIGNING_KEY: KEY }).CSC_KPI_SIGNING_KEY).toBe(KEY);
  });

  it('refuses a short or repetitive key, naming the variable and the fix but not the value', () => {
    const short = 'secret-but-short';
    expect(() => readSigningKey({ CSC_KPI_SIGNING_KEY: short })).toThrow(
      'Bad environment settings: CSC_KPI_SIGNING_KEY: at least 32 characters; make one with: openssl rand -hex 32',
    );
    expect(() => readEnvConfig({ CSC_KPI_SIGNING_KEY: short })).toThrow(/CSC_KPI_SIGNING_KEY: at least 32 characters/);
    expect(() => readSigningKey({ CSC_KPI_SIGNING_KEY: 'a'.repeat(40) })).toThrow(/CSC_KPI_SIGNING_KEY: too little variety/);
    try {
      readSigningKey({ CSC_KPI_SIGNING_KEY: short });
    } catch (e) {
      expect((e as Error).message).not.toContain(short);
    }
  });
});
