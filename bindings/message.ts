// MTProto 2.0 message encryption/decryption over the WASM core's fused call (assembly/message.ts).
//
// In place: the session layer serializes into the arena (messageArena().view with TlWriter.into), leaving
// room in front for the transport frame header and the 24-byte packet header, fills the padding with
// random bytes, and calls encryptMessageInPlace; the packet is then framed where it lies. Received
// packets are copied into the arena once and decrypted there. The copying variants (encryptMessage,
// decryptMessage) go through the IO buffer and leave the arena alone.
//
// Auth keys are loaded once (loadAuthKey) into a core slot with their auth_key_id; a handle whose slot
// was taken by another key reloads itself (264 bytes, no hashing) on its next use. A raw 256-byte key may
// be passed instead of a handle: it is copied in and its id hashed on every call (about 1 µs more).
import { checkBlocks, checkBytes, checkInt64, checkLength } from './checks.ts';
import { checkRegion } from './region.ts';
import { core, type Core } from './wasm.ts';

interface MessageExports {
  messageKeySlots(): number;
  messageKeySlotSize(): number;
  messageKeySlotCount(): number;
  messageKeySetup(slot: number): void;
  messageSessionPtr(): number;
  messageEncrypt(slot: number, x: number, ptr: number, length: number): number;
  messageDecrypt(slot: number, x: number, ptr: number, length: number): number;
  messageDeriveKeyIv(slot: number, x: number, msgKey: number): number;
}

import {
  MESSAGE_HEADER_SIZE, PLAINTEXT_HEADER_SIZE, firstFailedCheck,
  type LoadedAuthKey, type MessageArena, type MessageCheck, type MessageRegion,
} from './message-checks.ts';

export { MESSAGE_CHECKS, MESSAGE_HEADER_SIZE, PLAINTEXT_HEADER_SIZE, firstFailedCheck } from './message-checks.ts';
export type { LoadedAuthKey, MessageArena, MessageCheck, MessageRegion } from './message-checks.ts';

type W = Core & MessageExports;

interface Kit {
  w: W;
  u8: Uint8Array<ArrayBuffer>;
  dv: DataView<ArrayBuffer>;
  slots: number;
  slotSize: number;
  /** The slot for raw keys passed per call (the last one); handles rotate over the others. */
  transient: number;
  session: number;
  encrypt: (slot: number, x: number, ptr: number, length: number) => number;
  decrypt: (slot: number, x: number, ptr: number, length: number) => number;
}

let kit: Kit | undefined;
function getKit(): Kit {
  if (kit === undefined) {
    const w = core<MessageExports>();
    const count = w.messageKeySlotCount();
    kit = {
      w, u8: w.u8, dv: new DataView(w.u8.buffer),
      slots: w.messageKeySlots(), slotSize: w.messageKeySlotSize(), transient: count - 1,
      session: w.messageSessionPtr(), encrypt: w.messageEncrypt, decrypt: w.messageDecrypt,
    };
  }
  return kit;
}

const owners: (AuthKeyHandle | undefined)[] = [];
let nextSlot = 0;

class AuthKeyHandle implements LoadedAuthKey {
  readonly id: Uint8Array;
  readonly #slot: number;
  /** key (256) then auth_key_id (8): what the slot holds. */
  readonly #home: Uint8Array;
  #disposed = false;

  constructor(authKey: Uint8Array) {
    const k = getKit();
    this.#slot = nextSlot;
    nextSlot = (nextSlot + 1) % k.transient;
    const base = k.slots + this.#slot * k.slotSize;
    k.u8.set(authKey, base);
    k.w.messageKeySetup(this.#slot);
    this.#home = k.u8.slice(base, base + 264);
    this.id = this.#home.slice(256, 264);
    owners[this.#slot] = this;
  }

  /** The slot, reloaded if another key took it. */
  slot(k: Kit): number {
    if (owners[this.#slot] !== this) {
      if (this.#disposed) throw new Error('auth key used after dispose()');
      k.u8.set(this.#home, k.slots + this.#slot * k.slotSize);
      owners[this.#slot] = this;
    }
    return this.#slot;
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    if (owners[this.#slot] === this) {
      const k = getKit();
      const base = k.slots + this.#slot * k.slotSize;
      k.u8.fill(0, base, base + 264);
      owners[this.#slot] = undefined;
    }
    this.#home.fill(0);
  }
}

/** Loads a 256-byte auth key into the core for message encryption (computes its auth_key_id once). */
export function loadAuthKey(authKey: Uint8Array): LoadedAuthKey {
  checkLength('authKey', authKey, 256);
  return new AuthKeyHandle(authKey);
}

function slotOf(k: Kit, key: unknown): number {
  if (key instanceof AuthKeyHandle) return key.slot(k);
  checkLength('authKey', key, 256);
  const base = k.slots + k.transient * k.slotSize;
  k.u8.set(key, base);
  k.w.messageKeySetup(k.transient);
  return k.transient;
}

function checkX(x: unknown): asserts x is 0 | 8 {
  if (x !== 0 && x !== 8) throw new RangeError(`x must be 0 (client to server) or 8 (server to client), got ${String(x)}`);
}

function checkPlaintextLength(plaintextLength: unknown): asserts plaintextLength is number {
  if (typeof plaintextLength !== 'number' || !Number.isSafeInteger(plaintextLength) || plaintextLength < 48 || plaintextLength % 16 !== 0) {
    throw new RangeError(`plaintextLength must be a multiple of 16 and at least 48, got ${String(plaintextLength)}`);
  }
}

/** Explains a malformed outgoing plaintext (the core refused it without touching it). */
function refused(status: number, plaintextLength: number): never {
  const check = firstFailedCheck(status);
  throw new RangeError(check === 'padding'
    ? `plaintext padding must be 12..1024 bytes (plaintextLength ${plaintextLength} − 32 − message_data_length)`
    : `message_data_length must be a multiple of 4 and fit in plaintextLength ${plaintextLength} − 32`);
}

/** The arena as a writable view: serialize there (TlWriter.into(view, offset)), then encrypt in place. */
export function messageArena(): MessageArena {
  const { w } = getKit();
  // The view ends where the arena ends (offsets stay absolute): a writer bounded by it can never reach
  // the key slots, stream slots and tables that lie above.
  return { view: w.u8.subarray(0, w.arena + w.arenaLen), offset: w.arena, length: w.arenaLen };
}

/**
 * Encrypts in place in WASM memory: at `offset` 24 bytes of room for auth_key_id and msg_key, then the
 * plaintext (salt … message_data, then 12..1024 random padding bytes; plaintextLength a multiple of 16).
 * Returns the packet length (24 + plaintextLength). x: 0 client → server, 8 server → client.
 */
export function encryptMessageInPlace(offset: number, plaintextLength: number, key: LoadedAuthKey | Uint8Array, x: 0 | 8): number {
  const k = getKit();
  checkPlaintextLength(plaintextLength);
  checkRegion(k.w, offset, plaintextLength + MESSAGE_HEADER_SIZE);
  checkX(x);
  const status = k.encrypt(slotOf(k, key), x, offset, plaintextLength);
  if (status !== 0) refused(status, plaintextLength);
  return plaintextLength + MESSAGE_HEADER_SIZE;
}

function region(k: Kit, status: number, offset: number, length: number): MessageRegion {
  const plaintextOffset = offset + MESSAGE_HEADER_SIZE;
  const plaintextLength = Math.max(0, (length - MESSAGE_HEADER_SIZE) & ~15);
  return {
    check: firstFailedCheck(status),
    plaintextOffset,
    plaintextLength,
    bodyOffset: plaintextOffset + PLAINTEXT_HEADER_SIZE,
    messageLength: status === 0 ? k.dv.getUint32(plaintextOffset + 28, true) : 0,
  };
}

/**
 * Decrypts the `length`-byte packet at `offset` in WASM memory in place (up to 15 trailing transport-
 * padding bytes are ignored) and runs every check of the Security Guidelines; `sessionId` is the
 * expected session_id, or 'any' to accept the one the message carries (a server opening the first message
 * of a session the client chose; it then matches the returned session_id itself). On failure the decrypted bytes are wiped and `check` names the first failure.
 */
export function decryptMessageInPlace(offset: number, length: number, key: LoadedAuthKey | Uint8Array, x: 0 | 8, sessionId: bigint | 'any'): MessageRegion {
  const k = getKit();
  checkRegion(k.w, offset, length);
  checkX(x);
  if (sessionId !== 'any') checkInt64('sessionId', sessionId);
  const slot = slotOf(k, key);
  k.dv.setBigInt64(k.session, sessionId === 'any' ? 0n : sessionId, true);
  k.dv.setUint32(k.session + 8, sessionId === 'any' ? 1 : 0, true);
  return region(k, k.decrypt(slot, x, offset, length), offset, length);
}

/** Encrypts a copy: `plaintext` is the whole plaintext, padding included. Returns the packet. */
export function encryptMessage(key: LoadedAuthKey | Uint8Array, plaintext: Uint8Array, x: 0 | 8): Uint8Array<ArrayBuffer> {
  checkBlocks('plaintext', plaintext, 16);
  const k = getKit();
  const n = plaintext.length;
  if (n + MESSAGE_HEADER_SIZE > k.w.ioLen) throw new RangeError(`plaintext must be at most ${k.w.ioLen - MESSAGE_HEADER_SIZE} bytes, got ${n}`);
  checkPlaintextLength(n);
  const at = k.w.io;
  k.u8.set(plaintext, at + MESSAGE_HEADER_SIZE);
  const total = encryptMessageInPlace(at, n, key, x);
  return k.u8.slice(at, at + total);
}

/** Decrypts a copy of `packet`; on success `plaintext` is the whole decrypted plaintext (padding included). */
export function decryptMessage(key: LoadedAuthKey | Uint8Array, packet: Uint8Array, x: 0 | 8, sessionId: bigint | 'any'): { check: MessageCheck | undefined; plaintext: Uint8Array<ArrayBuffer> } {
  checkBytes('packet', packet);
  const k = getKit();
  if (packet.length > k.w.ioLen) throw new RangeError(`packet must be at most ${k.w.ioLen} bytes, got ${packet.length}`);
  const at = k.w.io;
  k.u8.set(packet, at);
  const r = decryptMessageInPlace(at, packet.length, key, x, sessionId);
  const plaintext = r.check === undefined ? k.u8.slice(r.plaintextOffset, r.plaintextOffset + r.plaintextLength) : new Uint8Array(0);
  return { check: r.check, plaintext };
}

/** The MTProto 2.0 KDF alone: aes_key and aes_iv (32 bytes each) for a 16-byte msg_key. */
export function messageAesKeyIv(key: LoadedAuthKey | Uint8Array, msgKey: Uint8Array, x: 0 | 8): { key: Uint8Array<ArrayBuffer>; iv: Uint8Array<ArrayBuffer> } {
  checkLength('msgKey', msgKey, 16);
  checkX(x);
  const k = getKit();
  const slot = slotOf(k, key);
  k.u8.set(msgKey, k.w.io);
  const at = k.w.messageDeriveKeyIv(slot, x, k.w.io);
  return { key: k.u8.slice(at, at + 32), iv: k.u8.slice(at + 32, at + 64) };
}
