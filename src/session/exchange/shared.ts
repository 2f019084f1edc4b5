// Pieces both halves of the auth key exchange use: the SHA-1-prefixed AES-IGE envelopes of
// server_DH_inner_data and client_DH_inner_data, TL parsing that turns malformed input into a
// SecurityError naming the step, and small byte helpers.
import { aesIgeDecrypt, aesIgeEncrypt } from '../../../bindings/aes.ts';
import { sha1 } from '../../../bindings/sha.ts';
import { concatBytes, constantTimeEqual, randomBytes } from '../../crypto/bytes.ts';
import { MtprotoError, SecurityError } from '../../errors.ts';
import { deserialize } from '../../tl/codec.ts';
import type { TlByName } from '../../tl/generated/types.ts';
import { readTlPrefix } from './tl-prefix.ts';

/** What random bytes are for: tests inject known values per purpose (the official sample's nonce, b…). */
export type RandomPurpose = 'nonce' | 'server_nonce' | 'new_nonce' | 'rsa_pad' | 'a' | 'b' | 'padding' | 'pq';
export type RandomSource = (length: number, purpose: RandomPurpose) => Uint8Array;
export const secureRandom: RandomSource = (length) => randomBytes(length);

/** The constructors a step accepts, narrowed by name. */
export type TlName = keyof TlByName;
export type TlOf<N extends TlName> = TlByName[N];

/** Parses a whole message body that must be one of `names`; anything else is SecurityError(check). */
export function parseBody<N extends TlName>(body: Uint8Array, names: readonly N[], check: string): TlOf<N> {
  let value: { _: string };
  try {
    value = deserialize(body) as { _: string };
  } catch (error) {
    throw new SecurityError(check, `malformed TL: ${(error as Error).message}`);
  }
  if (!(names as readonly string[]).includes(value._)) throw new SecurityError(check, `expected ${names.join(' or ')}, got ${value._}`);
  return value as unknown as TlOf<N>;
}

/** Like parseBody, for a TL object followed by padding; also returns the object's exact bytes. */
export function parsePrefix<N extends TlName>(bytes: Uint8Array, names: readonly N[], check: string): { value: TlOf<N>; raw: Uint8Array } {
  let parsed: { value: { _: string }; length: number };
  try {
    parsed = readTlPrefix(bytes);
  } catch (error) {
    throw new SecurityError(check, `malformed TL: ${(error as Error).message}`);
  }
  if (!(names as readonly string[]).includes(parsed.value._)) throw new SecurityError(check, `expected ${names.join(' or ')}, got ${parsed.value._}`);
  return { value: parsed.value as unknown as TlOf<N>, raw: bytes.subarray(0, parsed.length) };
}

/** AES-256-IGE(SHA1(data) + data + 0..15 random bytes to a multiple of 16), the handshake's envelope. */
export function encryptWithHash(data: Uint8Array, key: Uint8Array, iv: Uint8Array, random: RandomSource): Uint8Array {
  const padLength = (16 - ((20 + data.length) % 16)) % 16;
  return aesIgeEncrypt(concatBytes(sha1(data), data, random(padLength, 'padding')), key, iv);
}

/**
 * Opens an envelope made by encryptWithHash and parses the TL object inside. The SHA-1 is checked over
 * exactly the object's bytes (SecurityError 'answer_hash'); the padding must be shorter than 16 bytes.
 */
export function decryptWithHash<N extends TlName>(
  encrypted: Uint8Array,
  key: Uint8Array,
  iv: Uint8Array,
  names: readonly N[],
  check: string,
  hashCheck = 'answer_hash',
): TlOf<N> {
  if (encrypted.length === 0 || encrypted.length % 16 !== 0) {
    throw new SecurityError(check, `encrypted length ${encrypted.length} is not a positive multiple of 16`);
  }
  const plain = aesIgeDecrypt(encrypted, key, iv);
  const { value, raw } = parsePrefix(plain.subarray(20), names, check);
  if (!constantTimeEqual(sha1(raw), plain.subarray(0, 20))) throw new SecurityError(hashCheck, `SHA-1 of ${value._} does not match`);
  const padding = plain.length - 20 - raw.length;
  if (padding >= 16) throw new SecurityError(check, `${padding} bytes of padding after ${value._} (at most 15)`);
  return value;
}

/** Constant-time equality that names the check on failure. */
export function expectEqual(check: string, got: Uint8Array, expected: Uint8Array, what = check): void {
  if (!constantTimeEqual(got, expected)) throw new SecurityError(check, `${what} does not match`);
}

/** 8 wire bytes (LE) → signed int64, how TL `long` fields read. */
export function int64le(bytes: Uint8Array): bigint {
  return new DataView(bytes.buffer, bytes.byteOffset, 8).getBigInt64(0, true);
}

export function hex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += (b < 16 ? '0' : '') + b.toString(16);
  return s;
}

/** The server answered dh_gen_fail or server_DH_params_fail (authentic, but the exchange did not complete). */
export class ExchangeFailedError extends MtprotoError {
  override name = 'ExchangeFailedError';
}
