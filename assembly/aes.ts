// AES-256 block cipher, vector-permutation style (M. Hamburg, "Accelerating AES with Vector Permute
// Instructions", CHES 2009 — the design of OpenSSL's vpaes). The S-box is computed by inversion in
// GF(2^4)^2 with 16-entry lookups (i8x16.swizzle), the state lives in a changed basis between rounds,
// MixColumns is three byte rotations, and ShiftRows is folded into the round keys plus one final
// permutation. Constant-time (no data-dependent memory access or branch), one block at a time.
//
// swizzle and x86 pshufb agree here: every index is either 0..15 or has its top bit set (0x80..0x8f),
// which both read as "zero". The round-key layouts produced by expandEncKey / expandDecKey are private
// to this file's encrypt/decrypt functions.
//
// Cost under V8 (Node 20, x64, read with `node --print-wasm-code --no-liftoff`): every data-dependent
// i8x16.swizzle is three instructions (load the fix-up constant's address, vpaddusb +0x70, vpshufb),
// so each lookup is 2 cycles of latency. V8 skips the fix-up only for constant indices: an index from
// v128.and(x, splat(0x0f)) or i8x16.shr_u(x, 4) still gets it. An i8x16.shuffle costs four
// instructions to build its mask plus the pshufb; a swizzle with a mask loaded from memory costs a load
// plus the three, with the fix-up on the mask, off the data's path. So the rounds use loaded masks.
// A round is then 12 lookups (enc; dec 16) ≈ 50 instructions, and its critical path is about 16 cycles:
// nibble split 2, three dependent lookup levels 3 × (2 + 1 XOR), MixColumns 3–4. IGE runs one block
// at a time, so that path is the bound (≈ 255 cycles per block encrypting, ≈ 280 decrypting, at
// 2.6 GHz nominal). @mtcute/wasm's table-driven (not constant-time) AES does ≈ 210 cycles per block at
// its best, so IGE ≥ 1.5× @mtcute/wasm is out of reach for a constant-time single-block AES here.
// Tried and measured (best of 600 interleaved 64 KiB calls, cycles per block, enc / dec):
//   before (main: Horner MixColumns, immediate shuffles)         265 / 303
//   InvMixColumns flattened: 3 shuffles side by side + XOR tree     – / 287
//   + rotations as swizzles with loaded masks                    257 / 278   (kept)
//   enc with a 3·S table pair (one level shorter, 2 more lookups) 262–271 / –  (slower: dropped)
//   row-major state (pshufd rotations, explicit ShiftRows; mock-up) 266 / 289  (slower: dropped)
//   MixColumns masks as constant-index swizzles (bare pshufb)     258 / 285   (no gain: dropped)
// Key expansion four words per step: 590 → 480 cycles per IGE encrypt call (785 → 665 decrypt).
// Public API vs @mtcute/wasm, best of 150 interleaved samples, enc / dec (before → after):
//   64 B 0.71/0.76 → 0.78/0.85×, 1 KiB 0.78/0.72 → 0.81/0.77×, 64 KiB 0.78/0.70 → 0.80/0.76×.
// `npm run bench -- --filter "IGE|CTR"` (medians, one run, machine loaded by other jobs), ours ÷ mtcute:
//   enc 64 B 0.98×, 1 KiB 1.06×, 1 MiB 1.00×; dec 64 B 1.12×, 1 KiB 0.98×, 1 MiB 0.92×.

export const ROUNDS: i32 = 14;
/** Bytes of one expanded key (15 round keys). */
export const KEY_SCHEDULE_SIZE: i32 = 16 * 15;

// The lookup tables live in memory: V8 rebuilds a v128.const with four instructions at every use,
// a load is one. Order matches the offsets below.
const K: usize = memory.data<u64>([
  0x0f0f0f0f0f0f0f0f, 0x0f0f0f0f0f0f0f0f,
  0x6363636363636363, 0x6363636363636363,
  0x0e05060f0d080180, 0x040703090a0b0c02,
  0x01040a060f0b0780, 0x030d0e0c02050809,
  0xc2b2e8985a2a7000, 0xcabae09052227808,
  0x4c01307d317c4d00, 0xcd80b1fcb0fdcc81,
  0xb19be18fcb503e00, 0xa5df7a6e142af544,
  0x3618d415fae22300, 0x3bf7ccc10d2ed9ef,
  0xe27a93c60b712400, 0x5eb7e955bc982fcd,
  0x69eb88400ae12900, 0xc2a163c8ab82234a,
  0xd0d26d176fbdc700, 0x15aabf7ac502a878,
  0xcfe474a55fbb6a00, 0x8e1e90d1412b35fa,
  0x0f505b040b545f00, 0x154a411e114e451a,
  0x86e383e660056500, 0x12771772f491f194,
  0x851c03539a86d600, 0xcad51f504f994cc9,
  0xc03b1789ecd74900, 0x725e2c9eb2fba565,
  0x7d57ccdfe6b1a200, 0xf56e9b13882a4439,
  0x3ce2faf724c6cb00, 0x2931180d15deefd3,
  0xd022649296b44200, 0x602646f6b0f2d404,
  0xc19498a6cd596700, 0xf3ff0c3e3255aa6b,
  0x46f2929626d4d000, 0x2242600464b4f6b0,
  0x0c55a6cdffaac100, 0x9467f36b98593e32,
  0x1387ea537ef94000, 0xc7aa6db9d4943e2d,
  0x12d7560f93441d00, 0xca4b8159d8c58e9c,
], 16);

// ---- constants (OpenSSL vpaes names; each is a pair of 64-bit little-endian halves) ----
// @ts-ignore: decorator
@inline function S0F(): v128 { return v128.load(K, 0); }
// @ts-ignore: decorator
@inline function S63(): v128 { return v128.load(K, 16); }
// GF(2^4) inverse (1/x, 0 -> 0x80) and the "a/k" adjustment table.
// @ts-ignore: decorator
@inline function INV(): v128 { return v128.load(K, 32); }
// @ts-ignore: decorator
@inline function INVA(): v128 { return v128.load(K, 48); }
// Encryption: input basis change, S-box output tables (u = from io, t = from jo).
// @ts-ignore: decorator
@inline function IPT_LO(): v128 { return v128.load(K, 64); }
// @ts-ignore: decorator
@inline function IPT_HI(): v128 { return v128.load(K, 80); }
// @ts-ignore: decorator
@inline function SB1U(): v128 { return v128.load(K, 96); }
// @ts-ignore: decorator
@inline function SB1T(): v128 { return v128.load(K, 112); }
// @ts-ignore: decorator
@inline function SB2U(): v128 { return v128.load(K, 128); }
// @ts-ignore: decorator
@inline function SB2T(): v128 { return v128.load(K, 144); }
// @ts-ignore: decorator
@inline function SBOU(): v128 { return v128.load(K, 160); }
// @ts-ignore: decorator
@inline function SBOT(): v128 { return v128.load(K, 176); }
// Decryption: input basis change and S-box-times-{9,D,B,E} output tables, final output table.
// @ts-ignore: decorator
@inline function DIPT_LO(): v128 { return v128.load(K, 192); }
// @ts-ignore: decorator
@inline function DIPT_HI(): v128 { return v128.load(K, 208); }
// @ts-ignore: decorator
@inline function DSB9U(): v128 { return v128.load(K, 224); }
// @ts-ignore: decorator
@inline function DSB9T(): v128 { return v128.load(K, 240); }
// @ts-ignore: decorator
@inline function DSBDU(): v128 { return v128.load(K, 256); }
// @ts-ignore: decorator
@inline function DSBDT(): v128 { return v128.load(K, 272); }
// @ts-ignore: decorator
@inline function DSBBU(): v128 { return v128.load(K, 288); }
// @ts-ignore: decorator
@inline function DSBBT(): v128 { return v128.load(K, 304); }
// @ts-ignore: decorator
@inline function DSBEU(): v128 { return v128.load(K, 320); }
// @ts-ignore: decorator
@inline function DSBET(): v128 { return v128.load(K, 336); }
// @ts-ignore: decorator
@inline function DSBOU(): v128 { return v128.load(K, 352); }
// @ts-ignore: decorator
@inline function DSBOT(): v128 { return v128.load(K, 368); }
// MixColumns byte rotations as immediate shuffles (used by the key schedule; V8 builds the mask with four
// instructions, then one pshufb): mcF sends each
// column's bytes up by one, mcB down by one, each composed with `phase` column-steps of the deferred
// ShiftRows. phase is always a literal, so only one arm survives inlining.
// @ts-ignore: decorator
@inline function mcF(x: v128, phase: i32): v128 {
  if (phase == 0) return i8x16.shuffle(x, x, 1, 2, 3, 0, 5, 6, 7, 4, 9, 10, 11, 8, 13, 14, 15, 12);
  if (phase == 1) return i8x16.shuffle(x, x, 5, 6, 7, 4, 9, 10, 11, 8, 13, 14, 15, 12, 1, 2, 3, 0);
  if (phase == 2) return i8x16.shuffle(x, x, 9, 10, 11, 8, 13, 14, 15, 12, 1, 2, 3, 0, 5, 6, 7, 4);
  return i8x16.shuffle(x, x, 13, 14, 15, 12, 1, 2, 3, 0, 5, 6, 7, 4, 9, 10, 11, 8);
}
// @ts-ignore: decorator
@inline function mcB(x: v128, phase: i32): v128 {
  if (phase == 0) return i8x16.shuffle(x, x, 3, 0, 1, 2, 7, 4, 5, 6, 11, 8, 9, 10, 15, 12, 13, 14);
  if (phase == 1) return i8x16.shuffle(x, x, 15, 12, 13, 14, 3, 0, 1, 2, 7, 4, 5, 6, 11, 8, 9, 10);
  if (phase == 2) return i8x16.shuffle(x, x, 11, 8, 9, 10, 15, 12, 13, 14, 3, 0, 1, 2, 7, 4, 5, 6);
  return i8x16.shuffle(x, x, 7, 4, 5, 6, 11, 8, 9, 10, 15, 12, 13, 14, 3, 0, 1, 2);
}
// The same rotations as swizzle indices in memory (phase·48 + 0: F, 16: F², 32: F³): in the round
// functions a loaded mask costs V8 one load + fix-up + pshufb, an immediate shuffle four instructions
// to build the mask + pshufb; the fix-up is on the mask, not on the data's path.
const MC: usize = memory.data<u8>([
  1, 2, 3, 0, 5, 6, 7, 4, 9, 10, 11, 8, 13, 14, 15, 12, // phase 0 F
  2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13, // phase 0 F2
  3, 0, 1, 2, 7, 4, 5, 6, 11, 8, 9, 10, 15, 12, 13, 14, // phase 0 F3
  5, 6, 7, 4, 9, 10, 11, 8, 13, 14, 15, 12, 1, 2, 3, 0, // phase 1 F
  10, 11, 8, 9, 14, 15, 12, 13, 2, 3, 0, 1, 6, 7, 4, 5, // phase 1 F2
  15, 12, 13, 14, 3, 0, 1, 2, 7, 4, 5, 6, 11, 8, 9, 10, // phase 1 F3
  9, 10, 11, 8, 13, 14, 15, 12, 1, 2, 3, 0, 5, 6, 7, 4, // phase 2 F
  2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13, // phase 2 F2
  11, 8, 9, 10, 15, 12, 13, 14, 3, 0, 1, 2, 7, 4, 5, 6, // phase 2 F3
  13, 14, 15, 12, 1, 2, 3, 0, 5, 6, 7, 4, 9, 10, 11, 8, // phase 3 F
  10, 11, 8, 9, 14, 15, 12, 13, 2, 3, 0, 1, 6, 7, 4, 5, // phase 3 F2
  7, 4, 5, 6, 11, 8, 9, 10, 15, 12, 13, 14, 3, 0, 1, 2, // phase 3 F3
], 16);
// @ts-ignore: decorator
@inline function mcm(x: v128, phase: i32, power: i32): v128 {
  return i8x16.swizzle(x, v128.load(MC + <usize>(phase * 48 + (power - 1) * 16)));
}
/** ShiftRows twice: what is left over after 14 rounds. */
// @ts-ignore: decorator
@inline function shiftRows2(x: v128): v128 {
  return i8x16.shuffle(x, x, 0, 9, 2, 11, 4, 13, 6, 15, 8, 1, 10, 3, 12, 5, 14, 7);
}
// ShiftRows applied k times (SR_0 is the identity).
const SR_1 = i64x2(0x030e09040f0a0500, 0x0b06010c07020d08);
const SR_2 = i64x2(0x0f060d040b020900, 0x070e050c030a0108);
const SR_3 = i64x2(0x0b0e0104070a0d00, 0x0306090c0f020508);
// Column rotations by 1 byte (for the key-schedule transforms).
const ROT1 = i64x2(0x0407060500030201, 0x0c0f0e0d080b0a09);
const ROT2 = i64x2(0x0504070601000302, 0x0d0c0f0e09080b0a);
const ROT3 = i64x2(0x0605040702010003, 0x0e0d0c0f0a09080b);

// Scratch for the standard (FIPS-197) round keys while converting them to the vpaes bases.
const W: usize = memory.data(16 * 15, 16);

// @ts-ignore: decorator
@inline function swz(table: v128, index: v128): v128 {
  return i8x16.swizzle(table, index);
}

/** Linear basis change of every byte through a low-nibble and a high-nibble table. */
// @ts-ignore: decorator
@inline function transform(x: v128, lo: v128, hi: v128): v128 {
  return v128.xor(swz(lo, v128.and(x, S0F())), swz(hi, v128.and(i16x8.shr_u(x, 4), S0F())));
}

// The S-box core: GF(2^8) inversion through GF(2^4), leaving two index vectors (io, jo) for the
// output tables. Written out at each use (AS functions return one value).

// ---- encryption ----

// @ts-ignore: decorator
@inline function encRound(s: v128, k: v128, phase: i32): v128 {
  const lo = v128.and(s, S0F());
  const hi = v128.and(i16x8.shr_u(s, 4), S0F());
  const j = v128.xor(lo, hi);
  const a = swz(INVA(), lo);
  const io = v128.xor(swz(INV(), v128.xor(swz(INV(), hi), a)), j);
  const jo = v128.xor(swz(INV(), v128.xor(swz(INV(), j), a)), hi);
  const A = v128.xor(swz(SB1U(), io), swz(SB1T(), jo)); // S(x)
  const A2 = v128.xor(swz(SB2U(), io), swz(SB2T(), jo)); // 2·S(x)
  const t = v128.xor(mcm(A, phase, 1), A2); // 2A + B
  // k is the round key already pushed through this round's rotations (see expandEncKey), added
  // where it costs no latency.
  const u = v128.xor(v128.xor(mcm(A, phase, 3), k), t); // 2A + B + D + k
  return v128.xor(mcm(t, phase, 1), u); // 2A + 3B + C + D + k
}

@inline function encLast(s: v128, k: v128): v128 {
  const lo = v128.and(s, S0F());
  const hi = v128.and(i16x8.shr_u(s, 4), S0F());
  const j = v128.xor(lo, hi);
  const a = swz(INVA(), lo);
  const io = v128.xor(swz(INV(), v128.xor(swz(INV(), hi), a)), j);
  const jo = v128.xor(swz(INV(), v128.xor(swz(INV(), j), a)), hi);
  return shiftRows2(v128.xor(v128.xor(swz(SBOU(), io), swz(SBOT(), jo)), k)); // 14 rounds: ShiftRows² left over
}

@inline function encFirst(x: v128, rk: usize): v128 {
  return v128.xor(transform(x, IPT_LO(), IPT_HI()), v128.load(rk));
}

/** Encrypts one block with an expanded encryption key at rk (see expandEncKey). */
// @ts-ignore: decorator
@inline export function encryptBlock(x: v128, rk: usize): v128 {
  let s = encFirst(x, rk);
  s = encRound(s, v128.load(rk, 16), 1);
  s = encRound(s, v128.load(rk, 32), 2);
  s = encRound(s, v128.load(rk, 48), 3);
  s = encRound(s, v128.load(rk, 64), 0);
  s = encRound(s, v128.load(rk, 80), 1);
  s = encRound(s, v128.load(rk, 96), 2);
  s = encRound(s, v128.load(rk, 112), 3);
  s = encRound(s, v128.load(rk, 128), 0);
  s = encRound(s, v128.load(rk, 144), 1);
  s = encRound(s, v128.load(rk, 160), 2);
  s = encRound(s, v128.load(rk, 176), 3);
  s = encRound(s, v128.load(rk, 192), 0);
  s = encRound(s, v128.load(rk, 208), 1);
  return encLast(s, v128.load(rk, 224));
}

// ---- decryption ----

// @ts-ignore: decorator
@inline function decRound(s: v128, k: v128, phase: i32): v128 {
  const lo = v128.and(s, S0F());
  const hi = v128.and(i16x8.shr_u(s, 4), S0F());
  const j = v128.xor(lo, hi);
  const a = swz(INVA(), lo);
  const io = v128.xor(swz(INV(), v128.xor(swz(INV(), hi), a)), j);
  const jo = v128.xor(swz(INV(), v128.xor(swz(INV(), j), a)), hi);
  // InvMixColumns as F³·9S + F²·13S + F·11S + 14S (+ k): three shuffles side by side, then a
  // two-level XOR tree, instead of Horner's rule (three shuffle+XOR steps in series).
  const m9 = v128.xor(swz(DSB9U(), io), swz(DSB9T(), jo));
  const md = v128.xor(swz(DSBDU(), io), swz(DSBDT(), jo));
  const mb = v128.xor(swz(DSBBU(), io), swz(DSBBT(), jo));
  // k is the round key already rotated three times (see expandDecKey), added off the critical path.
  const me = v128.xor(v128.xor(swz(DSBEU(), io), k), swz(DSBET(), jo));
  return v128.xor(v128.xor(mcm(m9, phase, 3), mcm(mb, phase, 1)), v128.xor(mcm(md, phase, 2), me));
}

@inline function decLast(s: v128, k: v128): v128 {
  const lo = v128.and(s, S0F());
  const hi = v128.and(i16x8.shr_u(s, 4), S0F());
  const j = v128.xor(lo, hi);
  const a = swz(INVA(), lo);
  const io = v128.xor(swz(INV(), v128.xor(swz(INV(), hi), a)), j);
  const jo = v128.xor(swz(INV(), v128.xor(swz(INV(), j), a)), hi);
  return shiftRows2(v128.xor(v128.xor(swz(DSBOU(), io), swz(DSBOT(), jo)), k));
}

/** Decrypts one block with an expanded decryption key at rk (see expandDecKey). */
// @ts-ignore: decorator
@inline export function decryptBlock(x: v128, rk: usize): v128 {
  let s = v128.xor(transform(x, DIPT_LO(), DIPT_HI()), v128.load(rk));
  s = decRound(s, v128.load(rk, 16), 3);
  s = decRound(s, v128.load(rk, 32), 2);
  s = decRound(s, v128.load(rk, 48), 1);
  s = decRound(s, v128.load(rk, 64), 0);
  s = decRound(s, v128.load(rk, 80), 3);
  s = decRound(s, v128.load(rk, 96), 2);
  s = decRound(s, v128.load(rk, 112), 1);
  s = decRound(s, v128.load(rk, 128), 0);
  s = decRound(s, v128.load(rk, 144), 3);
  s = decRound(s, v128.load(rk, 160), 2);
  s = decRound(s, v128.load(rk, 176), 1);
  s = decRound(s, v128.load(rk, 192), 0);
  s = decRound(s, v128.load(rk, 208), 3);
  return decLast(s, v128.load(rk, 224));
}

// ---- key schedule ----

/** SubBytes of FIPS-197 on all 16 bytes through the same constant-time S-box: sbo(inv(ipt(x))) + 0x63. */
// @ts-ignore: decorator
@inline function subBytes(x: v128): v128 {
  const s = transform(x, IPT_LO(), IPT_HI());
  const lo = v128.and(s, S0F());
  const hi = v128.and(i16x8.shr_u(s, 4), S0F());
  const j = v128.xor(lo, hi);
  const a = swz(INVA(), lo);
  const io = v128.xor(swz(INV(), v128.xor(swz(INV(), hi), a)), j);
  const jo = v128.xor(swz(INV(), v128.xor(swz(INV(), j), a)), hi);
  return v128.xor(v128.xor(swz(SBOU(), io), swz(SBOT(), jo)), S63());
}

/** [a0, a0^a1, a0^a1^a2, a0^a1^a2^a3] over the four 32-bit words. */
// @ts-ignore: decorator
@inline function prefixXor(a: v128): v128 {
  const z = i64x2.splat(0);
  const x = v128.xor(a, i8x16.shuffle(z, a, 0, 1, 2, 3, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27));
  return v128.xor(x, i8x16.shuffle(z, x, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23));
}

/**
 * The FIPS-197 AES-256 key expansion of the 32 bytes at key into W (little-endian words); returns W.
 * Four words per step: w[i..i+3] = prefixXor(w[i-8..i-5]) ^ f(w[i-1]) broadcast.
 */
export function expandStandard(key: usize): usize {
  let k0 = v128.load(key);
  let k1 = v128.load(key, 16);
  v128.store(W, k0);
  v128.store(W, k1, 16);
  let rcon: u32 = 1;
  for (let i: usize = 2; i < 15; i += 2) {
    // RotWord of the last word, broadcast, through the S-box, plus rcon in each word's first byte.
    const rot = i8x16.shuffle(k1, k1, 13, 14, 15, 12, 13, 14, 15, 12, 13, 14, 15, 12, 13, 14, 15, 12);
    k0 = v128.xor(prefixXor(k0), v128.xor(subBytes(rot), i32x4.splat(rcon)));
    v128.store(W + (i << 4), k0);
    rcon <<= 1;
    if (i == 14) break;
    const last = i8x16.shuffle(k0, k0, 12, 13, 14, 15, 12, 13, 14, 15, 12, 13, 14, 15, 12, 13, 14, 15);
    k1 = v128.xor(prefixXor(k1), subBytes(last));
    v128.store(W + (i << 4), k1, 16);
  }
  return W;
}

@inline function srMask(k: i32): v128 {
  const m = k & 3;
  return m == 0 ? i64x2(0x0706050403020100, 0x0f0e0d0c0b0a0908) : m == 1 ? SR_1 : m == 2 ? SR_2 : SR_3;
}

// @ts-ignore: decorator
@inline function keyThroughMix(k: v128, phase: i32): v128 {
  const f = mcF(k, phase);
  return v128.xor(v128.xor(f, mcB(k, phase)), mcF(f, phase));
}

// @ts-ignore: decorator
@inline function mcF3(k: v128, phase: i32): v128 {
  return mcB(k, phase); // F⁴ = 1
}

/** Multiplies every byte by x in GF(2^8) (the AES polynomial). */
@inline function xtime(v: v128): v128 {
  return v128.xor(i8x16.add(v, v), v128.and(i8x16.shr_s(v, 7), i64x2(0x1b1b1b1b1b1b1b1b, 0x1b1b1b1b1b1b1b1b)));
}

/** Expands a 32-byte key into the vpaes encryption schedule at out (KEY_SCHEDULE_SIZE bytes). */
export function expandEncKey(key: usize, out: usize): void {
  expandStandard(key);
  v128.store(out, transform(v128.load(W), IPT_LO(), IPT_HI()));
  for (let r = 1; r < ROUNDS; r++) {
    // The round adds its key before the MixColumns rotations, which turn k into k·(ρ + ρ² + ρ³);
    // that map is an involution, so store it applied once. The S-box tables omit the 0x63 constant.
    const k = v128.xor(v128.load(W + (<usize>r << 4)), S63());
    const mixed = v128.xor(v128.xor(swz(k, ROT1), swz(k, ROT2)), swz(k, ROT3));
    const kr = transform(swz(mixed, srMask(-r)), IPT_LO(), IPT_HI());
    // encRound adds its key after MixColumns: store k·(F + B + F²) for this round's phase.
    const ph = r & 3;
    const fk = ph == 0 ? keyThroughMix(kr, 0) : ph == 1 ? keyThroughMix(kr, 1) : ph == 2 ? keyThroughMix(kr, 2) : keyThroughMix(kr, 3);
    v128.store(out + (<usize>r << 4), fk);
  }
  v128.store(out + 224, v128.xor(swz(v128.load(W + 224), srMask(-ROUNDS)), S63()));
}

/** Expands a 32-byte key into the vpaes decryption schedule at out (KEY_SCHEDULE_SIZE bytes). */
export function expandDecKey(key: usize, out: usize): void {
  expandStandard(key);
  v128.store(out, transform(v128.xor(v128.load(W + 224), S63()), DIPT_LO(), DIPT_HI()));
  for (let r = 1; r < ROUNDS; r++) {
    const k = v128.xor(v128.load(W + (<usize>r << 4)), S63());
    // InvMixColumns: 14·k0 + 11·k1 + 13·k2 + 9·k3 within each column.
    const k2 = xtime(k);
    const k4 = xtime(k2);
    const k8 = xtime(k4);
    const k14 = v128.xor(v128.xor(k8, k4), k2);
    const k11 = v128.xor(v128.xor(k8, k2), k);
    const k13 = v128.xor(v128.xor(k8, k4), k);
    const k9 = v128.xor(k8, k);
    const imc = v128.xor(v128.xor(k14, swz(k11, ROT1)), v128.xor(swz(k13, ROT2), swz(k9, ROT3)));
    const kd = transform(swz(swz(imc, ROT1), srMask(ROUNDS - r)), DIPT_LO(), DIPT_HI());
    // decRound j = ROUNDS - r uses phase (4 - j) & 3 = (r + 2) & 3 and adds its key after three
    // rotations: store F³(k).
    const ph = (r + 2) & 3;
    const fk = ph == 0 ? mcF3(kd, 0) : ph == 1 ? mcF3(kd, 1) : ph == 2 ? mcF3(kd, 2) : mcF3(kd, 3);
    v128.store(out + (<usize>(ROUNDS - r) << 4), fk);
  }
  v128.store(out + 224, swz(v128.load(W), srMask(ROUNDS)));
}
