// Shared setup for the key-exchange tests: a freshly generated server RSA key (node:crypto).
import { generateKeyPairSync } from 'node:crypto';
import { parsePrivateKeyPem, type RsaPrivateKey, type RsaPublicKey } from '../../src/crypto/rsa.ts';

let cached: RsaPrivateKey | undefined;

/** A 2048-bit server key whose fingerprint's top hex digit is not 0 (mtcute and others mishandle those). */
export function serverKey(): RsaPrivateKey {
  while (!cached) {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const key = parsePrivateKeyPem(privateKey.export({ format: 'pem', type: 'pkcs1' }) as string);
    if (BigInt.asUintN(64, key.fingerprint) >> 60n !== 0n) cached = key;
  }
  return cached;
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
