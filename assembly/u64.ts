// 64-bit modular arithmetic without a 128-bit multiply: WASM (Node 20) has no 64×64→128 instruction, so
// the high half of a product is built from four 32×32→64 products. Montgomery form (R = 2^64) turns every
// modular product into multiplies and one conditional add — no division in any loop. Allocation-free.

/** High 64 bits of the 128-bit product a·b. */
@inline export function mulhi64(a: u64, b: u64): u64 {
  const a0: u64 = a & 0xffffffff;
  const a1: u64 = a >> 32;
  const b0: u64 = b & 0xffffffff;
  const b1: u64 = b >> 32;
  const p01: u64 = a0 * b1;
  const p10: u64 = a1 * b0;
  // The middle column: at most 3·(2^32−1), no overflow.
  const mid: u64 = ((a0 * b0) >> 32) + (p01 & 0xffffffff) + (p10 & 0xffffffff);
  return a1 * b1 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
}

/** Montgomery square y²·2^-64 mod n (y < n): the square's middle products are one multiply, doubled. */
@inline export function montSqr64(y: u64, n: u64, nInv: u64): u64 {
  const y0: u64 = y & 0xffffffff;
  const y1: u64 = y >> 32;
  const p00: u64 = y0 * y0;
  const p01: u64 = y0 * y1;
  const mid: u64 = (p00 >> 32) + ((p01 & 0xffffffff) << 1);
  const hi: u64 = y1 * y1 + ((p01 >> 32) << 1) + (mid >> 32);
  const lo: u64 = (mid << 32) | (p00 & 0xffffffff);
  const mh: u64 = mulhi64(lo * nInv, n);
  const r: u64 = hi - mh;
  return hi < mh ? r + n : r;
}

/**
 * Lazy Montgomery square for n < 2^62 − 2^8: y < 2n + 2^8 in, y²·2^-64 + n (mod n, in (0, 2n)) out, with no
 * conditional: hi(y²) < n because y² < n·2^64, and hi − hi(m·n) + n ∈ (0, 2n).
 */
@inline export function montSqrLazy64(y: u64, n: u64, nInv: u64): u64 {
  const y0: u64 = y & 0xffffffff;
  const y1: u64 = y >> 32;
  const p00: u64 = y0 * y0;
  const p01: u64 = y0 * y1;
  const mid: u64 = (p00 >> 32) + ((p01 & 0xffffffff) << 1);
  const hi: u64 = y1 * y1 + ((p01 >> 32) << 1) + (mid >> 32);
  const lo: u64 = (mid << 32) | (p00 & 0xffffffff);
  return hi + n - mulhi64(lo * nInv, n);
}

/** Lazy Montgomery product for a·b < n·2^64: result in (0, 2n), ≡ a·b·2^-64 (mod n). */
@inline export function montMulLazy64(a: u64, b: u64, n: u64, nInv: u64): u64 {
  return mulhi64(a, b) + n - mulhi64(a * b * nInv, n);
}

/** n^-1 mod 2^64 for odd n (Newton: each step doubles the correct low bits, 3 → 6 → … → 96). */
export function inverse64(n: u64): u64 {
  let x: u64 = n; // n·n ≡ 1 (mod 8)
  x *= 2 - n * x;
  x *= 2 - n * x;
  x *= 2 - n * x;
  x *= 2 - n * x;
  x *= 2 - n * x;
  return x;
}

/**
 * Montgomery product a·b·2^-64 mod n, for odd n and a, b < n. `nInv` = n^-1 mod 2^64.
 * With m = lo(a·b)·n^-1, a·b − m·n is divisible by 2^64 and equals (hi(a·b) − hi(m·n))·2^64, so the result
 * is hi(a·b) − hi(m·n), which lies in (−n, n): one conditional add brings it into [0, n).
 */
@inline export function montMul64(a: u64, b: u64, n: u64, nInv: u64): u64 {
  const hi: u64 = mulhi64(a, b);
  const m: u64 = a * b * nInv;
  const mh: u64 = mulhi64(m, n);
  const r: u64 = hi - mh;
  return hi < mh ? r + n : r;
}

/** 2^64 mod n (the Montgomery form of 1). */
@inline export function montOne64(n: u64): u64 {
  return (0 - n) % n;
}

/** (a + b) mod n for a, b < n, safe for n up to 2^64 − 1. */
@inline export function addMod64(a: u64, b: u64, n: u64): u64 {
  return a >= n - b ? a - (n - b) : a + b;
}

/** 2^128 mod n (converts into Montgomery form: montMul64(x, r2) = x·2^64 mod n). */
export function montR2_64(n: u64): u64 {
  let x: u64 = montOne64(n);
  for (let i = 0; i < 64; i++) x = addMod64(x, x, n);
  return x;
}

/** Binary gcd (Stein), with count-trailing-zeros instead of bit-by-bit shifts. */
export function gcd64(a: u64, b: u64): u64 {
  if (a == 0) return b;
  if (b == 0) return a;
  const shift: u64 = ctz<u64>(a | b);
  a >>= ctz<u64>(a);
  do {
    b >>= ctz<u64>(b);
    if (a > b) {
      const t: u64 = a;
      a = b;
      b = t;
    }
    b -= a;
  } while (b != 0);
  return a << shift;
}

/** base^e mod n in Montgomery form (base and the result are Montgomery residues). */
export function montPow64(base: u64, e: u64, n: u64, nInv: u64): u64 {
  let result: u64 = montOne64(n);
  while (e != 0) {
    if (e & 1) result = montMul64(result, base, n, nInv);
    base = montMul64(base, base, n, nInv);
    e >>= 1;
  }
  return result;
}

const MR_BASES: usize = memory.data<u8>([2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37]);

/**
 * Deterministic Miller–Rabin for all n < 2^64: the first twelve primes as bases suffice
 * (Jaeschke; Sorenson & Webster: no strong pseudoprime to bases 2..37 below 3.3·10^24).
 */
export function isPrime64(n: u64): bool {
  if (n < 2) return false;
  // Small primes (and multiples of them) by division; this also keeps every base below n.
  // The first divisor found is the smallest one, hence prime: n is prime only if it is that divisor.
  for (let p: u64 = 2; p <= 37; p++) if (n % p == 0) return n == p;
  if (n < 37 * 37) return true;
  const nInv: u64 = inverse64(n);
  const one: u64 = montOne64(n);
  const minusOne: u64 = n - one;
  const r2: u64 = montR2_64(n);
  const s: u64 = ctz<u64>(n - 1);
  const d: u64 = (n - 1) >> s;
  for (let k = 0; k < 12; k++) {
    const p: u64 = <u64>load<u8>(MR_BASES + k);
    let x: u64 = montPow64(montMul64(p, r2, n, nInv), d, n, nInv);
    if (x == one || x == minusOne) continue;
    let witness = true;
    for (let i: u64 = 1; i < s; i++) {
      x = montMul64(x, x, n, nInv);
      if (x == minusOne) {
        witness = false;
        break;
      }
    }
    if (witness) return false;
  }
  return true;
}
