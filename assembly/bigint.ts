// Modular exponentiation for Diffie–Hellman (2048-bit in MTProto; any odd modulus up to 8192 bits).
//
// Representation: 27-bit limbs, one per u32, little-endian, zero-padded to a multiple of 4 limbs. A product of
// two limbs is < 2^54, so the u64 accumulator columns can absorb 2N of them (N ≤ 304 limbs ⇒ < 2^63.3) with no
// carry handling inside the loops: carries are resolved once per pass and once at the end. The inner loop is
// pure SIMD multiply-adds, `i64x2.extmul_{low,high}_i32x4_u` (2 products each) added into the u64 columns.
// Montgomery products are separated: first the product into 2N columns (a·b, or for squaring the triangle
// a_i·2a_j, j > i, plus the squares: half the products), then the reduction: row i adds m_i·M at column i, with
// m_i making column i divisible by 2^27. All three run four rows per pass through one kernel (addRows4: row s of
// the pass reads the vector operand at an unaligned offset of −s limbs), so a group of 4 columns is loaded and
// stored once per 16 products. The reduction's m values come two digits at a time from a 54-bit inverse. The
// exponent is scanned in sliding windows of up to 6 bits over a table of odd powers.
//
// Measured (Node 20 / V8 11.3, AMD EPYC Zen 4, 2 shared cores; one 2048/2048/2048 modexp, CPU time, min of 40):
//   before (one row per pass, merged CIOS rows, fixed 5-bit windows)  4.67 ms
//   four rows per pass, separate product and reduction                4.51 ms   (kernel: 41 instructions per
//   + sliding windows (w = 6: ≈ 324 products instead of 440)          4.27 ms    16 products instead of 27 per 8)
//   + kernel unrolled ×4, remainder through a jump table              4.21 ms
//   + m two digits at a time (chain ~26 instead of ~40 cycles/pass)   4.10 ms
//   + row values splatted straight from memory                        4.08 ms   (−13% in all; 1.14× the speed)
//   same process, CPU time, node:crypto DH generateKeys on the same operands 1.95 ms: before 0.42×, after 0.48×.
//   npm run bench -- --filter modPow (one run, loaded machine): ours 5.84 ms, OpenSSL 2.81 ms (0.48×), BigInt
//   peers 22.2–22.4 ms (3.8×), pure TS 18.4 ms (3.15×); the brief's quiet-machine baseline was 5.76 ms / 0.36×.
// Why not further: the kernel sits at ~9 cycles per 16 products, the bound of V8's extmul lowering (vpunpck of
// each operand + vpmuludq: one shuffle per product, and Zen 4 has two shuffle pipes). The splatted row value is
// re-unpacked by every extmul; no WASM op reaches a bare pmuludq. Measured alternatives (same microbenchmark,
// one 2048-bit reduction, relative to the extmul kernel): f64x2 with 24-bit limbs, 8 rows per pass 0.75×;
// i32x4.dot_i16x8_s with 14-bit limbs, 8 or 16 rows per pass 0.6–0.7× (4× the products); 8 splats per pass
// spilled; 2 rows per pass 0.97×; full unrolling for N = 76 1.0×. Software-pipelining the m chain into the
// previous pass (from the first group's sums kept in registers, via memory, or reloaded) measured 3–5% slower
// and was dropped, although a chain made 6 multiplies longer costs +4.6%: the chain is exposed but moving it
// earlier did not pay on this core.
// Of the 4.08 ms, ~3.6 ms is kernel time at that bound; the rest is the m chain, finishColumns and pass set-up.
import { IO } from './arena';

const LIMB_BITS: u32 = 27;
const LIMB_MASK: u32 = (1 << LIMB_BITS) - 1;
/** Largest supported modulus / exponent / base, in bits. */
export const MODPOW_MAX_BITS: i32 = 8192;
const MAX_LIMBS: i32 = 304; // ceil(8192 / 27) = 304, already a multiple of 4
const LIMB_BYTES: i32 = (MAX_LIMBS + 8) * 4; // + zero padding read by the vector loops
const MAX_WINDOW: i32 = 6;
const TABLE_SIZE: i32 = 1 << (MAX_WINDOW - 1); // odd powers base^1, base^3, …, base^(2^6 − 1)

const MOD: usize = memory.data(LIMB_BYTES, 16);
const COLS: usize = memory.data((2 * MAX_LIMBS + 8) * 8, 16);
const BASE: usize = memory.data(LIMB_BYTES, 16);
const ACC: usize = memory.data(LIMB_BYTES, 16);
const TMP: usize = memory.data(LIMB_BYTES, 16);
const ONE: usize = memory.data(LIMB_BYTES, 16); // R mod M (Montgomery 1)
const R2: usize = memory.data(LIMB_BYTES, 16); // R² mod M
const TABLE: usize = memory.data(TABLE_SIZE * LIMB_BYTES, 16);
const EXP: usize = memory.data(MODPOW_MAX_BITS / 8 + 16, 16); // exponent as little-endian u32 words

let nLimbs: i32 = 0; // N, a multiple of 4
let mInv: u32 = 0; // −M^-1 mod 2^27
let mInv54: u64 = 0; // −M^-1 mod 2^54: two Montgomery digits from one 64-bit multiply

@inline function limb(p: usize, i: i32): u32 {
  return load<u32>(p + (<usize>i << 2));
}
@inline function setLimb(p: usize, i: i32, v: u32): void {
  store<u32>(p + (<usize>i << 2), v);
}

function zeroLimbs(p: usize): void {
  memory.fill(p, 0, LIMB_BYTES);
}

function copyLimbs(dst: usize, src: usize): void {
  memory.copy(dst, src, <usize>nLimbs << 2);
}

/** x ≥ M ? (compares N normalized limbs from the top). */
function geMod(x: usize): bool {
  for (let i = nLimbs - 1; i >= 0; i--) {
    const a = limb(x, i);
    const m = limb(MOD, i);
    if (a != m) return a > m;
  }
  return true;
}

/** x −= M (x ≥ M, or x + 2^(27N)·carry ≥ M when the caller had a carry out). */
function subMod(x: usize): void {
  let borrow: i32 = 0;
  for (let i = 0; i < nLimbs; i++) {
    const d: i32 = <i32>limb(x, i) - <i32>limb(MOD, i) - borrow;
    setLimb(x, i, <u32>d & LIMB_MASK);
    borrow = d < 0 ? 1 : 0;
  }
}

/** x = 2x mod M (x < M). */
function doubleMod(x: usize): void {
  let carry: u32 = 0;
  for (let i = 0; i < nLimbs; i++) {
    const v: u32 = (limb(x, i) << 1) | carry;
    setLimb(x, i, v & LIMB_MASK);
    carry = v >> LIMB_BITS;
  }
  if (carry != 0 || geMod(x)) subMod(x);
}

/** Moves columns N..2N-1 (plus the carry out of column N-1) into normalized limbs at `out`, reduced below M. */
@inline function finishColumns(out: usize, carry: u64): void {
  const n = nLimbs;
  for (let k = 0; k < n; k++) {
    const v: u64 = load<u64>(COLS + (<usize>(n + k) << 3)) + carry;
    setLimb(out, k, <u32>v & LIMB_MASK);
    carry = v >> LIMB_BITS;
  }
  if (carry != 0 || geMod(out)) subMod(out);
}

// Four rows per pass. Rows i..i+3 add v_s·X at column offset i+s (s = 0..3); a pass walks the columns i+g..i+g+3
// in 4-column groups and, for row s, loads X at limb g−s (an unaligned 16-byte load), so each group of columns is
// loaded and stored once per four rows instead of once per row (the single-row loop spent half its instructions
// on that). Four splatted row values keep the loop within the 16 xmm registers; eight spilled (measured).

/** One group: the 4 columns at `pc` += Σ_s v_s·X[g−s..g−s+3], with `p` at X[g−3] (positive load offsets only). */
@inline function addGroup4(pc: usize, p: usize, v0: v128, v1: v128, v2: v128, v3: v128): void {
  const x3 = v128.load(p), x2 = v128.load(p, 4), x1 = v128.load(p, 8), x0 = v128.load(p, 12);
  const lo = i64x2.add(
    i64x2.add(i64x2.extmul_low_i32x4_u(x0, v0), i64x2.extmul_low_i32x4_u(x1, v1)),
    i64x2.add(i64x2.extmul_low_i32x4_u(x2, v2), i64x2.extmul_low_i32x4_u(x3, v3)),
  );
  const hi = i64x2.add(
    i64x2.add(i64x2.extmul_high_i32x4_u(x0, v0), i64x2.extmul_high_i32x4_u(x1, v1)),
    i64x2.add(i64x2.extmul_high_i32x4_u(x2, v2), i64x2.extmul_high_i32x4_u(x3, v3)),
  );
  v128.store(pc, i64x2.add(v128.load(pc), lo));
  v128.store(pc, i64x2.add(v128.load(pc, 16), hi), 16);
}

/**
 * `count` consecutive groups from the columns at `pc` (`p` at X[g−3] of the first). Unrolled by four with the
 * remainder entered through a jump table, so a pass ends in one predictable branch rather than a loop exit.
 */
@inline function addRows4(pc: usize, p: usize, count: i32, v0: v128, v1: v128, v2: v128, v3: v128): void {
  while (count >= 4) {
    addGroup4(pc, p, v0, v1, v2, v3);
    addGroup4(pc + 32, p + 16, v0, v1, v2, v3);
    addGroup4(pc + 64, p + 32, v0, v1, v2, v3);
    addGroup4(pc + 96, p + 48, v0, v1, v2, v3);
    pc += 128;
    p += 64;
    count -= 4;
  }
  switch (count) {
    case 3: addGroup4(pc + 64, p + 32, v0, v1, v2, v3);
    case 2: addGroup4(pc + 32, p + 16, v0, v1, v2, v3);
    case 1: addGroup4(pc, p, v0, v1, v2, v3);
    default:
  }
}

// Vector operands with 4 zero limbs in front (read by the first group of a pass) and zero limbs N..N+3.
const BPAD: usize = memory.data(LIMB_BYTES + 16, 16) + 16;
const DBL: usize = memory.data(LIMB_BYTES + 16, 16) + 16; // 2·a for squaring

/** out = a·b·R^-1 mod M (a, b < M; out may alias a or b): the product into the columns, then the reduction. */
function montMul(out: usize, a: usize, b: usize): void {
  const n = nLimbs;
  memory.fill(COLS, 0, <usize>(2 * n + 8) << 3);
  memory.copy(BPAD, b, <usize>n << 2);
  v128.store(BPAD + (<usize>n << 2), i32x4.splat(0));
  const groups = (n >> 2) + 1; // g = 0, 4, …, N
  for (let i = 0; i < n; i += 4) {
    const pa: usize = a + (<usize>i << 2);
    addRows4(
      COLS + (<usize>i << 3), BPAD - 12, groups,
      v128.load32_splat(pa), v128.load32_splat(pa, 4), v128.load32_splat(pa, 8), v128.load32_splat(pa, 12),
    );
  }
  reduceColumns(out);
}

/**
 * Montgomery reduction of the 2N columns in COLS into `out`. Per pass, m_i..m_{i+3} and the carries out of columns
 * i..i+3 come from scalar code (only the low products reach those columns), so the vector rows start at g = 4.
 */
function reduceColumns(out: usize): void {
  const n = nLimbs;
  const M0: u64 = <u64>limb(MOD, 0), M1: u64 = <u64>limb(MOD, 1), M2: u64 = <u64>limb(MOD, 2), M3: u64 = <u64>limb(MOD, 3);
  const inv: u64 = mInv54;
  const mask: u64 = <u64>LIMB_MASK;
  let carry: u64 = 0;
  for (let i = 0; i < n; i += 4) {
    const col: usize = COLS + (<usize>i << 3);
    // The m values two digits at a time (a 54-bit Montgomery digit): the chain from one pass's carry to the next
    // is about 26 cycles of latency instead of 40 digit by digit.
    const c0: u64 = load<u64>(col), c1: u64 = load<u64>(col, 8), c2: u64 = load<u64>(col, 16), c3: u64 = load<u64>(col, 24);
    let t: u64 = c0 + carry;
    let mm: u64 = (t + (c1 << LIMB_BITS)) * inv;
    const m0: u64 = mm & mask, m1: u64 = (mm >> LIMB_BITS) & mask;
    let k: u64 = (t + m0 * M0) >> LIMB_BITS;
    k = (c1 + k + m0 * M1 + m1 * M0) >> LIMB_BITS;
    t = c2 + m0 * M2 + m1 * M1 + k;
    const t3: u64 = c3 + m0 * M3 + m1 * M2;
    mm = (t + (t3 << LIMB_BITS)) * inv;
    const m2: u64 = mm & mask, m3: u64 = (mm >> LIMB_BITS) & mask;
    k = (t + m2 * M0) >> LIMB_BITS;
    carry = (t3 + k + m2 * M1 + m3 * M0) >> LIMB_BITS;
    addRows4(
      col + 32, MOD + 4, n >> 2, // g = 4, 8, …, N
      i32x4.splat(<u32>m0), i32x4.splat(<u32>m1), i32x4.splat(<u32>m2), i32x4.splat(<u32>m3),
    );
  }
  finishColumns(out, carry);
}

// Lane masks: ABOVE0 keeps lanes 1..3, ABOVE2 keeps lane 3.
const ABOVE0: usize = memory.data<u32>([0, -1, -1, -1], 16);
const ABOVE2: usize = memory.data<u32>([0, 0, 0, -1], 16);

/**
 * out = a²·R^-1 mod M. The square goes into the columns as the triangle a_i·(2a_j), j > i (half the products of a
 * full multiply, four rows per pass) plus the squares a_i², then the reduction. In pass i, row s needs limbs
 * j > i+s: group g = i takes lanes ℓ > 2s, group i+4 lanes ℓ > 2s−4, and from i+8 on every lane counts.
 */
function montSqr(out: usize, a: usize): void {
  const n = nLimbs;
  memory.fill(COLS, 0, <usize>(2 * n + 8) << 3);
  for (let j = 0; j < n; j += 4) v128.store(DBL + (<usize>j << 2), i32x4.shl(v128.load(a + (<usize>j << 2)), 1));
  v128.store(DBL + (<usize>n << 2), i32x4.splat(0));
  for (let k = 0; k < n; k++) {
    const ak: u64 = <u64>limb(a, k);
    store<u64>(COLS + (<usize>k << 4), ak * ak);
  }
  const mask0 = v128.load(ABOVE0);
  const mask2 = v128.load(ABOVE2);
  for (let i = 0; i < n; i += 4) {
    const pa: usize = a + (<usize>i << 2);
    const v0 = v128.load32_splat(pa), v1 = v128.load32_splat(pa, 4);
    const v2 = v128.load32_splat(pa, 8), v3 = v128.load32_splat(pa, 12);
    const px: usize = DBL + (<usize>i << 2);
    let pc: usize = COLS + (<usize>i << 4);
    {
      // g = i: rows 0 (lanes 1..3) and 1 (lane 3).
      const x0 = v128.and(v128.load(px), mask0), x1 = v128.and(v128.load(px - 4), mask2);
      const lo = i64x2.add(i64x2.extmul_low_i32x4_u(x0, v0), i64x2.extmul_low_i32x4_u(x1, v1));
      const hi = i64x2.add(i64x2.extmul_high_i32x4_u(x0, v0), i64x2.extmul_high_i32x4_u(x1, v1));
      v128.store(pc, i64x2.add(v128.load(pc), lo));
      v128.store(pc, i64x2.add(v128.load(pc, 16), hi), 16);
    }
    {
      // g = i+4: rows 0, 1 whole, row 2 lanes 1..3, row 3 lane 3.
      const x0 = v128.load(px, 16), x1 = v128.load(px, 12);
      const x2 = v128.and(v128.load(px, 8), mask0), x3 = v128.and(v128.load(px, 4), mask2);
      const lo = i64x2.add(
        i64x2.add(i64x2.extmul_low_i32x4_u(x0, v0), i64x2.extmul_low_i32x4_u(x1, v1)),
        i64x2.add(i64x2.extmul_low_i32x4_u(x2, v2), i64x2.extmul_low_i32x4_u(x3, v3)),
      );
      const hi = i64x2.add(
        i64x2.add(i64x2.extmul_high_i32x4_u(x0, v0), i64x2.extmul_high_i32x4_u(x1, v1)),
        i64x2.add(i64x2.extmul_high_i32x4_u(x2, v2), i64x2.extmul_high_i32x4_u(x3, v3)),
      );
      v128.store(pc, i64x2.add(v128.load(pc, 32), lo), 32);
      v128.store(pc, i64x2.add(v128.load(pc, 48), hi), 48);
    }
    if (i + 8 <= n) addRows4(pc + 64, px + 20, ((n - i) >> 2) - 1, v0, v1, v2, v3); // g = i+8, …, N
  }
  reduceColumns(out);
}

/** Converts the lowercase/uppercase hex digits at [ptr, ptr+len) (most significant first) into limbs. */
function hexToLimbs(ptr: usize, len: i32, out: usize): void {
  zeroLimbs(out);
  // Digits past the size limit are leading zeros (the caller checked the bit length).
  const digits = min(len, MODPOW_MAX_BITS >> 2);
  for (let k = 0; k < digits; k++) {
    const c: u32 = load<u8>(ptr + <usize>(len - 1 - k));
    const v: u32 = c <= 57 ? c - 48 : (c | 32) - 87;
    const bit: u32 = <u32>k << 2;
    const i: i32 = <i32>(bit / LIMB_BITS);
    const s: u32 = bit % LIMB_BITS;
    setLimb(out, i, limb(out, i) | ((v << s) & LIMB_MASK));
    if (s > LIMB_BITS - 4) setLimb(out, i + 1, limb(out, i + 1) | (v >> (LIMB_BITS - s)));
  }
}

/** Hex digits into little-endian u32 words at `out` (the exponent, scanned bitwise). */
function hexToWords(ptr: usize, len: i32, out: usize): void {
  memory.fill(out, 0, MODPOW_MAX_BITS / 8 + 16);
  const digits = min(len, MODPOW_MAX_BITS >> 2);
  for (let k = 0; k < digits; k++) {
    const c: u32 = load<u8>(ptr + <usize>(len - 1 - k));
    const v: u32 = c <= 57 ? c - 48 : (c | 32) - 87;
    const w: usize = out + (<usize>(k >> 3) << 2);
    store<u32>(w, load<u32>(w) | (v << (<u32>(k & 7) << 2)));
  }
}

/** Bit `pos` of the exponent words. */
@inline function expBit(pos: i32): u32 {
  return (load<u32>(EXP + (<usize>(pos >> 5) << 2)) >> <u32>(pos & 31)) & 1;
}

/** Bits [lo, lo+len) of the exponent words, len ≤ MAX_WINDOW. */
@inline function expBits(lo: i32, len: i32): u32 {
  const w: usize = EXP + (<usize>(lo >> 5) << 2);
  // Two words cover any window of up to 32 bits; EXP is zero-padded past the top.
  const pair: u64 = <u64>load<u32>(w) | (<u64>load<u32>(w, 4) << 32);
  return <u32>(pair >> <u64>(lo & 31)) & ((1 << <u32>len) - 1);
}

/** Writes `src` limbs as lowercase hex (no leading zeros; "0" for zero) at `ptr`; returns the length. */
function limbsToHex(src: usize, ptr: usize): i32 {
  let digits = (nLimbs * LIMB_BITS + 3) >> 2;
  let len = 0;
  for (let k = digits - 1; k >= 0; k--) {
    const bit: u32 = <u32>k << 2;
    const i: i32 = <i32>(bit / LIMB_BITS);
    const s: u32 = bit % LIMB_BITS;
    let v: u32 = limb(src, i) >> s;
    if (s > LIMB_BITS - 4 && i + 1 < nLimbs) v |= limb(src, i + 1) << (LIMB_BITS - s);
    v &= 15;
    if (len == 0 && v == 0 && k != 0) continue;
    store<u8>(ptr + <usize>len, v < 10 ? 48 + v : 87 + v);
    len++;
  }
  return len;
}

/** Sets up N, −M^-1 mod 2^27, R mod M and R² mod M for the modulus in MOD with `bits` significant bits. */
function setupModulus(bits: i32): void {
  nLimbs = ((bits + LIMB_BITS - 1) / LIMB_BITS + 3) & ~3;
  // M^-1 mod 2^32 by Newton's iteration, then negate and keep 27 bits.
  const m0: u32 = limb(MOD, 0);
  let inv: u32 = m0;
  for (let i = 0; i < 4; i++) inv *= 2 - m0 * inv;
  mInv = (0 - inv) & LIMB_MASK;
  const low: u64 = <u64>m0 | (<u64>limb(MOD, 1) << LIMB_BITS);
  let inv64: u64 = low;
  for (let i = 0; i < 5; i++) inv64 *= 2 - low * inv64;
  mInv54 = (0 - inv64) & ((<u64>1 << 54) - 1);
  // R mod M: start from 2^(bits−1) < M, double up to 2^(27N).
  zeroLimbs(ONE);
  zeroLimbs(R2);
  if (bits == 1) return; // M = 1: everything is 0
  const top = bits - 1;
  setLimb(ONE, top / LIMB_BITS, 1 << <u32>(top % LIMB_BITS));
  const rBits = nLimbs * LIMB_BITS;
  for (let i = top; i < rBits; i++) doubleMod(ONE);
  // R² mod M = the Montgomery form of 2^(27N): left-to-right square-and-double from the form of 1.
  copyLimbs(R2, ONE);
  const e: u32 = <u32>rBits;
  for (let i = 31 - <i32>clz<u32>(e); i >= 0; i--) {
    montSqr(R2, R2);
    if ((e >> <u32>i) & 1) doubleMod(R2);
  }
}

function bitLengthHex(ptr: usize, len: i32): i32 {
  // Leading zero digits are allowed; count significant bits.
  let i = 0;
  while (i < len && load<u8>(ptr + <usize>i) == 48) i++;
  if (i == len) return 0;
  const c: u32 = load<u8>(ptr + <usize>i);
  const v: u32 = c <= 57 ? c - 48 : (c | 32) - 87;
  return (len - i - 1) * 4 + (32 - <i32>clz<u32>(v));
}

/**
 * base^exponent mod modulus over hex strings in the IO buffer: base digits at IO, then the exponent's, then the
 * modulus's (most significant first). Requires an odd modulus of at most 8192 bits, a base with no more bits than it, exponent of at
 * most 8192 bits (the binding checks). Writes the result's hex digits at IO and returns their count
 * (or −1 if the modulus is out of range).
 */
export function modPowHex(baseLen: i32, expLen: i32, modLen: i32): i32 {
  const basePtr: usize = IO;
  const expPtr: usize = IO + <usize>baseLen;
  const modPtr: usize = expPtr + <usize>expLen;
  const modBits = bitLengthHex(modPtr, modLen);
  const expBits = bitLengthHex(expPtr, expLen);
  // base needs no more bits than the modulus: REDC(base·R²) is exact for any base < R.
  if (modBits == 0 || modBits > MODPOW_MAX_BITS || expBits > MODPOW_MAX_BITS) return -1;
  if (bitLengthHex(basePtr, baseLen) > modBits) return -1;
  hexToLimbs(modPtr, modLen, MOD);
  if ((limb(MOD, 0) & 1) == 0) return -1;
  hexToLimbs(basePtr, baseLen, BASE);
  hexToWords(expPtr, expLen, EXP);
  setupModulus(modBits);
  modPowLimbs(expBits);
  return limbsToHex(ACC, IO);
}

/** Sliding-window width for an exponent of `bits` bits (the table costs 2^(w−1) products). */
function windowBits(bits: i32): i32 {
  return bits > 671 ? 6 : bits > 239 ? 5 : bits > 79 ? 4 : bits > 23 ? 3 : bits > 6 ? 2 : 1;
}

/**
 * ACC = BASE^EXP mod MOD (BASE < MOD, normalized limbs; setupModulus done). Left-to-right sliding windows over odd
 * powers: for 2048-bit exponents with w = 6 that is 2048 squarings and ≈ 31 + 293 products, against 30 + 410 with
 * fixed 5-bit windows. The window positions depend on the exponent's bits (not constant-time; nor was OpenSSL's
 * non-consttime path that DH compares with).
 */
function modPowLimbs(bitsE: i32): void {
  const stride: usize = <usize>LIMB_BYTES;
  const w = windowBits(bitsE);
  // TABLE[k] = Montgomery form of base^(2k+1); TMP = base².
  montMul(TABLE, BASE, R2);
  const tableSize = 1 << (w - 1);
  if (tableSize > 1) {
    montSqr(TMP, TABLE);
    for (let k = 1; k < tableSize; k++) montMul(TABLE + stride * <usize>k, TABLE + stride * <usize>(k - 1), TMP);
  }
  copyLimbs(ACC, ONE);
  let first = true;
  let i = bitsE - 1;
  while (i >= 0) {
    if (expBit(i) == 0) {
      montSqr(ACC, ACC);
      i--;
      continue;
    }
    // The longest window [j, i] of at most w bits that ends in a 1 bit.
    let j = max(i - w + 1, 0);
    while (expBit(j) == 0) j++;
    const len = i - j + 1;
    const entry: usize = TABLE + stride * <usize>(expBits(j, len) >> 1);
    if (first) {
      copyLimbs(ACC, entry);
      first = false;
    } else {
      for (let s = 0; s < len; s++) montSqr(ACC, ACC);
      montMul(ACC, ACC, entry);
    }
    i = j - 1;
  }
  // Out of Montgomery form: multiply by plain 1.
  zeroLimbs(TMP);
  setLimb(TMP, 0, 1);
  montMul(ACC, ACC, TMP);
}
