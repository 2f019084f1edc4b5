// MTProto 2.0 message encryption and decryption (core.telegram.org/mtproto/description), fused: one call
// does msg_key, the KDF and AES-256-IGE over bytes that already lie in WASM memory (normally the ARENA,
// where the session layer serialized the message), in place.
//
// Packet layout at `ptr`:   auth_key_id (8) | msg_key (16) | encrypted data
// Plaintext at `ptr + 24`:  salt (8) | session_id (8) | msg_id (8) | seq_no (4) | message_data_length (4) |
//                           message_data | padding (12..1024, total a multiple of 16)
//   msg_key  = SHA256(auth_key[88+x : 120+x] + plaintext)[8:24]
//   a = SHA256(msg_key + auth_key[x : x+36]),  b = SHA256(auth_key[40+x : 76+x] + msg_key)
//   aes_key  = a[0:8] + b[8:24] + a[24:32],    aes_iv = b[0:8] + a[8:24] + b[24:32]
// x = 0 for client → server, 8 for server → client. WASM has no RNG: the caller writes the random padding.
//
// Auth keys live in slots (the key, then its auth_key_id = SHA1(key)[12:20], computed once by
// messageKeySetup), so a call copies nothing in. Measured against copying the 256-byte key in and hashing
// its id on every call (the bindings accept that too): +0.3..0.6 µs per call in isolation (2.2 vs 2.8 µs
// for a 144-byte plaintext), 1.2–1.25× at 100 B in the bench, lost in the noise from 1 KiB up.
//
// What fusing saves (bench/suites/message.ts, medians of one 9-round run on the shared 2-core machine,
// load ~5; fused = data already in WASM, one call; unfused = msg_key, KDF and aesIgeEncrypt/Decrypt as
// separate WASM-backed TS calls, each with its copies and concatenations):
//                      100 B            1 KiB           64 KiB
//   deframe+decrypt    240k/s vs 136k/s 77.8 vs 56.7    101 vs 99 MB/s   → 1.77×, 1.37×, 1.02×
//   encrypt+frame      321k/s vs 104k/s 77.8 vs 41.3    111 vs 98 MB/s   → 3.09×, 1.88×, 1.13×
// (encrypt's unfused path also pays one crypto.getRandomValues per message, ~1.9 µs, which the session
// API avoids with a random pool; decrypt has no RNG and is the cleaner measure of the fusion itself.)
// The saving is the per-message fixed cost — ~6 boundary crossings, 4 copies, 3 concatenations and 3
// allocations — so it matters for the small messages that dominate MTProto traffic, not for bulk data,
// where AES and SHA-256 throughput decide. vs mtcute's createAesIgeForMessage path on @mtcute/wasm in the
// same run: 3.8× / 2.2× (100 B enc/dec), 1.9× / 1.5× (1 KiB), 1.25× / 1.07× (64 KiB).
//
// Decryption follows the Security Guidelines: every check is evaluated, none exits early; the msg_key is
// always recomputed over the whole decrypted buffer and compared in constant time; the result is a
// bitmask of the checks that failed (the TS side reports the first in guideline order), and on any
// failure the decrypted bytes are wiped so no unauthenticated plaintext is left for a careless caller.
import { SHA256_CTX_SIZE, sha256Final, sha256Init, sha256Into, sha256Update } from './sha256';
import { sha1Into } from './sha1';
import { igeDecrypt, igeEncrypt } from './ige';

/** Status bits, in the order the checks are reported (bindings/message.ts names them). */
export const CHECK_AUTH_KEY_ID: i32 = 1;
export const CHECK_LENGTH: i32 = 2;
export const CHECK_MSG_KEY: i32 = 4;
export const CHECK_MESSAGE_LENGTH: i32 = 8;
export const CHECK_PADDING: i32 = 16;
export const CHECK_SESSION_ID: i32 = 32;
/** Returned for arguments the bindings never pass (bad slot or x): nothing was touched. */
const BAD_ARGUMENT: i32 = -1;

const HEADER: usize = 24;
const SLOT_COUNT: i32 = 16;
/** key (256) | auth_key_id (8) | unused (8) */
const SLOT_SIZE: i32 = 272;
const ID: usize = 256;
const SLOTS: usize = memory.data(SLOT_COUNT * SLOT_SIZE, 16);

const CTX: usize = memory.data(SHA256_CTX_SIZE, 16);
/** msg_key_large (the msg_key is bytes 8..24). */
const MSG_KEY_LARGE: usize = memory.data(32, 16);
/** The received msg_key (or zeros when the packet is too short to hold one). */
const MSG_KEY_IN: usize = memory.data(16, 16);
const KDF_IN: usize = memory.data(64, 16);
const SHA_A: usize = memory.data(32, 16);
const SHA_B: usize = memory.data(32, 16);
/** aes_key (32) | aes_iv (32), the layout igeEncrypt/igeDecrypt read. */
const AES_PARAMS: usize = memory.data(64, 16);
/**
 * The expected session_id (8 bytes), then a u32 flag written with it by the bindings before messageDecrypt:
 * non-zero = any session_id is accepted (a server reads the client-chosen session_id of a new session;
 * the caller then matches it against its sessions). Every other check still runs.
 */
const SESSION: usize = memory.data(16, 16);
const SHA1_OUT: usize = memory.data(32, 16);

export function messageKeySlots(): usize { return SLOTS; }
export function messageKeySlotSize(): i32 { return SLOT_SIZE; }
export function messageKeySlotCount(): i32 { return SLOT_COUNT; }
export function messageSessionPtr(): usize { return SESSION; }

/** Computes the auth_key_id of the key the bindings wrote into `slot`. */
export function messageKeySetup(slot: i32): void {
  if (<u32>slot >= <u32>SLOT_COUNT) return;
  const key = SLOTS + <usize>(slot * SLOT_SIZE);
  sha1Into(key, 256, SHA1_OUT);
  store<u64>(key + ID, load<u64>(SHA1_OUT, 12));
}

/** msg_key_large = SHA256(auth_key[88+x : 120+x] + plaintext) into MSG_KEY_LARGE. */
@inline function messageKeyLarge(key: usize, x: usize, pt: usize, length: usize): void {
  sha256Init(CTX);
  sha256Update(CTX, key + 88 + x, 32);
  sha256Update(CTX, pt, length);
  sha256Final(CTX, MSG_KEY_LARGE);
}

/** The KDF: aes_key and aes_iv from the 16-byte msg_key at `msgKey`, into AES_PARAMS. */
function deriveAesKeyIv(key: usize, x: usize, msgKey: usize): void {
  const mk = v128.load(msgKey);
  // a = SHA256(msg_key + auth_key[x : x+36])
  v128.store(KDF_IN, mk);
  v128.store(KDF_IN, v128.load(key + x), 16);
  v128.store(KDF_IN, v128.load(key + x, 16), 32);
  store<u32>(KDF_IN, load<u32>(key + x, 32), 48);
  sha256Into(KDF_IN, 52, SHA_A);
  // b = SHA256(auth_key[40+x : 76+x] + msg_key)
  v128.store(KDF_IN, v128.load(key + x, 40));
  v128.store(KDF_IN, v128.load(key + x, 56), 16);
  store<u32>(KDF_IN, load<u32>(key + x, 72), 32);
  v128.store(KDF_IN, mk, 36);
  sha256Into(KDF_IN, 52, SHA_B);
  const a0 = v128.load(SHA_A), a1 = v128.load(SHA_A, 16);
  const b0 = v128.load(SHA_B), b1 = v128.load(SHA_B, 16);
  // key = a[0:8] b[8:16] | b[16:24] a[24:32];  iv = b[0:8] a[8:16] | a[16:24] b[24:32]
  v128.store(AES_PARAMS, i8x16.shuffle(a0, b0, 0, 1, 2, 3, 4, 5, 6, 7, 24, 25, 26, 27, 28, 29, 30, 31));
  v128.store(AES_PARAMS, i8x16.shuffle(b1, a1, 0, 1, 2, 3, 4, 5, 6, 7, 24, 25, 26, 27, 28, 29, 30, 31), 16);
  v128.store(AES_PARAMS, i8x16.shuffle(b0, a0, 0, 1, 2, 3, 4, 5, 6, 7, 24, 25, 26, 27, 28, 29, 30, 31), 32);
  v128.store(AES_PARAMS, i8x16.shuffle(a1, b1, 0, 1, 2, 3, 4, 5, 6, 7, 24, 25, 26, 27, 28, 29, 30, 31), 48);
}

/** The KDF alone (for known-answer tests): msg_key at `msgKey`; returns where aes_key | aes_iv lie. */
export function messageDeriveKeyIv(slot: i32, x: i32, msgKey: usize): usize {
  if (<u32>slot >= <u32>SLOT_COUNT || (x != 0 && x != 8)) return 0;
  deriveAesKeyIv(SLOTS + <usize>(slot * SLOT_SIZE), <usize>x, msgKey);
  return AES_PARAMS;
}

/** Checks message_data_length and padding against a plaintext of `length` bytes at `pt`. */
@inline function layoutStatus(pt: usize, length: i32): i32 {
  // Read the length field only if it lies inside the plaintext; otherwise it is "too long" by definition.
  const dataLen: i64 = length >= 32 ? <i64>load<u32>(pt, 28) : <i64>0x7fffffff;
  const room: i64 = <i64>length - 32;
  if ((dataLen & 3) != 0 || dataLen > room) return CHECK_MESSAGE_LENGTH;
  const padding = room - dataLen;
  return padding < 12 || padding > 1024 ? CHECK_PADDING : 0;
}

/**
 * Encrypts in place: the plaintext (`length` bytes, padding included and already random) is at ptr + 24;
 * writes auth_key_id and msg_key to ptr .. ptr + 24. Returns 0, or the status bits of a malformed
 * plaintext (length, message_data_length, padding) without touching anything.
 */
export function messageEncrypt(slot: i32, x: i32, ptr: usize, length: i32): i32 {
  if (<u32>slot >= <u32>SLOT_COUNT || (x != 0 && x != 8)) return BAD_ARGUMENT;
  if (length < 48 || (length & 15) != 0) return CHECK_LENGTH;
  const pt = ptr + HEADER;
  const layout = layoutStatus(pt, length);
  if (layout != 0) return layout;
  const key = SLOTS + <usize>(slot * SLOT_SIZE);
  messageKeyLarge(key, <usize>x, pt, <usize>length);
  deriveAesKeyIv(key, <usize>x, MSG_KEY_LARGE + 8);
  igeEncrypt(AES_PARAMS, pt, length);
  store<u64>(ptr, load<u64>(key + ID));
  v128.store(ptr, v128.load(MSG_KEY_LARGE, 8), 8);
  return 0;
}

/**
 * Decrypts the `length`-byte packet at ptr in place (trailing transport padding, up to 15 bytes beyond
 * a multiple of 16, is ignored) and checks it. The plaintext is at ptr + 24, (length - 24) & ~15 bytes.
 * Returns 0 if every check passed, else the bits of every failed check (decrypted bytes then wiped).
 */
export function messageDecrypt(slot: i32, x: i32, ptr: usize, length: i32): i32 {
  if (<u32>slot >= <u32>SLOT_COUNT || (x != 0 && x != 8)) return BAD_ARGUMENT;
  const key = SLOTS + <usize>(slot * SLOT_SIZE);
  let status = 0;
  let encrypted = 0;
  // Too short to hold a header: still run every step below, over nothing, with a zero msg_key.
  v128.store(MSG_KEY_IN, i32x4.splat(0));
  if (length < 8 || load<u64>(ptr) != load<u64>(key + ID)) status |= CHECK_AUTH_KEY_ID;
  if (length >= <i32>HEADER) {
    encrypted = (length - <i32>HEADER) & ~15;
    v128.store(MSG_KEY_IN, v128.load(ptr, 8));
  }
  if (encrypted < 16) status |= CHECK_LENGTH;
  const pt = ptr + HEADER;
  deriveAesKeyIv(key, <usize>x, MSG_KEY_IN);
  igeDecrypt(AES_PARAMS, pt, encrypted);
  messageKeyLarge(key, <usize>x, pt, <usize>encrypted);
  // Constant time: one vector compare, no data-dependent early exit.
  if (v128.any_true(v128.xor(v128.load(MSG_KEY_IN), v128.load(MSG_KEY_LARGE, 8)))) status |= CHECK_MSG_KEY;
  status |= layoutStatus(pt, encrypted);
  const session: u64 = encrypted >= 16 ? load<u64>(pt, 8) : ~load<u64>(SESSION);
  if (session != load<u64>(SESSION) && load<u32>(SESSION, 8) == 0) status |= CHECK_SESSION_ID;
  if (status != 0) memory.fill(pt, 0, <usize>encrypted);
  return status;
}
