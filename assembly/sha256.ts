// SHA-256 (FIPS 180-4) over raw memory, allocation-free.
//
// AS-level API for other core files (e.g. the fused MTProto encrypt: msg_key = SHA256(auth_key[88+x:120+x] +
// plaintext), then the KDF over msg_key + auth_key slices) — all hash bytes where they already lie:
//   sha256Init(ctx) / sha256Update(ctx, ptr, len) / sha256Final(ctx, out)   incremental, any ctx block
//   sha256Into(ptr, len, out)                                               one shot
//   sha256Concat2(p1, l1, p2, l2, out)                                       SHA256(a + b), no copy of a or b
// `out` may overlap the input: the digest is written after the last input byte has been read.
//
// Why it looks like this (measured on the shared 2-core dev machine, 1 MiB through sha256Blocks):
//   plain unrolled rounds, scalar schedule in 16 locals, bswap loads ............ ~320 MB/s
//   + v128 message schedule (byte swap by shuffle, sigma0/sigma1 four lanes at a time,
//     W+K stored to a 256-byte block four round-groups ahead of the rounds that read it) ~420 MB/s
//   + maj(a,b,c) = b ^ ((a^b) & (b^c)) reusing the previous round's a^b ............ ~440 MB/s (kept)
//   nested Sigma forms rotr(rotr(rotr(x,9)^x,11)^x,2) ............................... ~390 MB/s (dropped;
//     likely because the flat form's three rotates are independent, while the nested form is one chain)
// The rounds are fully unrolled with the eight working variables renamed per round instead of shuffled
// (no moves), and the chaining value stays in locals across all blocks of one call. They are written out
// in full; the pattern is regular: round i reads WK[i] and uses the variables rotated by i mod 8; group g
// of four rounds first schedules words 4g+16..4g+19.
// memory.copy/fill are avoided on the one-shot path: V8 calls out for them, which costs more than the
// work for a short message.

/** Bytes in a hashing context: h[8] (0), pending block (32..96), pending length u32 (96), total u64 (104). */
export const SHA256_CTX_SIZE: i32 = 112;
const BUF: usize = 32;
const USED: usize = 96;
const TOTAL: usize = 104;

/** The context the JS bindings use for inputs larger than the IO buffer, and the one-shot helpers. */
const CTX: usize = memory.data(SHA256_CTX_SIZE, 16);

@inline function ch(e: u32, f: u32, g: u32): u32 { return g ^ (e & (f ^ g)); }
@inline function bigSigma0(a: u32): u32 { return rotr<u32>(a, 2) ^ rotr<u32>(a, 13) ^ rotr<u32>(a, 22); }
@inline function bigSigma1(e: u32): u32 { return rotr<u32>(e, 6) ^ rotr<u32>(e, 11) ^ rotr<u32>(e, 25); }

// Round constants, 16-byte aligned for v128 loads.
const KT: usize = memory.data<u32>([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
], 16);
// W[i] + K[i] for the block being compressed (written four rounds-groups ahead of use).
const WK: usize = memory.data(256, 16);

@inline function bswap4(x: v128): v128 { return i8x16.shuffle(x, x, 3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12); }
@inline function sigma0v(x: v128): v128 {
  return v128.xor(v128.xor(v128.xor(i32x4.shr_u(x, 7), i32x4.shl(x, 25)), v128.xor(i32x4.shr_u(x, 18), i32x4.shl(x, 14))), i32x4.shr_u(x, 3));
}
@inline function sigma1v(x: v128): v128 {
  return v128.xor(v128.xor(v128.xor(i32x4.shr_u(x, 17), i32x4.shl(x, 15)), v128.xor(i32x4.shr_u(x, 19), i32x4.shl(x, 13))), i32x4.shr_u(x, 10));
}
// W[i..i+3] from W[i-16..i-13] (x0), W[i-12..i-9] (x1), W[i-8..i-5] (x2), W[i-4..i-1] (x3). W[i+2], W[i+3]
// depend on W[i], W[i+1], so sigma1 goes in two halves.
@inline function schedule(x0: v128, x1: v128, x2: v128, x3: v128): v128 {
  const zero = i32x4.splat(0);
  const w15 = i8x16.shuffle(x0, x1, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19);
  const w7 = i8x16.shuffle(x2, x3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19);
  let t = i32x4.add(i32x4.add(x0, sigma0v(w15)), w7);
  t = i32x4.add(t, sigma1v(i8x16.shuffle(x3, zero, 8, 9, 10, 11, 12, 13, 14, 15, 16, 16, 16, 16, 16, 16, 16, 16)));
  return i32x4.add(t, sigma1v(i8x16.shuffle(zero, t, 0, 0, 0, 0, 0, 0, 0, 0, 16, 17, 18, 19, 20, 21, 22, 23)));
}

/** Compresses `blocks` 64-byte blocks at `p` into the chaining value at `state`. */
export function sha256Blocks(state: usize, p: usize, blocks: usize): void {
  let a = load<u32>(state, 0), b = load<u32>(state, 4), c = load<u32>(state, 8), d = load<u32>(state, 12);
  let e = load<u32>(state, 16), f = load<u32>(state, 20), g = load<u32>(state, 24), hh = load<u32>(state, 28);
  const end = p + (blocks << 6);
  while (p < end) {
    let h = hh;
    let x0: v128, x1: v128, x2: v128, x3: v128;
    let ab0: u32, ab1: u32;
    const a0 = a, b0 = b, c0 = c, d0 = d, e0 = e, f0 = f, g0 = g, h0 = h;
    x0 = bswap4(v128.load(p, 0));
    v128.store(WK, i32x4.add(x0, v128.load(KT, 0)), 0);
    x1 = bswap4(v128.load(p, 16));
    v128.store(WK, i32x4.add(x1, v128.load(KT, 16)), 16);
    x2 = bswap4(v128.load(p, 32));
    v128.store(WK, i32x4.add(x2, v128.load(KT, 32)), 32);
    x3 = bswap4(v128.load(p, 48));
    v128.store(WK, i32x4.add(x3, v128.load(KT, 48)), 48);
    x0 = schedule(x0, x1, x2, x3);
    v128.store(WK, i32x4.add(x0, v128.load(KT, 64)), 64);
    h += load<u32>(WK, 0) + bigSigma1(e) + ch(e, f, g); d += h; ab0 = a ^ b; h += bigSigma0(a) + (b ^ (ab0 & (b ^ c)));
    g += load<u32>(WK, 4) + bigSigma1(d) + ch(d, e, f); c += g; ab1 = h ^ a; g += bigSigma0(h) + (a ^ (ab1 & ab0));
    f += load<u32>(WK, 8) + bigSigma1(c) + ch(c, d, e); b += f; ab0 = g ^ h; f += bigSigma0(g) + (h ^ (ab0 & ab1));
    e += load<u32>(WK, 12) + bigSigma1(b) + ch(b, c, d); a += e; ab1 = f ^ g; e += bigSigma0(f) + (g ^ (ab1 & ab0));
    x1 = schedule(x1, x2, x3, x0);
    v128.store(WK, i32x4.add(x1, v128.load(KT, 80)), 80);
    d += load<u32>(WK, 16) + bigSigma1(a) + ch(a, b, c); h += d; ab0 = e ^ f; d += bigSigma0(e) + (f ^ (ab0 & ab1));
    c += load<u32>(WK, 20) + bigSigma1(h) + ch(h, a, b); g += c; ab1 = d ^ e; c += bigSigma0(d) + (e ^ (ab1 & ab0));
    b += load<u32>(WK, 24) + bigSigma1(g) + ch(g, h, a); f += b; ab0 = c ^ d; b += bigSigma0(c) + (d ^ (ab0 & ab1));
    a += load<u32>(WK, 28) + bigSigma1(f) + ch(f, g, h); e += a; ab1 = b ^ c; a += bigSigma0(b) + (c ^ (ab1 & ab0));
    x2 = schedule(x2, x3, x0, x1);
    v128.store(WK, i32x4.add(x2, v128.load(KT, 96)), 96);
    h += load<u32>(WK, 32) + bigSigma1(e) + ch(e, f, g); d += h; ab0 = a ^ b; h += bigSigma0(a) + (b ^ (ab0 & ab1));
    g += load<u32>(WK, 36) + bigSigma1(d) + ch(d, e, f); c += g; ab1 = h ^ a; g += bigSigma0(h) + (a ^ (ab1 & ab0));
    f += load<u32>(WK, 40) + bigSigma1(c) + ch(c, d, e); b += f; ab0 = g ^ h; f += bigSigma0(g) + (h ^ (ab0 & ab1));
    e += load<u32>(WK, 44) + bigSigma1(b) + ch(b, c, d); a += e; ab1 = f ^ g; e += bigSigma0(f) + (g ^ (ab1 & ab0));
    x3 = schedule(x3, x0, x1, x2);
    v128.store(WK, i32x4.add(x3, v128.load(KT, 112)), 112);
    d += load<u32>(WK, 48) + bigSigma1(a) + ch(a, b, c); h += d; ab0 = e ^ f; d += bigSigma0(e) + (f ^ (ab0 & ab1));
    c += load<u32>(WK, 52) + bigSigma1(h) + ch(h, a, b); g += c; ab1 = d ^ e; c += bigSigma0(d) + (e ^ (ab1 & ab0));
    b += load<u32>(WK, 56) + bigSigma1(g) + ch(g, h, a); f += b; ab0 = c ^ d; b += bigSigma0(c) + (d ^ (ab0 & ab1));
    a += load<u32>(WK, 60) + bigSigma1(f) + ch(f, g, h); e += a; ab1 = b ^ c; a += bigSigma0(b) + (c ^ (ab1 & ab0));
    x0 = schedule(x0, x1, x2, x3);
    v128.store(WK, i32x4.add(x0, v128.load(KT, 128)), 128);
    h += load<u32>(WK, 64) + bigSigma1(e) + ch(e, f, g); d += h; ab0 = a ^ b; h += bigSigma0(a) + (b ^ (ab0 & ab1));
    g += load<u32>(WK, 68) + bigSigma1(d) + ch(d, e, f); c += g; ab1 = h ^ a; g += bigSigma0(h) + (a ^ (ab1 & ab0));
    f += load<u32>(WK, 72) + bigSigma1(c) + ch(c, d, e); b += f; ab0 = g ^ h; f += bigSigma0(g) + (h ^ (ab0 & ab1));
    e += load<u32>(WK, 76) + bigSigma1(b) + ch(b, c, d); a += e; ab1 = f ^ g; e += bigSigma0(f) + (g ^ (ab1 & ab0));
    x1 = schedule(x1, x2, x3, x0);
    v128.store(WK, i32x4.add(x1, v128.load(KT, 144)), 144);
    d += load<u32>(WK, 80) + bigSigma1(a) + ch(a, b, c); h += d; ab0 = e ^ f; d += bigSigma0(e) + (f ^ (ab0 & ab1));
    c += load<u32>(WK, 84) + bigSigma1(h) + ch(h, a, b); g += c; ab1 = d ^ e; c += bigSigma0(d) + (e ^ (ab1 & ab0));
    b += load<u32>(WK, 88) + bigSigma1(g) + ch(g, h, a); f += b; ab0 = c ^ d; b += bigSigma0(c) + (d ^ (ab0 & ab1));
    a += load<u32>(WK, 92) + bigSigma1(f) + ch(f, g, h); e += a; ab1 = b ^ c; a += bigSigma0(b) + (c ^ (ab1 & ab0));
    x2 = schedule(x2, x3, x0, x1);
    v128.store(WK, i32x4.add(x2, v128.load(KT, 160)), 160);
    h += load<u32>(WK, 96) + bigSigma1(e) + ch(e, f, g); d += h; ab0 = a ^ b; h += bigSigma0(a) + (b ^ (ab0 & ab1));
    g += load<u32>(WK, 100) + bigSigma1(d) + ch(d, e, f); c += g; ab1 = h ^ a; g += bigSigma0(h) + (a ^ (ab1 & ab0));
    f += load<u32>(WK, 104) + bigSigma1(c) + ch(c, d, e); b += f; ab0 = g ^ h; f += bigSigma0(g) + (h ^ (ab0 & ab1));
    e += load<u32>(WK, 108) + bigSigma1(b) + ch(b, c, d); a += e; ab1 = f ^ g; e += bigSigma0(f) + (g ^ (ab1 & ab0));
    x3 = schedule(x3, x0, x1, x2);
    v128.store(WK, i32x4.add(x3, v128.load(KT, 176)), 176);
    d += load<u32>(WK, 112) + bigSigma1(a) + ch(a, b, c); h += d; ab0 = e ^ f; d += bigSigma0(e) + (f ^ (ab0 & ab1));
    c += load<u32>(WK, 116) + bigSigma1(h) + ch(h, a, b); g += c; ab1 = d ^ e; c += bigSigma0(d) + (e ^ (ab1 & ab0));
    b += load<u32>(WK, 120) + bigSigma1(g) + ch(g, h, a); f += b; ab0 = c ^ d; b += bigSigma0(c) + (d ^ (ab0 & ab1));
    a += load<u32>(WK, 124) + bigSigma1(f) + ch(f, g, h); e += a; ab1 = b ^ c; a += bigSigma0(b) + (c ^ (ab1 & ab0));
    x0 = schedule(x0, x1, x2, x3);
    v128.store(WK, i32x4.add(x0, v128.load(KT, 192)), 192);
    h += load<u32>(WK, 128) + bigSigma1(e) + ch(e, f, g); d += h; ab0 = a ^ b; h += bigSigma0(a) + (b ^ (ab0 & ab1));
    g += load<u32>(WK, 132) + bigSigma1(d) + ch(d, e, f); c += g; ab1 = h ^ a; g += bigSigma0(h) + (a ^ (ab1 & ab0));
    f += load<u32>(WK, 136) + bigSigma1(c) + ch(c, d, e); b += f; ab0 = g ^ h; f += bigSigma0(g) + (h ^ (ab0 & ab1));
    e += load<u32>(WK, 140) + bigSigma1(b) + ch(b, c, d); a += e; ab1 = f ^ g; e += bigSigma0(f) + (g ^ (ab1 & ab0));
    x1 = schedule(x1, x2, x3, x0);
    v128.store(WK, i32x4.add(x1, v128.load(KT, 208)), 208);
    d += load<u32>(WK, 144) + bigSigma1(a) + ch(a, b, c); h += d; ab0 = e ^ f; d += bigSigma0(e) + (f ^ (ab0 & ab1));
    c += load<u32>(WK, 148) + bigSigma1(h) + ch(h, a, b); g += c; ab1 = d ^ e; c += bigSigma0(d) + (e ^ (ab1 & ab0));
    b += load<u32>(WK, 152) + bigSigma1(g) + ch(g, h, a); f += b; ab0 = c ^ d; b += bigSigma0(c) + (d ^ (ab0 & ab1));
    a += load<u32>(WK, 156) + bigSigma1(f) + ch(f, g, h); e += a; ab1 = b ^ c; a += bigSigma0(b) + (c ^ (ab1 & ab0));
    x2 = schedule(x2, x3, x0, x1);
    v128.store(WK, i32x4.add(x2, v128.load(KT, 224)), 224);
    h += load<u32>(WK, 160) + bigSigma1(e) + ch(e, f, g); d += h; ab0 = a ^ b; h += bigSigma0(a) + (b ^ (ab0 & ab1));
    g += load<u32>(WK, 164) + bigSigma1(d) + ch(d, e, f); c += g; ab1 = h ^ a; g += bigSigma0(h) + (a ^ (ab1 & ab0));
    f += load<u32>(WK, 168) + bigSigma1(c) + ch(c, d, e); b += f; ab0 = g ^ h; f += bigSigma0(g) + (h ^ (ab0 & ab1));
    e += load<u32>(WK, 172) + bigSigma1(b) + ch(b, c, d); a += e; ab1 = f ^ g; e += bigSigma0(f) + (g ^ (ab1 & ab0));
    x3 = schedule(x3, x0, x1, x2);
    v128.store(WK, i32x4.add(x3, v128.load(KT, 240)), 240);
    d += load<u32>(WK, 176) + bigSigma1(a) + ch(a, b, c); h += d; ab0 = e ^ f; d += bigSigma0(e) + (f ^ (ab0 & ab1));
    c += load<u32>(WK, 180) + bigSigma1(h) + ch(h, a, b); g += c; ab1 = d ^ e; c += bigSigma0(d) + (e ^ (ab1 & ab0));
    b += load<u32>(WK, 184) + bigSigma1(g) + ch(g, h, a); f += b; ab0 = c ^ d; b += bigSigma0(c) + (d ^ (ab0 & ab1));
    a += load<u32>(WK, 188) + bigSigma1(f) + ch(f, g, h); e += a; ab1 = b ^ c; a += bigSigma0(b) + (c ^ (ab1 & ab0));
    h += load<u32>(WK, 192) + bigSigma1(e) + ch(e, f, g); d += h; ab0 = a ^ b; h += bigSigma0(a) + (b ^ (ab0 & ab1));
    g += load<u32>(WK, 196) + bigSigma1(d) + ch(d, e, f); c += g; ab1 = h ^ a; g += bigSigma0(h) + (a ^ (ab1 & ab0));
    f += load<u32>(WK, 200) + bigSigma1(c) + ch(c, d, e); b += f; ab0 = g ^ h; f += bigSigma0(g) + (h ^ (ab0 & ab1));
    e += load<u32>(WK, 204) + bigSigma1(b) + ch(b, c, d); a += e; ab1 = f ^ g; e += bigSigma0(f) + (g ^ (ab1 & ab0));
    d += load<u32>(WK, 208) + bigSigma1(a) + ch(a, b, c); h += d; ab0 = e ^ f; d += bigSigma0(e) + (f ^ (ab0 & ab1));
    c += load<u32>(WK, 212) + bigSigma1(h) + ch(h, a, b); g += c; ab1 = d ^ e; c += bigSigma0(d) + (e ^ (ab1 & ab0));
    b += load<u32>(WK, 216) + bigSigma1(g) + ch(g, h, a); f += b; ab0 = c ^ d; b += bigSigma0(c) + (d ^ (ab0 & ab1));
    a += load<u32>(WK, 220) + bigSigma1(f) + ch(f, g, h); e += a; ab1 = b ^ c; a += bigSigma0(b) + (c ^ (ab1 & ab0));
    h += load<u32>(WK, 224) + bigSigma1(e) + ch(e, f, g); d += h; ab0 = a ^ b; h += bigSigma0(a) + (b ^ (ab0 & ab1));
    g += load<u32>(WK, 228) + bigSigma1(d) + ch(d, e, f); c += g; ab1 = h ^ a; g += bigSigma0(h) + (a ^ (ab1 & ab0));
    f += load<u32>(WK, 232) + bigSigma1(c) + ch(c, d, e); b += f; ab0 = g ^ h; f += bigSigma0(g) + (h ^ (ab0 & ab1));
    e += load<u32>(WK, 236) + bigSigma1(b) + ch(b, c, d); a += e; ab1 = f ^ g; e += bigSigma0(f) + (g ^ (ab1 & ab0));
    d += load<u32>(WK, 240) + bigSigma1(a) + ch(a, b, c); h += d; ab0 = e ^ f; d += bigSigma0(e) + (f ^ (ab0 & ab1));
    c += load<u32>(WK, 244) + bigSigma1(h) + ch(h, a, b); g += c; ab1 = d ^ e; c += bigSigma0(d) + (e ^ (ab1 & ab0));
    b += load<u32>(WK, 248) + bigSigma1(g) + ch(g, h, a); f += b; ab0 = c ^ d; b += bigSigma0(c) + (d ^ (ab0 & ab1));
    a += load<u32>(WK, 252) + bigSigma1(f) + ch(f, g, h); e += a; ab1 = b ^ c; a += bigSigma0(b) + (c ^ (ab1 & ab0));
    a += a0; b += b0; c += c0; d += d0; e += e0; f += f0; g += g0; hh = h + h0;
    p += 64;
  }
  store<u32>(state, a, 0); store<u32>(state, b, 4); store<u32>(state, c, 8); store<u32>(state, d, 12);
  store<u32>(state, e, 16); store<u32>(state, f, 20); store<u32>(state, g, 24); store<u32>(state, hh, 28);
}


export function sha256Init(ctx: usize): void {
  store<u32>(ctx, 0x6a09e667, 0); store<u32>(ctx, 0xbb67ae85, 4);
  store<u32>(ctx, 0x3c6ef372, 8); store<u32>(ctx, 0xa54ff53a, 12);
  store<u32>(ctx, 0x510e527f, 16); store<u32>(ctx, 0x9b05688c, 20);
  store<u32>(ctx, 0x1f83d9ab, 24); store<u32>(ctx, 0x5be0cd19, 28);
  store<u32>(ctx, 0, USED);
  store<u64>(ctx, 0, TOTAL);
}

export function sha256Update(ctx: usize, ptr: usize, len: usize): void {
  store<u64>(ctx, load<u64>(ctx, TOTAL) + <u64>len, TOTAL);
  let used = <usize>load<u32>(ctx, USED);
  if (used != 0) {
    const take = min<usize>(64 - used, len);
    memory.copy(ctx + BUF + used, ptr, take);
    used += take; ptr += take; len -= take;
    if (used < 64) { store<u32>(ctx, <u32>used, USED); return; }
    sha256Blocks(ctx, ctx + BUF, 1);
  }
  const blocks = len >> 6;
  if (blocks != 0) sha256Blocks(ctx, ptr, blocks);
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
  sha256Blocks(state, PAD, blocks);
  const swap = v128.load(state);
  v128.store(out, i8x16.shuffle(swap, swap, 3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12));
  const swap2 = v128.load(state, 16);
  v128.store(out, i8x16.shuffle(swap2, swap2, 3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12), 16);
}

export function sha256Final(ctx: usize, out: usize): void {
  finish(ctx, ctx + BUF, <usize>load<u32>(ctx, USED), load<u64>(ctx, TOTAL), out);
}

/** SHA256 of `len` bytes at `ptr`, 32 bytes to `out` (the common one-shot path, without the context buffer). */
export function sha256Into(ptr: usize, len: usize, out: usize): void {
  const state = CTX;
  store<u32>(state, 0x6a09e667, 0); store<u32>(state, 0xbb67ae85, 4);
  store<u32>(state, 0x3c6ef372, 8); store<u32>(state, 0xa54ff53a, 12);
  store<u32>(state, 0x510e527f, 16); store<u32>(state, 0x9b05688c, 20);
  store<u32>(state, 0x1f83d9ab, 24); store<u32>(state, 0x5be0cd19, 28);
  const full = len & ~<usize>63;
  if (full != 0) sha256Blocks(state, ptr, full >> 6);
  finish(state, ptr + full, len & 63, <u64>len, out);
}

/** SHA256(bytes at p1 (l1) + bytes at p2 (l2)), 32 bytes to `out`, without joining the parts. */
export function sha256Concat2(p1: usize, l1: usize, p2: usize, l2: usize, out: usize): void {
  sha256Init(CTX);
  sha256Update(CTX, p1, l1);
  sha256Update(CTX, p2, l2);
  sha256Final(CTX, out);
}

/** Address of the context the bindings use for chunked (larger than IO) inputs. */
export function sha256CtxPtr(): usize { return CTX; }

/** Where the in-place bindings of both hashes receive the digest (outside IO and the arena). */
const DIGEST: usize = memory.data(32, 16);
export function shaDigestPtr(): usize { return DIGEST; }
