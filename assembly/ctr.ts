// AES-256-CTR streams (the obfuscated transports' cipher): 128-bit big-endian counter that wraps,
// keystream position carried across calls of any length.
//
// Keystream comes 8 blocks at a time from the bitsliced AES (aes-bitsliced.ts): whole 128-byte runs
// are XORed straight into the data, and a shorter remainder takes one more batch whose unused bytes
// wait in the slot for the next call. So every call size costs the bitsliced rate per byte, amortized.
// Measured, raw export, best of 400 interleaved samples, cycles per 16 bytes (2.6 GHz nominal):
//                                                  64 B calls   1 KiB calls   64 KiB calls
//   vpaes, 4 blocks per batch, 16-byte buffer        221          211           211
//   bitsliced ≥ 128 B, vpaes below (16-byte buffer)  221           94            94
//   bitsliced only, 128-byte keystream buffer         99           92            91   (kept)
// So bitsliced-8 wins at every size once the unused part of a batch is kept for the next call; the
// cost is one batch (~300 ns) for the first byte of a fresh stream instead of one block (~100 ns).
// Public API vs @mtcute/wasm, best of 150 interleaved samples (before → after): 64 B 1.44× → 2.77×,
// 1 KiB 1.25× → 2.72×, 64 KiB 1.24× → 2.80×. `npm run bench -- --filter "IGE|CTR"` (medians, one run,
// machine loaded by other jobs), ours ÷ @mtcute/wasm: 64 B 2.72×, 1 KiB 2.91×, 1 MiB 2.95×.
//
// State lives in SLOT_COUNT fixed slots of SLOT_SIZE bytes. The bindings use them as a direct-mapped
// cache: stream id % SLOT_COUNT picks the slot; a stream whose slot holds another stream saves that
// one's slot bytes to its JS-side copy and loads its own. So any number of streams can exist, nothing
// leaks, and the common case (a few live streams) never copies. Slot layout:
//   [0, 1920)     bitsliced encryption schedule
//   [1920, 1936)  next counter block, as big-endian bytes (the iv, advanced)
//   [1936, 2064)  last 8 keystream blocks
//   [2064, 2068)  bytes of them already used (128 = none left)
import { BS_KEY_SIZE, bsEncrypt8, bsExpandKey } from './aes-bitsliced';

const BATCH: i32 = 128;
const COUNTER: usize = BS_KEY_SIZE;
const KEYSTREAM: usize = COUNTER + 16;
const USED: usize = KEYSTREAM + BATCH;
const SLOT_SIZE: i32 = <i32>USED + 16;
const SLOT_COUNT: i32 = 256;

const SLOTS: usize = memory.data(SLOT_SIZE * SLOT_COUNT, 16);
/** key (32 bytes) then iv (16 bytes), written by the bindings for aesCtrInit. */
const CTR_PARAMS: usize = memory.data(48, 16);
/** Eight counter blocks, encrypted in place into keystream. */
const BLOCKS: usize = memory.data(BATCH, 16);

export function aesCtrParams(): usize { return CTR_PARAMS; }
export function aesCtrSlots(): usize { return SLOTS; }
export function aesCtrSlotSize(): i32 { return SLOT_SIZE; }
export function aesCtrSlotCount(): i32 { return SLOT_COUNT; }

/** Starts a stream in slot from the key and iv in aesCtrParams(). */
export function aesCtrInit(slot: i32): void {
  const s = SLOTS + <usize>(slot & (SLOT_COUNT - 1)) * SLOT_SIZE;
  bsExpandKey(CTR_PARAMS, s);
  v128.store(s + COUNTER, v128.load(CTR_PARAMS, 32));
  memory.fill(s + KEYSTREAM, 0, BATCH);
  store<i32>(s + USED, BATCH);
}

/** dst[i] ^= src[i] for i < n. */
// @ts-ignore: decorator
@inline function xorInto(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    v128.store(dst + <usize>i, v128.xor(v128.load(dst + <usize>i), v128.load(src + <usize>i)));
  }
  for (; i < n; i++) store<u8>(dst + <usize>i, load<u8>(dst + <usize>i) ^ load<u8>(src + <usize>i));
}

/** XORs the stream's keystream into length bytes at ptr, in place, advancing the stream. */
export function aesCtrProcess(slot: i32, ptr: usize, length: i32): void {
  const s = SLOTS + <usize>(slot & (SLOT_COUNT - 1)) * SLOT_SIZE;
  let p = ptr;
  let n = length;
  // Clamped: the slot lives in caller-reachable memory, and a corrupted count must not become an offset.
  let used = <i32>min<u32>(load<u32>(s + USED), <u32>BATCH);
  const left = min(BATCH - used, n);
  xorInto(p, s + KEYSTREAM + <usize>used, left);
  p += <usize>left; n -= left; used += left;
  if (n > 0) {
    let hi = bswap<u64>(load<u64>(s + COUNTER));
    let lo = bswap<u64>(load<u64>(s + COUNTER, 8));
    while (n > 0) {
      // The last batch of a call goes to the slot's buffer, whole ones straight to BLOCKS.
      const ks = n >= BATCH ? BLOCKS : s + KEYSTREAM;
      for (let b: usize = 0; b < <usize>BATCH; b += 16) {
        store<u64>(ks + b, bswap<u64>(hi));
        store<u64>(ks + b, bswap<u64>(lo), 8);
        lo++;
        hi += <u64>(lo == 0);
      }
      bsEncrypt8(ks, s);
      used = min(BATCH, n);
      xorInto(p, ks, used);
      p += <usize>used; n -= used;
    }
    store<u64>(s + COUNTER, bswap<u64>(hi));
    store<u64>(s + COUNTER, bswap<u64>(lo), 8);
  }
  store<i32>(s + USED, used);
}
