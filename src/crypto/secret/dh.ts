// Diffie–Hellman for secret chats (core.telegram.org/api/end-to-end, "Key Generation"; re-keying in
// /api/end-to-end/pfs): the same checks on p, g, g_a and g_b as for the auth key (../dh.ts), a 2048-bit
// secret exponent from our CSPRNG XOR the server's random bytes (messages.getDhConfig random; the server's
// bytes are only mixed in, never used alone), key = g_b^a mod p left-padded to 256 bytes.
import { modPow } from '../../../bindings/bigint.ts';
import { SecurityError } from '../../errors.ts';
import { bigintFromBytes, bigintToBytes, randomBytes, xorBytes } from '../bytes.ts';
import { checkDhGenerator, checkDhPrime, checkDhPublicValue } from '../dh.ts';
import { SECRET_KEY_LENGTH } from './message.ts';

export interface DhParams {
  g: number;
  p: bigint;
}

/** Every check on the DH configuration from messages.getDhConfig (SecurityError 'dh_prime' / 'dh_g'). */
export function checkSecretDhConfig(params: DhParams): void {
  checkDhPrime(params.p);
  checkDhGenerator(params.g, params.p);
}

/** One side of a DH exchange: the secret exponent and its public value g^a mod p (256 bytes). */
export interface DhHalf {
  readonly exponent: bigint;
  readonly publicValue: Uint8Array;
}

/**
 * A fresh exponent (256 random bytes XOR serverRandom, when given; at least 256 bytes of it are used) and
 * g^exponent, redrawn in the unlikely case g^a falls outside the safe range the peer will check.
 */
export function createDhHalf(params: DhParams, serverRandom?: Uint8Array): DhHalf {
  if (serverRandom !== undefined && (!(serverRandom instanceof Uint8Array) || serverRandom.length < SECRET_KEY_LENGTH)) {
    throw new RangeError(`serverRandom must be at least ${SECRET_KEY_LENGTH} bytes`);
  }
  for (;;) {
    let a = randomBytes(SECRET_KEY_LENGTH);
    if (serverRandom !== undefined) a = xorBytes(a, serverRandom.subarray(0, SECRET_KEY_LENGTH));
    const exponent = bigintFromBytes(a);
    if (exponent <= 1n) continue;
    const g = modPow(BigInt(params.g), exponent, params.p);
    try {
      checkDhPublicValue('g_a', g, params.p);
    } catch {
      continue;
    }
    return { exponent, publicValue: bigintToBytes(g, SECRET_KEY_LENGTH) };
  }
}

/** The shared key from the peer's public value (checked: 'g_a' or 'g_b'), 256 bytes. */
export function secretDhKey(params: DhParams, own: DhHalf, peerPublic: Uint8Array, name: 'g_a' | 'g_b'): Uint8Array<ArrayBuffer> {
  if (!(peerPublic instanceof Uint8Array)) throw new SecurityError(name, 'not bytes');
  if (peerPublic.length > SECRET_KEY_LENGTH) throw new SecurityError(name, `${peerPublic.length} bytes, more than ${SECRET_KEY_LENGTH}`);
  const y = bigintFromBytes(peerPublic);
  checkDhPublicValue(name, y, params.p);
  return bigintToBytes(modPow(y, own.exponent, params.p), SECRET_KEY_LENGTH);
}
