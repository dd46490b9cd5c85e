/**
 * The signature of a snapshot's manifest: `manifest.sig` holds the hex HMAC-SHA256 of
 * manifest.json's exact bytes under the key in CSC_KPI_SIGNING_KEY. The manifest lists the
 * sha256 of every other file, so a valid signature vouches for the whole folder; without it,
 * anyone who can write the folder can edit metrics.json and its hash together.
 *
 * A signed manifest also names its key (`signature.key_id`, a one-way fingerprint of the key):
 * deleting manifest.sig from a signed snapshot is then tampering, not "unsigned", and a reader
 * with another key is told that, rather than only "does not match".
 *
 * Pure: the caller reads the files.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_FILE = 'manifest.sig';
export const SIGNATURE_ALGORITHM = 'HMAC-SHA256';

/** What a signed manifest says about its signature (inside the signed bytes). */
export interface ManifestSignatureInfo {
  algorithm: typeof SIGNATURE_ALGORITHM;
  key_id: string;
  file: typeof SIGNATURE_FILE;
}

/** A fingerprint of a key: names it without revealing it. */
export function signingKeyId(key: string): string {
  return createHmac('sha256', key).update('csc-kpi manifest signing key id').digest('hex').slice(0, 16);
}

export function signatureInfo(key: string): ManifestSignatureInfo {
  return { algorithm: SIGNATURE_ALGORITHM, key_id: signingKeyId(key), file: SIGNATURE_FILE };
}

/** The contents of manifest.sig for these manifest bytes. */
export function signManifest(manifestBytes: Buffer, key: string): string {
  return `${createHmac('sha256', key).update(manifestBytes).digest('hex')}\n`;
}

/**
 * - `signed`: the signature matches this key.
 * - `unsigned`: no signature and the manifest does not claim one (published without a key, or
 *   before signing existed). The hashes still hold, but the manifest itself is unproved.
 * - `unchecked`: signed, but there is no key here to check it with.
 * - `tampered`: a signature that does not match, a missing one the manifest claims, or one by
 *   another key.
 */
export type SignatureStatus = 'signed' | 'unsigned' | 'unchecked' | 'tampered';

export interface SignatureCheck {
  status: SignatureStatus;
  /** Why it is tampered (one phrase each), empty otherwise. */
  problems: string[];
}

const HEX_SIGNATURE = /^[0-9a-f]{64}\n?$/;

export function checkManifestSignature(input: {
  manifestBytes: Buffer;
  /** What the manifest says (its `signature` field), if anything. */
  declared: unknown;
  /** manifest.sig's text, or null when there is none. */
  signature: string | null;
  /** CSC_KPI_SIGNING_KEY here, or null when unset. */
  key: string | null;
}): SignatureCheck {
  const { manifestBytes, declared, signature, key } = input;
  const tampered = (problem: string): SignatureCheck => ({ status: 'tampered', problems: [problem] });
  const claimed = declared !== undefined && declared !== null;
  const keyId = claimed && typeof declared === 'object' ? (declared as { key_id?: unknown }).key_id : undefined;
  if (signature === null) {
    if (claimed) return tampered(`${SIGNATURE_FILE} is missing, but manifest.json says the snapshot was signed`);
    return { status: 'unsigned', problems: [] };
  }
  if (!HEX_SIGNATURE.test(signature)) return tampered(`${SIGNATURE_FILE} is not a signature (64 hex digits)`);
  if (!key) return { status: 'unchecked', problems: [] };
  if (typeof keyId === 'string' && keyId !== signingKeyId(key)) {
    return tampered(
      `manifest.json was signed with another key (key id ${keyId}), not this CSC_KPI_SIGNING_KEY (key id ${signingKeyId(key)}); if the key was changed, check it with the old key`,
    );
  }
  const expected = Buffer.from(signManifest(manifestBytes, key).trim(), 'hex');
  const given = Buffer.from(signature.trim(), 'hex');
  if (!timingSafeEqual(expected, given)) return tampered(`manifest.json does not match its signature in ${SIGNATURE_FILE}: it was edited after it was signed, or signed with another key`);
  return { status: 'signed', problems: [] };
}
