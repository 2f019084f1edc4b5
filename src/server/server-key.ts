// The server's RSA key: loaded from a PEM file, or generated and saved (private key with mode 0600,
// the public half beside it as `<file>.pub`, PKCS#1 as Telegram publishes its keys).
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parsePrivateKeyPem, publicKeyToPem, type RsaPrivateKey } from '../crypto/rsa.ts';

export interface ServerKey {
  key: RsaPrivateKey;
  /** PKCS#1 PEM of the private key. */
  privatePem: string;
  /** PKCS#1 PEM of the public half: what clients must pin. */
  publicPem: string;
  /** Where the key was read from or saved to, if anywhere. */
  path?: string;
  created: boolean;
}

/** The fingerprint as clients print it: unsigned 64-bit, 16 hex digits. */
export function fingerprintHex(fingerprint: bigint): string {
  return BigInt.asUintN(64, fingerprint).toString(16).padStart(16, '0');
}

/**
 * A fresh 2048-bit key. Some clients (mtcute, @mtproto/core) fail to match a fingerprint whose top hex
 * digit is 0 (they compare unpadded hex), so such keys are skipped.
 */
export function generateServerKey(): ServerKey {
  for (;;) {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 65537 });
    const privatePem = privateKey.export({ format: 'pem', type: 'pkcs1' }) as string;
    const key = parsePrivateKeyPem(privatePem);
    if (!fingerprintHex(key.fingerprint).startsWith('0')) return { key, privatePem, publicPem: publicKeyToPem(key), created: true };
  }
}

/** Reads the key at `path`; if there is none, generates one and saves it there (and `<path>.pub`). */
export function loadOrCreateServerKey(path?: string): ServerKey {
  if (path && existsSync(path)) {
    const privatePem = readFileSync(path, 'utf8');
    const key = parsePrivateKeyPem(privatePem);
    return { key, privatePem, publicPem: publicKeyToPem(key), path, created: false };
  }
  const generated = generateServerKey();
  if (path) {
    writeFileSync(path, generated.privatePem, { mode: 0o600 });
    writeFileSync(`${path}.pub`, generated.publicPem);
  }
  return { ...generated, path };
}
