// AES-256-CTR streams (the obfuscated transports' cipher): 128-bit big-endian counter that wraps,
// keystream position carried across calls of any length.
//
// State lives in SLOT_COUNT fixed slots of SLOT_SIZE bytes. The bindings use them as a direct-mapped
// cache: stream id % SLOT_COUNT picks the slot; a stream whose slot holds another stream saves that
// one's slot bytes to its JS-side copy and loads its own. So any number of streams can exist, nothing
// leaks, and the common case (a few live streams) never copies. Slot layout:
//   [0, 240)    vpaes encryption schedule
//   [240, 256)  next counter block, as big-endian bytes (the iv, advanced)
//   [256, 272)  last keystream block
//   [272, 276)  bytes of that block already used (16 = none left)
//   [288, 2208) bitsliced encryption schedule (aes-bitsliced.ts), for 128-byte batches
import { KEY_SCHEDULE_SIZE, encrypt4, encryptBlock, expandEncKey } from './aes';
import { BS_KEY_SIZE, bsEncrypt8, bsExpandKey } from './aes-bitsliced';

const BS_KEYS: usize = 288;
const SLOT_SIZE: i32 = 288 + BS_KEY_SIZE;
const SLOT_COUNT: i32 = 256;
const COUNTER: usize = KEY_SCHEDULE_SIZE;
const KEYSTREAM: usize = COUNTER + 16;
const USED: usize = KEYSTREAM + 16;

const SLOTS: usize = memory.data(SLOT_SIZE * SLOT_COUNT, 16);
/** key (32 bytes) then iv (16 bytes), written by the bindings for aesCtrInit. */
const CTR_PARAMS: usize = memory.data(48, 16);
/** Up to eight counter blocks, encrypted in place into keystream. */
const BLOCKS: usize = memory.data(128, 16);

export function aesCtrParams(): usize { return CTR_PARAMS; }
export function aesCtrSlots(): usize { return SLOTS; }
export function aesCtrSlotSize(): i32 { return SLOT_SIZE; }
export function aesCtrSlotCount(): i32 { return SLOT_COUNT; }

/** Starts a stream in slot from the key and iv in aesCtrParams(). */
export function aesCtrInit(slot: i32): void {
  const s = SLOTS + <usize>(slot & (SLOT_COUNT - 1)) * SLOT_SIZE;
  expandEncKey(CTR_PARAMS, s);
  bsExpandKey(CTR_PARAMS, s + BS_KEYS);
  v128.store(s + COUNTER, v128.load(CTR_PARAMS, 32));
  v128.store(s + KEYSTREAM, i64x2.splat(0));
  store<i32>(s + USED, 16);
}

@inline function counterBlock(hi: u64, lo: u64): v128 {
  return i64x2.replace_lane(i64x2.splat(bswap<u64>(hi)), 1, bswap<u64>(lo));
}

/** XORs the stream's keystream into length bytes at ptr, in place, advancing the stream. */
export function aesCtrProcess(slot: i32, ptr: usize, length: i32): void {
  const s = SLOTS + <usize>(slot & (SLOT_COUNT - 1)) * SLOT_SIZE;
  let p = ptr;
  let n = length;
  let used = load<i32>(s + USED);
  while (used < 16 && n > 0) {
    store<u8>(p, load<u8>(p) ^ load<u8>(s + KEYSTREAM + <usize>used));
    p++; n--; used++;
  }
  if (n == 0) {
    store<i32>(s + USED, used);
    return;
  }
  let hi = bswap<u64>(load<u64>(s + COUNTER));
  let lo = bswap<u64>(load<u64>(s + COUNTER, 8));
  while (n >= 128) {
    for (let b: usize = 0; b < 128; b += 16) {
      v128.store(BLOCKS + b, counterBlock(hi, lo));
      lo++;
      if (lo == 0) hi++;
    }
    bsEncrypt8(BLOCKS, s + BS_KEYS);
    for (let b: usize = 0; b < 128; b += 16) {
      v128.store(p + b, v128.xor(v128.load(p + b), v128.load(BLOCKS + b)));
    }
    p += 128; n -= 128;
  }
  while (n >= 64) {
    for (let b: usize = 0; b < 64; b += 16) {
      v128.store(BLOCKS + b, counterBlock(hi, lo));
      lo++;
      if (lo == 0) hi++;
    }
    encrypt4(BLOCKS, s);
    v128.store(p, v128.xor(v128.load(p), v128.load(BLOCKS)));
    v128.store(p, v128.xor(v128.load(p, 16), v128.load(BLOCKS, 16)), 16);
    v128.store(p, v128.xor(v128.load(p, 32), v128.load(BLOCKS, 32)), 32);
    v128.store(p, v128.xor(v128.load(p, 48), v128.load(BLOCKS, 48)), 48);
    p += 64; n -= 64;
  }
  while (n >= 16) {
    v128.store(p, v128.xor(v128.load(p), encryptBlock(counterBlock(hi, lo), s)));
    lo++;
    if (lo == 0) hi++;
    p += 16; n -= 16;
  }
  used = 16;
  if (n > 0) {
    v128.store(s + KEYSTREAM, encryptBlock(counterBlock(hi, lo), s));
    lo++;
    if (lo == 0) hi++;
    used = 0;
    while (used < n) {
      store<u8>(p, load<u8>(p) ^ load<u8>(s + KEYSTREAM + <usize>used));
      p++; used++;
    }
  }
  store<u64>(s + COUNTER, bswap<u64>(hi));
  store<u64>(s + COUNTER, bswap<u64>(lo), 8);
  store<i32>(s + USED, used);
}
