// RSA_PAD, MTProto 2.0's encryption of p_q_inner_data for req_DH_params (core.telegram.org/mtproto/auth_key,
// step 4), both halves: the client encrypts with the server's public key, the server decrypts with its
// private key. The server also accepts the legacy scheme (SHA1(data) + data + random, raw RSA), which
// older clients still send.
import { aesIgeDecrypt, aesIgeEncrypt } from '../../bindings/aes.ts';
import { modPow } from '../../bindings/bigint.ts';
import { sha1, sha256 } from '../../bindings/sha.ts';
import { SecurityError } from '../errors.ts';
import { bigintFromBytes, bigintToBytes, concatBytes, constantTimeEqual, randomBytes, xorBytes } from './bytes.ts';
import { modInverse } from './primes.ts';
import type { RsaPrivateKey, RsaPublicKey } from './rsa.ts';

const ZERO_IV = new Uint8Array(32);
export const RSA_PAD_MAX_DATA = 144;

/** Encrypts `data` (≤ 144 bytes of TL) for `key`. `random` is injectable for known-answer tests. */
export function rsaPadEncrypt(data: Uint8Array, key: RsaPublicKey, random: (n: number) => Uint8Array = randomBytes): Uint8Array {
  if (data.length > RSA_PAD_MAX_DATA) throw new RangeError(`data must be at most ${RSA_PAD_MAX_DATA} bytes for RSA_PAD, got ${data.length}`);
  const dataWithPadding = concatBytes(data, random(192 - data.length));
  const dataPadReversed = dataWithPadding.slice().reverse();
  // Each temp_key gives a value below n with probability > 1/2 for a 2048-bit n: 64 misses mean a broken key or RNG.
  for (let attempt = 0; attempt < 64; attempt++) {
    const tempKey = random(32);
    const dataWithHash = concatBytes(dataPadReversed, sha256(concatBytes(tempKey, dataWithPadding)));
    const aesEncrypted = aesIgeEncrypt(dataWithHash, tempKey, ZERO_IV);
    const tempKeyXor = xorBytes(tempKey, sha256(aesEncrypted));
    const keyAesEncrypted = bigintFromBytes(concatBytes(tempKeyXor, aesEncrypted));
    if (keyAesEncrypted >= key.n) continue; // the spec: pick another temp_key
    return bigintToBytes(modPow(keyAesEncrypted, key.e, key.n), 256);
  }
  throw new SecurityError('rsa_key', 'RSA_PAD found no value below the modulus in 64 attempts');
}

export type RsaDecrypted =
  | { scheme: 'rsa_pad'; /** the 192 bytes: TL data followed by random padding */ dataWithPadding: Uint8Array }
  | { scheme: 'legacy'; /** SHA1(data) (20 bytes) + data + random padding: the caller parses data and checks the hash */ withHash: Uint8Array };

/** Server side: decrypts req_DH_params.encrypted_data with the private key, recognising either scheme. */
export function rsaDecrypt(encrypted: Uint8Array, key: RsaPrivateKey): RsaDecrypted {
  if (encrypted.length > 256) throw new SecurityError('encrypted_data', `expected at most 256 bytes, got ${encrypted.length}`);
  const c = bigintFromBytes(encrypted);
  if (c >= key.n) throw new SecurityError('encrypted_data', 'value is not below the RSA modulus');
  const plain = bigintToBytes(blindedPrivate(c, key), 256);

  const tempKeyXor = plain.subarray(0, 32);
  const aesEncrypted = plain.subarray(32);
  const tempKey = xorBytes(tempKeyXor, sha256(aesEncrypted));
  const dataWithHash = aesIgeDecrypt(aesEncrypted, tempKey, ZERO_IV);
  const dataWithPadding = dataWithHash.slice(0, 192).reverse();
  if (constantTimeEqual(dataWithHash.subarray(192), sha256(concatBytes(tempKey, dataWithPadding)))) {
    return { scheme: 'rsa_pad', dataWithPadding };
  }
  // Legacy scheme: the 255-byte SHA1(data) + data + padding, raw RSA. Its leading byte is zero.
  if (plain[0] === 0) return { scheme: 'legacy', withHash: plain.subarray(1) };
  throw new SecurityError('encrypted_data', 'neither an RSA_PAD nor a legacy RSA payload (hash mismatch)');
}

/**
 * c^d mod n with RSA blinding: the exponentiation (not constant-time) runs on c·r^e for a fresh random r,
 * so its timing says nothing about c and d together; the result is checked against c before use.
 */
function blindedPrivate(c: bigint, key: RsaPrivateKey): bigint {
  const r = 2n + (bigintFromBytes(randomBytes(264)) % (key.n - 3n));
  const blinded = (c * modPow(r, key.e, key.n)) % key.n;
  const m = (modPow(blinded, key.d, key.n) * modInverse(r, key.n)) % key.n;
  if (modPow(m, key.e, key.n) !== c) throw new SecurityError('rsa_key', 'private-key operation failed its check');
  return m;
}

/** Legacy scheme, client side (for tests and old-protocol peers): SHA1(data) + data + random, raw RSA. */
export function rsaLegacyEncrypt(data: Uint8Array, key: RsaPublicKey, random: (n: number) => Uint8Array = randomBytes): Uint8Array {
  if (data.length > 255 - 20) throw new RangeError(`data must be at most 235 bytes, got ${data.length}`);
  const block = concatBytes(sha1(data), data, random(255 - 20 - data.length));
  return bigintToBytes(modPow(bigintFromBytes(block), key.e, key.n), 256);
}
