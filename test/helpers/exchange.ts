// Shared setup for the key-exchange tests: a freshly generated server RSA key (node:crypto).
import type { RsaPrivateKey, RsaPublicKey } from '../../src/crypto/rsa.ts';
import { generateServerKey } from '../../src/server/server-key.ts';

let cached: RsaPrivateKey | undefined;

/** A 2048-bit server key (shared by the tests of one process), as the server generates them. */
export function serverKey(): RsaPrivateKey {
  return (cached ??= generateServerKey().key);
}

export function publicHalf(key: RsaPrivateKey): RsaPublicKey {
  return { n: key.n, e: key.e, fingerprint: key.fingerprint };
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: timed out after ${ms} ms`)), ms))),
  ]);
}
