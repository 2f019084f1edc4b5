// SHA-256 (FIPS 180-4) over raw memory, allocation-free.
//
// AS-level API for other core files (e.g. the fused MTProto encrypt: msg_key = SHA256(auth_key[88+x:120+x] +
// plaintext), then the KDF over msg_key + auth_key slices) — all hash bytes where they already lie:
//   sha256Init(ctx) / sha256Update(ctx, ptr, len) / sha256Final(ctx, out)   incremental, any ctx block
//   sha256Into(ptr, len, out)                                               one shot
//   sha256Concat2(p1, l1, p2, l2, out)                                       SHA256(a + b), no copy of a or b
// `out` may overlap the input: the digest is written after the last input byte has been read.
//
// Why it looks like this (measured, see the report in the commit history / bench/suites/sha.ts):
// the compression function is fully unrolled with the eight working variables renamed per round instead of
// shuffled (no moves), the 16-word schedule window held in locals, constants as immediates, and the
// chaining value held in locals across all blocks of one call. Rounds are written out in full (the pattern
// is regular: round i uses w[i & 15] and the variables rotated by i mod 8).

/** Bytes in a hashing context: h[8] (0), pending block (32..96), pending length u32 (96), total u64 (104). */
export const SHA256_CTX_SIZE: i32 = 112;
const BUF: usize = 32;
const USED: usize = 96;
const TOTAL: usize = 104;

/** The context the JS bindings use for inputs larger than the IO buffer, and the one-shot helpers. */
const CTX: usize = memory.data(SHA256_CTX_SIZE, 16);

@inline function load32be(p: usize): u32 { return bswap<u32>(load<u32>(p)); }
@inline function ch(e: u32, f: u32, g: u32): u32 { return g ^ (e & (f ^ g)); }
@inline function maj(a: u32, b: u32, c: u32): u32 { return (a & b) | (c & (a | b)); }
@inline function bigSigma0(a: u32): u32 { return rotr<u32>(a, 2) ^ rotr<u32>(a, 13) ^ rotr<u32>(a, 22); }
@inline function bigSigma1(e: u32): u32 { return rotr<u32>(e, 6) ^ rotr<u32>(e, 11) ^ rotr<u32>(e, 25); }
@inline function sigma0(w: u32): u32 { return rotr<u32>(w, 7) ^ rotr<u32>(w, 18) ^ (w >>> 3); }
@inline function sigma1(w: u32): u32 { return rotr<u32>(w, 17) ^ rotr<u32>(w, 19) ^ (w >>> 10); }

/** Compresses `blocks` 64-byte blocks at `p` into the chaining value at `state`. */
export function sha256Blocks(state: usize, p: usize, blocks: usize): void {
  let a = load<u32>(state, 0), b = load<u32>(state, 4), c = load<u32>(state, 8), d = load<u32>(state, 12);
  let e = load<u32>(state, 16), f = load<u32>(state, 20), g = load<u32>(state, 24), hh = load<u32>(state, 28);
  const end = p + (blocks << 6);
  while (p < end) {
    let h = hh;
    let w0: u32, w1: u32, w2: u32, w3: u32, w4: u32, w5: u32, w6: u32, w7: u32;
    let w8: u32, w9: u32, w10: u32, w11: u32, w12: u32, w13: u32, w14: u32, w15: u32;
    const a0 = a, b0 = b, c0 = c, d0 = d, e0 = e, f0 = f, g0 = g, h0 = h;
    w0 = load32be(p + 0);
    h += w0 + 0x428a2f98 + bigSigma1(e) + ch(e, f, g); d += h; h += bigSigma0(a) + maj(a, b, c);
    w1 = load32be(p + 4);
    g += w1 + 0x71374491 + bigSigma1(d) + ch(d, e, f); c += g; g += bigSigma0(h) + maj(h, a, b);
    w2 = load32be(p + 8);
    f += w2 + 0xb5c0fbcf + bigSigma1(c) + ch(c, d, e); b += f; f += bigSigma0(g) + maj(g, h, a);
    w3 = load32be(p + 12);
    e += w3 + 0xe9b5dba5 + bigSigma1(b) + ch(b, c, d); a += e; e += bigSigma0(f) + maj(f, g, h);
    w4 = load32be(p + 16);
    d += w4 + 0x3956c25b + bigSigma1(a) + ch(a, b, c); h += d; d += bigSigma0(e) + maj(e, f, g);
    w5 = load32be(p + 20);
    c += w5 + 0x59f111f1 + bigSigma1(h) + ch(h, a, b); g += c; c += bigSigma0(d) + maj(d, e, f);
    w6 = load32be(p + 24);
    b += w6 + 0x923f82a4 + bigSigma1(g) + ch(g, h, a); f += b; b += bigSigma0(c) + maj(c, d, e);
    w7 = load32be(p + 28);
    a += w7 + 0xab1c5ed5 + bigSigma1(f) + ch(f, g, h); e += a; a += bigSigma0(b) + maj(b, c, d);
    w8 = load32be(p + 32);
    h += w8 + 0xd807aa98 + bigSigma1(e) + ch(e, f, g); d += h; h += bigSigma0(a) + maj(a, b, c);
    w9 = load32be(p + 36);
    g += w9 + 0x12835b01 + bigSigma1(d) + ch(d, e, f); c += g; g += bigSigma0(h) + maj(h, a, b);
    w10 = load32be(p + 40);
    f += w10 + 0x243185be + bigSigma1(c) + ch(c, d, e); b += f; f += bigSigma0(g) + maj(g, h, a);
    w11 = load32be(p + 44);
    e += w11 + 0x550c7dc3 + bigSigma1(b) + ch(b, c, d); a += e; e += bigSigma0(f) + maj(f, g, h);
    w12 = load32be(p + 48);
    d += w12 + 0x72be5d74 + bigSigma1(a) + ch(a, b, c); h += d; d += bigSigma0(e) + maj(e, f, g);
    w13 = load32be(p + 52);
    c += w13 + 0x80deb1fe + bigSigma1(h) + ch(h, a, b); g += c; c += bigSigma0(d) + maj(d, e, f);
    w14 = load32be(p + 56);
    b += w14 + 0x9bdc06a7 + bigSigma1(g) + ch(g, h, a); f += b; b += bigSigma0(c) + maj(c, d, e);
    w15 = load32be(p + 60);
    a += w15 + 0xc19bf174 + bigSigma1(f) + ch(f, g, h); e += a; a += bigSigma0(b) + maj(b, c, d);
    w0 += sigma1(w14) + w9 + sigma0(w1);
    h += w0 + 0xe49b69c1 + bigSigma1(e) + ch(e, f, g); d += h; h += bigSigma0(a) + maj(a, b, c);
    w1 += sigma1(w15) + w10 + sigma0(w2);
    g += w1 + 0xefbe4786 + bigSigma1(d) + ch(d, e, f); c += g; g += bigSigma0(h) + maj(h, a, b);
    w2 += sigma1(w0) + w11 + sigma0(w3);
    f += w2 + 0x0fc19dc6 + bigSigma1(c) + ch(c, d, e); b += f; f += bigSigma0(g) + maj(g, h, a);
    w3 += sigma1(w1) + w12 + sigma0(w4);
    e += w3 + 0x240ca1cc + bigSigma1(b) + ch(b, c, d); a += e; e += bigSigma0(f) + maj(f, g, h);
    w4 += sigma1(w2) + w13 + sigma0(w5);
    d += w4 + 0x2de92c6f + bigSigma1(a) + ch(a, b, c); h += d; d += bigSigma0(e) + maj(e, f, g);
    w5 += sigma1(w3) + w14 + sigma0(w6);
    c += w5 + 0x4a7484aa + bigSigma1(h) + ch(h, a, b); g += c; c += bigSigma0(d) + maj(d, e, f);
    w6 += sigma1(w4) + w15 + sigma0(w7);
    b += w6 + 0x5cb0a9dc + bigSigma1(g) + ch(g, h, a); f += b; b += bigSigma0(c) + maj(c, d, e);
    w7 += sigma1(w5) + w0 + sigma0(w8);
    a += w7 + 0x76f988da + bigSigma1(f) + ch(f, g, h); e += a; a += bigSigma0(b) + maj(b, c, d);
    w8 += sigma1(w6) + w1 + sigma0(w9);
    h += w8 + 0x983e5152 + bigSigma1(e) + ch(e, f, g); d += h; h += bigSigma0(a) + maj(a, b, c);
    w9 += sigma1(w7) + w2 + sigma0(w10);
    g += w9 + 0xa831c66d + bigSigma1(d) + ch(d, e, f); c += g; g += bigSigma0(h) + maj(h, a, b);
    w10 += sigma1(w8) + w3 + sigma0(w11);
    f += w10 + 0xb00327c8 + bigSigma1(c) + ch(c, d, e); b += f; f += bigSigma0(g) + maj(g, h, a);
    w11 += sigma1(w9) + w4 + sigma0(w12);
    e += w11 + 0xbf597fc7 + bigSigma1(b) + ch(b, c, d); a += e; e += bigSigma0(f) + maj(f, g, h);
    w12 += sigma1(w10) + w5 + sigma0(w13);
    d += w12 + 0xc6e00bf3 + bigSigma1(a) + ch(a, b, c); h += d; d += bigSigma0(e) + maj(e, f, g);
    w13 += sigma1(w11) + w6 + sigma0(w14);
    c += w13 + 0xd5a79147 + bigSigma1(h) + ch(h, a, b); g += c; c += bigSigma0(d) + maj(d, e, f);
    w14 += sigma1(w12) + w7 + sigma0(w15);
    b += w14 + 0x06ca6351 + bigSigma1(g) + ch(g, h, a); f += b; b += bigSigma0(c) + maj(c, d, e);
    w15 += sigma1(w13) + w8 + sigma0(w0);
    a += w15 + 0x14292967 + bigSigma1(f) + ch(f, g, h); e += a; a += bigSigma0(b) + maj(b, c, d);
    w0 += sigma1(w14) + w9 + sigma0(w1);
    h += w0 + 0x27b70a85 + bigSigma1(e) + ch(e, f, g); d += h; h += bigSigma0(a) + maj(a, b, c);
    w1 += sigma1(w15) + w10 + sigma0(w2);
    g += w1 + 0x2e1b2138 + bigSigma1(d) + ch(d, e, f); c += g; g += bigSigma0(h) + maj(h, a, b);
    w2 += sigma1(w0) + w11 + sigma0(w3);
    f += w2 + 0x4d2c6dfc + bigSigma1(c) + ch(c, d, e); b += f; f += bigSigma0(g) + maj(g, h, a);
    w3 += sigma1(w1) + w12 + sigma0(w4);
    e += w3 + 0x53380d13 + bigSigma1(b) + ch(b, c, d); a += e; e += bigSigma0(f) + maj(f, g, h);
    w4 += sigma1(w2) + w13 + sigma0(w5);
    d += w4 + 0x650a7354 + bigSigma1(a) + ch(a, b, c); h += d; d += bigSigma0(e) + maj(e, f, g);
    w5 += sigma1(w3) + w14 + sigma0(w6);
    c += w5 + 0x766a0abb + bigSigma1(h) + ch(h, a, b); g += c; c += bigSigma0(d) + maj(d, e, f);
    w6 += sigma1(w4) + w15 + sigma0(w7);
    b += w6 + 0x81c2c92e + bigSigma1(g) + ch(g, h, a); f += b; b += bigSigma0(c) + maj(c, d, e);
    w7 += sigma1(w5) + w0 + sigma0(w8);
    a += w7 + 0x92722c85 + bigSigma1(f) + ch(f, g, h); e += a; a += bigSigma0(b) + maj(b, c, d);
    w8 += sigma1(w6) + w1 + sigma0(w9);
    h += w8 + 0xa2bfe8a1 + bigSigma1(e) + ch(e, f, g); d += h; h += bigSigma0(a) + maj(a, b, c);
    w9 += sigma1(w7) + w2 + sigma0(w10);
    g += w9 + 0xa81a664b + bigSigma1(d) + ch(d, e, f); c += g; g += bigSigma0(h) + maj(h, a, b);
    w10 += sigma1(w8) + w3 + sigma0(w11);
    f += w10 + 0xc24b8b70 + bigSigma1(c) + ch(c, d, e); b += f; f += bigSigma0(g) + maj(g, h, a);
    w11 += sigma1(w9) + w4 + sigma0(w12);
    e += w11 + 0xc76c51a3 + bigSigma1(b) + ch(b, c, d); a += e; e += bigSigma0(f) + maj(f, g, h);
    w12 += sigma1(w10) + w5 + sigma0(w13);
    d += w12 + 0xd192e819 + bigSigma1(a) + ch(a, b, c); h += d; d += bigSigma0(e) + maj(e, f, g);
    w13 += sigma1(w11) + w6 + sigma0(w14);
    c += w13 + 0xd6990624 + bigSigma1(h) + ch(h, a, b); g += c; c += bigSigma0(d) + maj(d, e, f);
    w14 += sigma1(w12) + w7 + sigma0(w15);
    b += w14 + 0xf40e3585 + bigSigma1(g) + ch(g, h, a); f += b; b += bigSigma0(c) + maj(c, d, e);
    w15 += sigma1(w13) + w8 + sigma0(w0);
    a += w15 + 0x106aa070 + bigSigma1(f) + ch(f, g, h); e += a; a += bigSigma0(b) + maj(b, c, d);
    w0 += sigma1(w14) + w9 + sigma0(w1);
    h += w0 + 0x19a4c116 + bigSigma1(e) + ch(e, f, g); d += h; h += bigSigma0(a) + maj(a, b, c);
    w1 += sigma1(w15) + w10 + sigma0(w2);
    g += w1 + 0x1e376c08 + bigSigma1(d) + ch(d, e, f); c += g; g += bigSigma0(h) + maj(h, a, b);
    w2 += sigma1(w0) + w11 + sigma0(w3);
    f += w2 + 0x2748774c + bigSigma1(c) + ch(c, d, e); b += f; f += bigSigma0(g) + maj(g, h, a);
    w3 += sigma1(w1) + w12 + sigma0(w4);
    e += w3 + 0x34b0bcb5 + bigSigma1(b) + ch(b, c, d); a += e; e += bigSigma0(f) + maj(f, g, h);
    w4 += sigma1(w2) + w13 + sigma0(w5);
    d += w4 + 0x391c0cb3 + bigSigma1(a) + ch(a, b, c); h += d; d += bigSigma0(e) + maj(e, f, g);
    w5 += sigma1(w3) + w14 + sigma0(w6);
    c += w5 + 0x4ed8aa4a + bigSigma1(h) + ch(h, a, b); g += c; c += bigSigma0(d) + maj(d, e, f);
    w6 += sigma1(w4) + w15 + sigma0(w7);
    b += w6 + 0x5b9cca4f + bigSigma1(g) + ch(g, h, a); f += b; b += bigSigma0(c) + maj(c, d, e);
    w7 += sigma1(w5) + w0 + sigma0(w8);
    a += w7 + 0x682e6ff3 + bigSigma1(f) + ch(f, g, h); e += a; a += bigSigma0(b) + maj(b, c, d);
    w8 += sigma1(w6) + w1 + sigma0(w9);
    h += w8 + 0x748f82ee + bigSigma1(e) + ch(e, f, g); d += h; h += bigSigma0(a) + maj(a, b, c);
    w9 += sigma1(w7) + w2 + sigma0(w10);
    g += w9 + 0x78a5636f + bigSigma1(d) + ch(d, e, f); c += g; g += bigSigma0(h) + maj(h, a, b);
    w10 += sigma1(w8) + w3 + sigma0(w11);
    f += w10 + 0x84c87814 + bigSigma1(c) + ch(c, d, e); b += f; f += bigSigma0(g) + maj(g, h, a);
    w11 += sigma1(w9) + w4 + sigma0(w12);
    e += w11 + 0x8cc70208 + bigSigma1(b) + ch(b, c, d); a += e; e += bigSigma0(f) + maj(f, g, h);
    w12 += sigma1(w10) + w5 + sigma0(w13);
    d += w12 + 0x90befffa + bigSigma1(a) + ch(a, b, c); h += d; d += bigSigma0(e) + maj(e, f, g);
    w13 += sigma1(w11) + w6 + sigma0(w14);
    c += w13 + 0xa4506ceb + bigSigma1(h) + ch(h, a, b); g += c; c += bigSigma0(d) + maj(d, e, f);
    w14 += sigma1(w12) + w7 + sigma0(w15);
    b += w14 + 0xbef9a3f7 + bigSigma1(g) + ch(g, h, a); f += b; b += bigSigma0(c) + maj(c, d, e);
    w15 += sigma1(w13) + w8 + sigma0(w0);
    a += w15 + 0xc67178f2 + bigSigma1(f) + ch(f, g, h); e += a; a += bigSigma0(b) + maj(b, c, d);
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

export function sha256Final(ctx: usize, out: usize): void {
  let used = <usize>load<u32>(ctx, USED);
  const buf = ctx + BUF;
  store<u8>(buf + used, 0x80);
  used++;
  if (used > 56) {
    memory.fill(buf + used, 0, 64 - used);
    sha256Blocks(ctx, buf, 1);
    used = 0;
  }
  memory.fill(buf + used, 0, 56 - used);
  store<u64>(buf, bswap<u64>(load<u64>(ctx, TOTAL) << 3), 56);
  sha256Blocks(ctx, buf, 1);
  for (let i: usize = 0; i < 32; i += 4) store<u32>(out + i, bswap<u32>(load<u32>(ctx + i)));
}

/** SHA256 of `len` bytes at `ptr`, 32 bytes to `out`. */
export function sha256Into(ptr: usize, len: usize, out: usize): void {
  sha256Init(CTX);
  sha256Update(CTX, ptr, len);
  sha256Final(CTX, out);
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
