// Pure-TS twin of bindings/message.ts: MTProto 2.0 message encryption/decryption with the js SHA and AES
// twins, same names, signatures, checks and results. Its "arena" is a plain 4 MiB Uint8Array of its own
// (messageArena()), so code written against the in-place API runs unchanged on either build.
import { checkBlocks, checkBytes, checkInt64, checkLength } from '../../../bindings/checks.ts';
import {
  MESSAGE_CHECKS, MESSAGE_HEADER_SIZE, PLAINTEXT_HEADER_SIZE, firstFailedCheck,
  type LoadedAuthKey, type MessageArena, type MessageCheck, type MessageRegion,
} from '../../../bindings/message-checks.ts';
import { aesIgeDecrypt, aesIgeEncrypt } from './aes.ts';
import { sha1 } from './sha1.ts';
import { sha256 } from './sha256.ts';
import { concatBytes } from '../bytes.ts';
import { createMessageCrypto } from '../message-seal.ts';

export { MESSAGE_CHECKS, MESSAGE_HEADER_SIZE, PLAINTEXT_HEADER_SIZE, firstFailedCheck };
export type { LoadedAuthKey, MessageArena, MessageCheck, MessageRegion };

const ARENA_SIZE = 4 << 20;
const IO_SIZE = 1 << 20;
let arena: Uint8Array<ArrayBuffer> | undefined;
let io: Uint8Array<ArrayBuffer> | undefined;

class JsAuthKey implements LoadedAuthKey {
  readonly key: Uint8Array;
  readonly id: Uint8Array;
  #disposed = false;
  constructor(authKey: Uint8Array) {
    this.key = authKey.slice();
    this.id = sha1(this.key).slice(12, 20);
  }
  use(): JsAuthKey {
    if (this.#disposed) throw new Error('auth key used after dispose()');
    return this;
  }
  dispose(): void {
    this.#disposed = true;
    this.key.fill(0);
  }
}

export function loadAuthKey(authKey: Uint8Array): LoadedAuthKey {
  checkLength('authKey', authKey, 256);
  return new JsAuthKey(authKey);
}

function resolve(key: unknown): { key: Uint8Array; id: Uint8Array } {
  if (key instanceof JsAuthKey) return key.use();
  checkLength('authKey', key, 256);
  return { key, id: sha1(key).subarray(12, 20) };
}

function checkX(x: unknown): asserts x is 0 | 8 {
  if (x !== 0 && x !== 8) throw new RangeError(`x must be 0 (client to server) or 8 (server to client), got ${String(x)}`);
}

function checkPlaintextLength(plaintextLength: unknown): asserts plaintextLength is number {
  if (typeof plaintextLength !== 'number' || !Number.isSafeInteger(plaintextLength) || plaintextLength < 48 || plaintextLength % 16 !== 0) {
    throw new RangeError(`plaintextLength must be a multiple of 16 and at least 48, got ${String(plaintextLength)}`);
  }
}

function checkOffset(view: Uint8Array, offset: unknown, length: unknown): asserts offset is number {
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0 || offset > view.length) {
    throw new RangeError(`offset must be an integer in 0..${view.length} (the arena), got ${String(offset)}`);
  }
  if (typeof length !== 'number' || !Number.isSafeInteger(length) || length < 0 || offset + length > view.length) {
    throw new RangeError(`length must be a non-negative integer with offset + length <= ${view.length}, got ${String(length)}`);
  }
}

function getArena(): Uint8Array<ArrayBuffer> {
  return (arena ??= new Uint8Array(ARENA_SIZE));
}

export function messageArena(): MessageArena {
  return { view: getArena(), offset: 0, length: ARENA_SIZE };
}

function messageKeyLarge(authKey: Uint8Array, x: number, plaintext: Uint8Array): Uint8Array {
  return sha256(concatBytes(authKey.subarray(88 + x, 120 + x), plaintext));
}

function aesKeyIv(authKey: Uint8Array, msgKey: Uint8Array, x: number): { key: Uint8Array; iv: Uint8Array } {
  const a = sha256(concatBytes(msgKey, authKey.subarray(x, x + 36)));
  const b = sha256(concatBytes(authKey.subarray(40 + x, 76 + x), msgKey));
  return {
    key: concatBytes(a.subarray(0, 8), b.subarray(8, 24), a.subarray(24, 32)),
    iv: concatBytes(b.subarray(0, 8), a.subarray(8, 24), b.subarray(24, 32)),
  };
}

// Status bits as the core returns them (bit i = MESSAGE_CHECKS[i]).
const AUTH_KEY_ID = 1, LENGTH = 2, MSG_KEY = 4, MESSAGE_LENGTH = 8, PADDING = 16, SESSION_ID = 32;

function layoutStatus(plaintext: Uint8Array): number {
  const n = plaintext.length;
  const dataLen = n >= 32 ? new DataView(plaintext.buffer, plaintext.byteOffset + 28, 4).getUint32(0, true) : 0x7fffffff;
  const room = n - 32;
  if (dataLen % 4 !== 0 || dataLen > room) return MESSAGE_LENGTH;
  const padding = room - dataLen;
  return padding < 12 || padding > 1024 ? PADDING : 0;
}

function refused(status: number, plaintextLength: number): never {
  throw new RangeError(firstFailedCheck(status) === 'padding'
    ? `plaintext padding must be 12..1024 bytes (plaintextLength ${plaintextLength} − 32 − message_data_length)`
    : `message_data_length must be a multiple of 4 and fit in plaintextLength ${plaintextLength} − 32`);
}

function encryptAt(view: Uint8Array, offset: number, plaintextLength: number, key: unknown, x: 0 | 8): number {
  const pt = view.subarray(offset + MESSAGE_HEADER_SIZE, offset + MESSAGE_HEADER_SIZE + plaintextLength);
  const k = resolve(key);
  const status = layoutStatus(pt);
  if (status !== 0) refused(status, plaintextLength);
  const msgKey = messageKeyLarge(k.key, x, pt).subarray(8, 24);
  const { key: aesKey, iv } = aesKeyIv(k.key, msgKey, x);
  pt.set(aesIgeEncrypt(pt, aesKey, iv));
  view.set(k.id, offset);
  view.set(msgKey, offset + 8);
  return plaintextLength + MESSAGE_HEADER_SIZE;
}

function decryptAt(view: Uint8Array, offset: number, length: number, key: unknown, x: 0 | 8, sessionId: bigint | 'any'): MessageRegion {
  const k = resolve(key);
  let status = 0;
  const encrypted = length >= MESSAGE_HEADER_SIZE ? (length - MESSAGE_HEADER_SIZE) & ~15 : 0;
  if (length < 8 || !sameBytes(view.subarray(offset, offset + 8), k.id)) status |= AUTH_KEY_ID;
  if (encrypted < 16) status |= LENGTH;
  const msgKey = length >= MESSAGE_HEADER_SIZE ? view.slice(offset + 8, offset + 24) : new Uint8Array(16);
  const plaintextOffset = offset + MESSAGE_HEADER_SIZE;
  const pt = view.subarray(plaintextOffset, plaintextOffset + encrypted);
  const { key: aesKey, iv } = aesKeyIv(k.key, msgKey, x);
  pt.set(aesIgeDecrypt(pt, aesKey, iv));
  if (!sameBytes(messageKeyLarge(k.key, x, pt).subarray(8, 24), msgKey)) status |= MSG_KEY;
  status |= layoutStatus(pt);
  const dv = new DataView(pt.buffer, pt.byteOffset, pt.byteLength);
  if (encrypted < 16 || (sessionId !== 'any' && dv.getBigInt64(8, true) !== BigInt.asIntN(64, sessionId))) status |= SESSION_ID;
  if (status !== 0) pt.fill(0);
  return {
    check: firstFailedCheck(status),
    plaintextOffset,
    plaintextLength: encrypted,
    bodyOffset: plaintextOffset + PLAINTEXT_HEADER_SIZE,
    messageLength: status === 0 ? dv.getUint32(28, true) : 0,
  };
}

/** Constant-time equality of two equal-length byte strings. */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  let diff = 0;
  for (let i = 0; i < b.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

/** The MTProto 2.0 KDF alone: aes_key and aes_iv (32 bytes each) for a 16-byte msg_key. */
export function messageAesKeyIv(key: LoadedAuthKey | Uint8Array, msgKey: Uint8Array, x: 0 | 8): { key: Uint8Array<ArrayBuffer>; iv: Uint8Array<ArrayBuffer> } {
  checkLength('msgKey', msgKey, 16);
  checkX(x);
  const r = aesKeyIv(resolve(key).key, msgKey, x);
  return { key: r.key.slice(), iv: r.iv.slice() };
}

export function encryptMessageInPlace(offset: number, plaintextLength: number, key: LoadedAuthKey | Uint8Array, x: 0 | 8): number {
  const view = getArena();
  checkPlaintextLength(plaintextLength);
  checkOffset(view, offset, plaintextLength + MESSAGE_HEADER_SIZE);
  checkX(x);
  return encryptAt(view, offset, plaintextLength, key, x);
}

export function decryptMessageInPlace(offset: number, length: number, key: LoadedAuthKey | Uint8Array, x: 0 | 8, sessionId: bigint | 'any'): MessageRegion {
  const view = getArena();
  checkOffset(view, offset, length);
  checkX(x);
  if (sessionId !== 'any') checkInt64('sessionId', sessionId);
  return decryptAt(view, offset, length, key, x, sessionId);
}

export function encryptMessage(key: LoadedAuthKey | Uint8Array, plaintext: Uint8Array, x: 0 | 8): Uint8Array<ArrayBuffer> {
  checkBlocks('plaintext', plaintext, 16);
  const n = plaintext.length;
  if (n + MESSAGE_HEADER_SIZE > IO_SIZE) throw new RangeError(`plaintext must be at most ${IO_SIZE - MESSAGE_HEADER_SIZE} bytes, got ${n}`);
  checkPlaintextLength(n);
  checkX(x);
  const out = new Uint8Array(n + MESSAGE_HEADER_SIZE);
  out.set(plaintext, MESSAGE_HEADER_SIZE);
  encryptAt(out, 0, n, key, x);
  return out;
}

export function decryptMessage(key: LoadedAuthKey | Uint8Array, packet: Uint8Array, x: 0 | 8, sessionId: bigint | 'any'): { check: MessageCheck | undefined; plaintext: Uint8Array<ArrayBuffer> } {
  checkBytes('packet', packet);
  if (packet.length > IO_SIZE) throw new RangeError(`packet must be at most ${IO_SIZE} bytes, got ${packet.length}`);
  checkX(x);
  if (sessionId !== 'any') checkInt64('sessionId', sessionId);
  const buf = (io ??= new Uint8Array(IO_SIZE));
  buf.set(packet);
  const r = decryptAt(buf, 0, packet.length, key, x, sessionId);
  const plaintext = r.check === undefined ? buf.slice(r.plaintextOffset, r.plaintextOffset + r.plaintextLength) : new Uint8Array(0);
  return { check: r.check, plaintext };
}

export { paddingLength, type MessageFields, type OpenedMessage, type OpenedRegion } from '../message-seal.ts';
export const { sealMessage, openMessage, sealMessageInPlace, openMessageInPlace } = createMessageCrypto({
  messageArena, encryptMessageInPlace, decryptMessageInPlace, encryptMessage, decryptMessage,
});
