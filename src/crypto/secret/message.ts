// End-to-end encryption of secret-chat messages, MTProto 2.0 (core.telegram.org/api/end-to-end):
//   payload      = length (4 bytes LE, of data) + data + 12..1024 random bytes, a multiple of 16
//   msg_key      = SHA256(key[88+x : 120+x] + payload)[8:24]
//   aes key, iv  = the MTProto 2.0 KDF over msg_key and key with the same x
//   message      = key_fingerprint (8) + msg_key (16) + AES-256-IGE(payload)
// x = 0 for messages from the chat's originator (admin), 8 for the other direction.
// Receipt: fingerprint of a key we hold, then decrypt, then msg_key recomputed over the whole payload and
// compared in constant time; only after it matched are length and padding looked at (so the checks on
// unauthenticated bytes reveal nothing). Each failure is a SecurityError naming its check.
import { aesIgeDecrypt, aesIgeEncrypt } from '../../../bindings/aes.ts';
import { sha1 } from '../../../bindings/sha.ts';
import { SecurityError } from '../../errors.ts';
import { constantTimeEqual, randomBytes } from '../bytes.ts';
import { messageAesKeyIv, messageKey } from '../kdf.ts';

/** A secret chat key (256 bytes) with its key_fingerprint (low 64 bits of SHA-1, the 8 wire bytes and as a long). */
export interface SecretKey {
  readonly key: Uint8Array;
  /** sha1(key)[12:20], as sent in front of each encrypted message. */
  readonly fingerprintBytes: Uint8Array;
  /** The same 8 bytes as a signed little-endian long (the TL `key_fingerprint:long`). */
  readonly fingerprint: bigint;
}

export const SECRET_KEY_LENGTH = 256;
/** Bounds of the random padding (MTProto 2.0). */
export const MIN_PADDING = 12;
export const MAX_PADDING = 1024;
/** key_fingerprint (8) + msg_key (16). */
export const SECRET_HEADER = 24;

function readLong(b: Uint8Array, at: number): bigint {
  return new DataView(b.buffer, b.byteOffset + at, 8).getBigInt64(0, true);
}

/** Wraps a 256-byte key (a shorter DH result must be left-padded with zeros first: see secretDhKey). */
export function secretKey(key: Uint8Array): SecretKey {
  if (!(key instanceof Uint8Array)) throw new TypeError('key must be a Uint8Array');
  if (key.length !== SECRET_KEY_LENGTH) throw new RangeError(`key must be ${SECRET_KEY_LENGTH} bytes, got ${key.length}`);
  const fingerprintBytes = sha1(key).slice(12, 20);
  return { key: key.slice(), fingerprintBytes, fingerprint: readLong(fingerprintBytes, 0) };
}

/** key_fingerprint of a key: the low 64 bits of SHA-1(key) as a signed long. */
export function secretKeyFingerprint(key: Uint8Array): bigint {
  return secretKey(key).fingerprint;
}

/** The key_fingerprint in front of an encrypted message (to pick the key), or undefined when too short. */
export function peekKeyFingerprint(message: Uint8Array): bigint | undefined {
  return message.length >= 8 ? readLong(message, 0) : undefined;
}

/** Random padding length: at least 12, total a multiple of 16, plus 0..3 random extra blocks. */
function paddingFor(dataLength: number): number {
  const base = MIN_PADDING + ((16 - ((4 + dataLength + MIN_PADDING) % 16)) % 16);
  return base + 16 * (randomBytes(1)[0] & 3);
}

/** Encrypts one serialized decryptedMessageLayer (or any TL bytes) for the peer. */
export function encryptSecretMessage(k: SecretKey, data: Uint8Array, x: 0 | 8): Uint8Array<ArrayBuffer> {
  if (!(data instanceof Uint8Array)) throw new TypeError('data must be a Uint8Array');
  if (data.length % 4 !== 0) throw new RangeError(`data must be TL bytes (a multiple of 4), got ${data.length}`);
  const pad = paddingFor(data.length);
  const payload = new Uint8Array(4 + data.length + pad);
  new DataView(payload.buffer).setUint32(0, data.length, true);
  payload.set(data, 4);
  payload.set(randomBytes(pad), 4 + data.length);
  const msgKey = messageKey(k.key, payload, x);
  const { key, iv } = messageAesKeyIv(k.key, msgKey, x);
  const out = new Uint8Array(SECRET_HEADER + payload.length);
  out.set(k.fingerprintBytes, 0);
  out.set(msgKey, 8);
  out.set(aesIgeEncrypt(payload, key, iv), SECRET_HEADER);
  return out;
}

/**
 * Decrypts a message the peer encrypted with key k (the caller chose k by its fingerprint). Returns the data
 * (the TL bytes). SecurityError 'key_fingerprint' | 'length' | 'msg_key' | 'padding' otherwise.
 */
export function decryptSecretMessage(k: SecretKey, message: Uint8Array, x: 0 | 8): Uint8Array<ArrayBuffer> {
  if (!(message instanceof Uint8Array)) throw new TypeError('message must be a Uint8Array');
  const body = message.length - SECRET_HEADER;
  if (body < 16 || body % 16 !== 0) throw new SecurityError('length', `encrypted part of ${body} bytes is not a positive multiple of 16`);
  if (!constantTimeEqual(message.subarray(0, 8), k.fingerprintBytes)) throw new SecurityError('key_fingerprint', 'the message is not encrypted with this key');
  const msgKey = message.subarray(8, 24);
  const { key, iv } = messageAesKeyIv(k.key, msgKey, x);
  const payload = aesIgeDecrypt(message.subarray(SECRET_HEADER), key, iv);
  if (!constantTimeEqual(messageKey(k.key, payload, x), msgKey)) throw new SecurityError('msg_key', 'msg_key does not match the decrypted payload');
  const length = new DataView(payload.buffer).getUint32(0, true);
  const pad = payload.length - 4 - length;
  if (length % 4 !== 0 || length > payload.length - 4) throw new SecurityError('length', `data length ${length} does not fit the ${payload.length}-byte payload`);
  if (pad < MIN_PADDING || pad > MAX_PADDING) throw new SecurityError('padding', `${pad} padding bytes, not in ${MIN_PADDING}..${MAX_PADDING}`);
  return payload.slice(4, 4 + length);
}
