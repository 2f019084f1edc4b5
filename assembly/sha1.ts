// SHA-1 (FIPS 180-4) over raw memory, allocation-free. MTProto still uses it for auth_key_id, the
// handshake's tmp_aes_key/iv and answer checks; the shape follows sha256.ts (see the notes there):
//   sha1Init(ctx) / sha1Update(ctx, ptr, len) / sha1Final(ctx, out)   incremental, any ctx block
//   sha1Into(ptr, len, out)                                           one shot
//   sha1Concat2(p1, l1, p2, l2, out)                                  SHA1(a + b), no copy of a or b
// `out` may overlap the input: the digest is written after the last input byte has been read.
// The 80 rounds are written out in full with the five working variables renamed per round (round i uses
// w[i & 15] and the variables rotated by i mod 5), the schedule window in locals, constants as immediates.
// Unlike SHA-256, a v128 message schedule (as in sha256.ts, with the lane-3 fix-up for the W[i-3]
// dependency) showed no clear gain here: within noise at 1 MiB and slower for a single block, since
// SHA-1's schedule is only three xors and a rotate per word. So the schedule stays scalar.

/** Bytes in a hashing context: h[5] (0), pending block (32..96), pending length u32 (96), total u64 (104). */
export const SHA1_CTX_SIZE: i32 = 112;
const BUF: usize = 32;
const USED: usize = 96;
const TOTAL: usize = 104;

const CTX: usize = memory.data(SHA1_CTX_SIZE, 16);

@inline function load32be(p: usize): u32 { return bswap<u32>(load<u32>(p)); }
@inline function ch(b: u32, c: u32, d: u32): u32 { return d ^ (b & (c ^ d)); }
@inline function parity(b: u32, c: u32, d: u32): u32 { return b ^ c ^ d; }
@inline function maj(b: u32, c: u32, d: u32): u32 { return (b & c) | (d & (b | c)); }

/** Compresses `blocks` 64-byte blocks at `p` into the chaining value at `state`. */
export function sha1Blocks(state: usize, p: usize, blocks: usize): void {
  let a = load<u32>(state, 0), b = load<u32>(state, 4), c = load<u32>(state, 8);
  let d = load<u32>(state, 12), e = load<u32>(state, 16);
  const end = p + (blocks << 6);
  while (p < end) {
    let w0: u32, w1: u32, w2: u32, w3: u32, w4: u32, w5: u32, w6: u32, w7: u32;
    let w8: u32, w9: u32, w10: u32, w11: u32, w12: u32, w13: u32, w14: u32, w15: u32;
    const a0 = a, b0 = b, c0 = c, d0 = d, e0 = e;
    w0 = load32be(p + 0);
    e += rotl<u32>(a, 5) + ch(b, c, d) + 0x5a827999 + w0; b = rotl<u32>(b, 30);
    w1 = load32be(p + 4);
    d += rotl<u32>(e, 5) + ch(a, b, c) + 0x5a827999 + w1; a = rotl<u32>(a, 30);
    w2 = load32be(p + 8);
    c += rotl<u32>(d, 5) + ch(e, a, b) + 0x5a827999 + w2; e = rotl<u32>(e, 30);
    w3 = load32be(p + 12);
    b += rotl<u32>(c, 5) + ch(d, e, a) + 0x5a827999 + w3; d = rotl<u32>(d, 30);
    w4 = load32be(p + 16);
    a += rotl<u32>(b, 5) + ch(c, d, e) + 0x5a827999 + w4; c = rotl<u32>(c, 30);
    w5 = load32be(p + 20);
    e += rotl<u32>(a, 5) + ch(b, c, d) + 0x5a827999 + w5; b = rotl<u32>(b, 30);
    w6 = load32be(p + 24);
    d += rotl<u32>(e, 5) + ch(a, b, c) + 0x5a827999 + w6; a = rotl<u32>(a, 30);
    w7 = load32be(p + 28);
    c += rotl<u32>(d, 5) + ch(e, a, b) + 0x5a827999 + w7; e = rotl<u32>(e, 30);
    w8 = load32be(p + 32);
    b += rotl<u32>(c, 5) + ch(d, e, a) + 0x5a827999 + w8; d = rotl<u32>(d, 30);
    w9 = load32be(p + 36);
    a += rotl<u32>(b, 5) + ch(c, d, e) + 0x5a827999 + w9; c = rotl<u32>(c, 30);
    w10 = load32be(p + 40);
    e += rotl<u32>(a, 5) + ch(b, c, d) + 0x5a827999 + w10; b = rotl<u32>(b, 30);
    w11 = load32be(p + 44);
    d += rotl<u32>(e, 5) + ch(a, b, c) + 0x5a827999 + w11; a = rotl<u32>(a, 30);
    w12 = load32be(p + 48);
    c += rotl<u32>(d, 5) + ch(e, a, b) + 0x5a827999 + w12; e = rotl<u32>(e, 30);
    w13 = load32be(p + 52);
    b += rotl<u32>(c, 5) + ch(d, e, a) + 0x5a827999 + w13; d = rotl<u32>(d, 30);
    w14 = load32be(p + 56);
    a += rotl<u32>(b, 5) + ch(c, d, e) + 0x5a827999 + w14; c = rotl<u32>(c, 30);
    w15 = load32be(p + 60);
    e += rotl<u32>(a, 5) + ch(b, c, d) + 0x5a827999 + w15; b = rotl<u32>(b, 30);
    w0 = rotl<u32>(w13 ^ w8 ^ w2 ^ w0, 1);
    d += rotl<u32>(e, 5) + ch(a, b, c) + 0x5a827999 + w0; a = rotl<u32>(a, 30);
    w1 = rotl<u32>(w14 ^ w9 ^ w3 ^ w1, 1);
    c += rotl<u32>(d, 5) + ch(e, a, b) + 0x5a827999 + w1; e = rotl<u32>(e, 30);
    w2 = rotl<u32>(w15 ^ w10 ^ w4 ^ w2, 1);
    b += rotl<u32>(c, 5) + ch(d, e, a) + 0x5a827999 + w2; d = rotl<u32>(d, 30);
    w3 = rotl<u32>(w0 ^ w11 ^ w5 ^ w3, 1);
    a += rotl<u32>(b, 5) + ch(c, d, e) + 0x5a827999 + w3; c = rotl<u32>(c, 30);
    w4 = rotl<u32>(w1 ^ w12 ^ w6 ^ w4, 1);
    e += rotl<u32>(a, 5) + parity(b, c, d) + 0x6ed9eba1 + w4; b = rotl<u32>(b, 30);
    w5 = rotl<u32>(w2 ^ w13 ^ w7 ^ w5, 1);
    d += rotl<u32>(e, 5) + parity(a, b, c) + 0x6ed9eba1 + w5; a = rotl<u32>(a, 30);
    w6 = rotl<u32>(w3 ^ w14 ^ w8 ^ w6, 1);
    c += rotl<u32>(d, 5) + parity(e, a, b) + 0x6ed9eba1 + w6; e = rotl<u32>(e, 30);
    w7 = rotl<u32>(w4 ^ w15 ^ w9 ^ w7, 1);
    b += rotl<u32>(c, 5) + parity(d, e, a) + 0x6ed9eba1 + w7; d = rotl<u32>(d, 30);
    w8 = rotl<u32>(w5 ^ w0 ^ w10 ^ w8, 1);
    a += rotl<u32>(b, 5) + parity(c, d, e) + 0x6ed9eba1 + w8; c = rotl<u32>(c, 30);
    w9 = rotl<u32>(w6 ^ w1 ^ w11 ^ w9, 1);
    e += rotl<u32>(a, 5) + parity(b, c, d) + 0x6ed9eba1 + w9; b = rotl<u32>(b, 30);
    w10 = rotl<u32>(w7 ^ w2 ^ w12 ^ w10, 1);
    d += rotl<u32>(e, 5) + parity(a, b, c) + 0x6ed9eba1 + w10; a = rotl<u32>(a, 30);
    w11 = rotl<u32>(w8 ^ w3 ^ w13 ^ w11, 1);
    c += rotl<u32>(d, 5) + parity(e, a, b) + 0x6ed9eba1 + w11; e = rotl<u32>(e, 30);
    w12 = rotl<u32>(w9 ^ w4 ^ w14 ^ w12, 1);
    b += rotl<u32>(c, 5) + parity(d, e, a) + 0x6ed9eba1 + w12; d = rotl<u32>(d, 30);
    w13 = rotl<u32>(w10 ^ w5 ^ w15 ^ w13, 1);
    a += rotl<u32>(b, 5) + parity(c, d, e) + 0x6ed9eba1 + w13; c = rotl<u32>(c, 30);
    w14 = rotl<u32>(w11 ^ w6 ^ w0 ^ w14, 1);
    e += rotl<u32>(a, 5) + parity(b, c, d) + 0x6ed9eba1 + w14; b = rotl<u32>(b, 30);
    w15 = rotl<u32>(w12 ^ w7 ^ w1 ^ w15, 1);
    d += rotl<u32>(e, 5) + parity(a, b, c) + 0x6ed9eba1 + w15; a = rotl<u32>(a, 30);
    w0 = rotl<u32>(w13 ^ w8 ^ w2 ^ w0, 1);
    c += rotl<u32>(d, 5) + parity(e, a, b) + 0x6ed9eba1 + w0; e = rotl<u32>(e, 30);
    w1 = rotl<u32>(w14 ^ w9 ^ w3 ^ w1, 1);
    b += rotl<u32>(c, 5) + parity(d, e, a) + 0x6ed9eba1 + w1; d = rotl<u32>(d, 30);
    w2 = rotl<u32>(w15 ^ w10 ^ w4 ^ w2, 1);
    a += rotl<u32>(b, 5) + parity(c, d, e) + 0x6ed9eba1 + w2; c = rotl<u32>(c, 30);
    w3 = rotl<u32>(w0 ^ w11 ^ w5 ^ w3, 1);
    e += rotl<u32>(a, 5) + parity(b, c, d) + 0x6ed9eba1 + w3; b = rotl<u32>(b, 30);
    w4 = rotl<u32>(w1 ^ w12 ^ w6 ^ w4, 1);
    d += rotl<u32>(e, 5) + parity(a, b, c) + 0x6ed9eba1 + w4; a = rotl<u32>(a, 30);
    w5 = rotl<u32>(w2 ^ w13 ^ w7 ^ w5, 1);
    c += rotl<u32>(d, 5) + parity(e, a, b) + 0x6ed9eba1 + w5; e = rotl<u32>(e, 30);
    w6 = rotl<u32>(w3 ^ w14 ^ w8 ^ w6, 1);
    b += rotl<u32>(c, 5) + parity(d, e, a) + 0x6ed9eba1 + w6; d = rotl<u32>(d, 30);
    w7 = rotl<u32>(w4 ^ w15 ^ w9 ^ w7, 1);
    a += rotl<u32>(b, 5) + parity(c, d, e) + 0x6ed9eba1 + w7; c = rotl<u32>(c, 30);
    w8 = rotl<u32>(w5 ^ w0 ^ w10 ^ w8, 1);
    e += rotl<u32>(a, 5) + maj(b, c, d) + 0x8f1bbcdc + w8; b = rotl<u32>(b, 30);
    w9 = rotl<u32>(w6 ^ w1 ^ w11 ^ w9, 1);
    d += rotl<u32>(e, 5) + maj(a, b, c) + 0x8f1bbcdc + w9; a = rotl<u32>(a, 30);
    w10 = rotl<u32>(w7 ^ w2 ^ w12 ^ w10, 1);
    c += rotl<u32>(d, 5) + maj(e, a, b) + 0x8f1bbcdc + w10; e = rotl<u32>(e, 30);
    w11 = rotl<u32>(w8 ^ w3 ^ w13 ^ w11, 1);
    b += rotl<u32>(c, 5) + maj(d, e, a) + 0x8f1bbcdc + w11; d = rotl<u32>(d, 30);
    w12 = rotl<u32>(w9 ^ w4 ^ w14 ^ w12, 1);
    a += rotl<u32>(b, 5) + maj(c, d, e) + 0x8f1bbcdc + w12; c = rotl<u32>(c, 30);
    w13 = rotl<u32>(w10 ^ w5 ^ w15 ^ w13, 1);
    e += rotl<u32>(a, 5) + maj(b, c, d) + 0x8f1bbcdc + w13; b = rotl<u32>(b, 30);
    w14 = rotl<u32>(w11 ^ w6 ^ w0 ^ w14, 1);
    d += rotl<u32>(e, 5) + maj(a, b, c) + 0x8f1bbcdc + w14; a = rotl<u32>(a, 30);
    w15 = rotl<u32>(w12 ^ w7 ^ w1 ^ w15, 1);
    c += rotl<u32>(d, 5) + maj(e, a, b) + 0x8f1bbcdc + w15; e = rotl<u32>(e, 30);
    w0 = rotl<u32>(w13 ^ w8 ^ w2 ^ w0, 1);
    b += rotl<u32>(c, 5) + maj(d, e, a) + 0x8f1bbcdc + w0; d = rotl<u32>(d, 30);
    w1 = rotl<u32>(w14 ^ w9 ^ w3 ^ w1, 1);
    a += rotl<u32>(b, 5) + maj(c, d, e) + 0x8f1bbcdc + w1; c = rotl<u32>(c, 30);
    w2 = rotl<u32>(w15 ^ w10 ^ w4 ^ w2, 1);
    e += rotl<u32>(a, 5) + maj(b, c, d) + 0x8f1bbcdc + w2; b = rotl<u32>(b, 30);
    w3 = rotl<u32>(w0 ^ w11 ^ w5 ^ w3, 1);
    d += rotl<u32>(e, 5) + maj(a, b, c) + 0x8f1bbcdc + w3; a = rotl<u32>(a, 30);
    w4 = rotl<u32>(w1 ^ w12 ^ w6 ^ w4, 1);
    c += rotl<u32>(d, 5) + maj(e, a, b) + 0x8f1bbcdc + w4; e = rotl<u32>(e, 30);
    w5 = rotl<u32>(w2 ^ w13 ^ w7 ^ w5, 1);
    b += rotl<u32>(c, 5) + maj(d, e, a) + 0x8f1bbcdc + w5; d = rotl<u32>(d, 30);
    w6 = rotl<u32>(w3 ^ w14 ^ w8 ^ w6, 1);
    a += rotl<u32>(b, 5) + maj(c, d, e) + 0x8f1bbcdc + w6; c = rotl<u32>(c, 30);
    w7 = rotl<u32>(w4 ^ w15 ^ w9 ^ w7, 1);
    e += rotl<u32>(a, 5) + maj(b, c, d) + 0x8f1bbcdc + w7; b = rotl<u32>(b, 30);
    w8 = rotl<u32>(w5 ^ w0 ^ w10 ^ w8, 1);
    d += rotl<u32>(e, 5) + maj(a, b, c) + 0x8f1bbcdc + w8; a = rotl<u32>(a, 30);
    w9 = rotl<u32>(w6 ^ w1 ^ w11 ^ w9, 1);
    c += rotl<u32>(d, 5) + maj(e, a, b) + 0x8f1bbcdc + w9; e = rotl<u32>(e, 30);
    w10 = rotl<u32>(w7 ^ w2 ^ w12 ^ w10, 1);
    b += rotl<u32>(c, 5) + maj(d, e, a) + 0x8f1bbcdc + w10; d = rotl<u32>(d, 30);
    w11 = rotl<u32>(w8 ^ w3 ^ w13 ^ w11, 1);
    a += rotl<u32>(b, 5) + maj(c, d, e) + 0x8f1bbcdc + w11; c = rotl<u32>(c, 30);
    w12 = rotl<u32>(w9 ^ w4 ^ w14 ^ w12, 1);
    e += rotl<u32>(a, 5) + parity(b, c, d) + 0xca62c1d6 + w12; b = rotl<u32>(b, 30);
    w13 = rotl<u32>(w10 ^ w5 ^ w15 ^ w13, 1);
    d += rotl<u32>(e, 5) + parity(a, b, c) + 0xca62c1d6 + w13; a = rotl<u32>(a, 30);
    w14 = rotl<u32>(w11 ^ w6 ^ w0 ^ w14, 1);
    c += rotl<u32>(d, 5) + parity(e, a, b) + 0xca62c1d6 + w14; e = rotl<u32>(e, 30);
    w15 = rotl<u32>(w12 ^ w7 ^ w1 ^ w15, 1);
    b += rotl<u32>(c, 5) + parity(d, e, a) + 0xca62c1d6 + w15; d = rotl<u32>(d, 30);
    w0 = rotl<u32>(w13 ^ w8 ^ w2 ^ w0, 1);
    a += rotl<u32>(b, 5) + parity(c, d, e) + 0xca62c1d6 + w0; c = rotl<u32>(c, 30);
    w1 = rotl<u32>(w14 ^ w9 ^ w3 ^ w1, 1);
    e += rotl<u32>(a, 5) + parity(b, c, d) + 0xca62c1d6 + w1; b = rotl<u32>(b, 30);
    w2 = rotl<u32>(w15 ^ w10 ^ w4 ^ w2, 1);
    d += rotl<u32>(e, 5) + parity(a, b, c) + 0xca62c1d6 + w2; a = rotl<u32>(a, 30);
    w3 = rotl<u32>(w0 ^ w11 ^ w5 ^ w3, 1);
    c += rotl<u32>(d, 5) + parity(e, a, b) + 0xca62c1d6 + w3; e = rotl<u32>(e, 30);
    w4 = rotl<u32>(w1 ^ w12 ^ w6 ^ w4, 1);
    b += rotl<u32>(c, 5) + parity(d, e, a) + 0xca62c1d6 + w4; d = rotl<u32>(d, 30);
    w5 = rotl<u32>(w2 ^ w13 ^ w7 ^ w5, 1);
    a += rotl<u32>(b, 5) + parity(c, d, e) + 0xca62c1d6 + w5; c = rotl<u32>(c, 30);
    w6 = rotl<u32>(w3 ^ w14 ^ w8 ^ w6, 1);
    e += rotl<u32>(a, 5) + parity(b, c, d) + 0xca62c1d6 + w6; b = rotl<u32>(b, 30);
    w7 = rotl<u32>(w4 ^ w15 ^ w9 ^ w7, 1);
    d += rotl<u32>(e, 5) + parity(a, b, c) + 0xca62c1d6 + w7; a = rotl<u32>(a, 30);
    w8 = rotl<u32>(w5 ^ w0 ^ w10 ^ w8, 1);
    c += rotl<u32>(d, 5) + parity(e, a, b) + 0xca62c1d6 + w8; e = rotl<u32>(e, 30);
    w9 = rotl<u32>(w6 ^ w1 ^ w11 ^ w9, 1);
    b += rotl<u32>(c, 5) + parity(d, e, a) + 0xca62c1d6 + w9; d = rotl<u32>(d, 30);
    w10 = rotl<u32>(w7 ^ w2 ^ w12 ^ w10, 1);
    a += rotl<u32>(b, 5) + parity(c, d, e) + 0xca62c1d6 + w10; c = rotl<u32>(c, 30);
    w11 = rotl<u32>(w8 ^ w3 ^ w13 ^ w11, 1);
    e += rotl<u32>(a, 5) + parity(b, c, d) + 0xca62c1d6 + w11; b = rotl<u32>(b, 30);
    w12 = rotl<u32>(w9 ^ w4 ^ w14 ^ w12, 1);
    d += rotl<u32>(e, 5) + parity(a, b, c) + 0xca62c1d6 + w12; a = rotl<u32>(a, 30);
    w13 = rotl<u32>(w10 ^ w5 ^ w15 ^ w13, 1);
    c += rotl<u32>(d, 5) + parity(e, a, b) + 0xca62c1d6 + w13; e = rotl<u32>(e, 30);
    w14 = rotl<u32>(w11 ^ w6 ^ w0 ^ w14, 1);
    b += rotl<u32>(c, 5) + parity(d, e, a) + 0xca62c1d6 + w14; d = rotl<u32>(d, 30);
    w15 = rotl<u32>(w12 ^ w7 ^ w1 ^ w15, 1);
    a += rotl<u32>(b, 5) + parity(c, d, e) + 0xca62c1d6 + w15; c = rotl<u32>(c, 30);
    a += a0; b += b0; c += c0; d += d0; e += e0;
    p += 64;
  }
  store<u32>(state, a, 0); store<u32>(state, b, 4); store<u32>(state, c, 8);
  store<u32>(state, d, 12); store<u32>(state, e, 16);
}

export function sha1Init(ctx: usize): void {
  store<u32>(ctx, 0x67452301, 0); store<u32>(ctx, 0xefcdab89, 4); store<u32>(ctx, 0x98badcfe, 8);
  store<u32>(ctx, 0x10325476, 12); store<u32>(ctx, 0xc3d2e1f0, 16);
  store<u32>(ctx, 0, USED);
  store<u64>(ctx, 0, TOTAL);
}

export function sha1Update(ctx: usize, ptr: usize, len: usize): void {
  store<u64>(ctx, load<u64>(ctx, TOTAL) + <u64>len, TOTAL);
  let used = <usize>load<u32>(ctx, USED);
  if (used != 0) {
    const take = min<usize>(64 - used, len);
    memory.copy(ctx + BUF + used, ptr, take);
    used += take; ptr += take; len -= take;
    if (used < 64) { store<u32>(ctx, <u32>used, USED); return; }
    sha1Blocks(ctx, ctx + BUF, 1);
  }
  const blocks = len >> 6;
  if (blocks != 0) sha1Blocks(ctx, ptr, blocks);
  const rest = len & 63;
  memory.copy(ctx + BUF, ptr + (blocks << 6), rest);
  store<u32>(ctx, <u32>rest, USED);
}

// Pads the last `rest` (< 64) bytes at `tail` of a `total`-byte message into PAD (no memory.copy/fill
// calls: they cost more than the work for short messages), compresses, and writes the digest to `out`.
const PAD: usize = memory.data(128, 16);
function finish(state: usize, tail: usize, rest: usize, total: u64, out: usize): void {
  const zero = i32x4.splat(0);
  v128.store(PAD, zero, 0); v128.store(PAD, zero, 16); v128.store(PAD, zero, 32); v128.store(PAD, zero, 48);
  v128.store(PAD, zero, 64); v128.store(PAD, zero, 80); v128.store(PAD, zero, 96); v128.store(PAD, zero, 112);
  let i: usize = 0;
  for (; i + 8 <= rest; i += 8) store<u64>(PAD + i, load<u64>(tail + i));
  for (; i < rest; i++) store<u8>(PAD + i, load<u8>(tail + i));
  store<u8>(PAD + rest, 0x80);
  const blocks: usize = rest < 56 ? 1 : 2;
  store<u64>(PAD + (blocks << 6) - 8, bswap<u64>(total << 3));
  sha1Blocks(state, PAD, blocks);
  const swap = v128.load(state);
  const last = bswap<u32>(load<u32>(state, 16));
  v128.store(out, i8x16.shuffle(swap, swap, 3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12));
  store<u32>(out, last, 16);
}

export function sha1Final(ctx: usize, out: usize): void {
  finish(ctx, ctx + BUF, <usize>load<u32>(ctx, USED), load<u64>(ctx, TOTAL), out);
}

/** SHA1 of `len` bytes at `ptr`, 20 bytes to `out` (the common one-shot path, without the context buffer). */
export function sha1Into(ptr: usize, len: usize, out: usize): void {
  const state = CTX;
  store<u32>(state, 0x67452301, 0); store<u32>(state, 0xefcdab89, 4); store<u32>(state, 0x98badcfe, 8);
  store<u32>(state, 0x10325476, 12); store<u32>(state, 0xc3d2e1f0, 16);
  const full = len & ~<usize>63;
  if (full != 0) sha1Blocks(state, ptr, full >> 6);
  finish(state, ptr + full, len & 63, <u64>len, out);
}

/** SHA1(bytes at p1 (l1) + bytes at p2 (l2)), 20 bytes to `out`, without joining the parts. */
export function sha1Concat2(p1: usize, l1: usize, p2: usize, l2: usize, out: usize): void {
  sha1Init(CTX);
  sha1Update(CTX, p1, l1);
  sha1Update(CTX, p2, l2);
  sha1Final(CTX, out);
}

/** Address of the context the bindings use for chunked (larger than IO) inputs. */
export function sha1CtxPtr(): usize { return CTX; }
