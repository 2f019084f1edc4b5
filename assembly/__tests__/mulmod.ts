// AS-level oracle test (a separate entry, never part of the product module): the core's allocation-free 64-bit
// helpers against as-bignum's u128 (which allocates on every operation, so it lives only here).
// Built and run by test/mulmod-as.test.ts with --runtime incremental.
import { u128 } from 'as-bignum/assembly';
import { gcd64, inverse64, isPrime64, montMul64, montMulLazy64, montR2_64, montSqr64, montSqrLazy64, mulhi64 } from '../u64';

let state: u64 = 0;
let checkedCount: i32 = 0;

function next(): u64 {
  // xorshift64*
  state ^= state >> 12;
  state ^= state << 25;
  state ^= state >> 27;
  return state * 0x2545f4914f6cdd1d;
}

function euclid(a: u64, b: u64): u64 {
  while (b != 0) {
    const t: u64 = a % b;
    a = b;
    b = t;
  }
  return a;
}

/** Random 64-bit value with a random bit length (so small and full-width operands both occur). */
function randomWidth(): u64 {
  const shift: u64 = next() & 63;
  return next() >> shift;
}

/** Checks `count` random (a, b, odd m) triples; returns the number of mismatches. */
export function run(count: i32, seed: u64): i32 {
  state = seed | 1;
  let bad = 0;
  for (let i = 0; i < count; i++) {
    let m: u64 = randomWidth() | 1;
    if (m == 1) m = 0xffffffffffffffc5; // 2^64 − 59, the largest 64-bit prime
    const a: u64 = next() % m;
    const b: u64 = next() % m;
    // mulhi64 against the u128 product (typed locals: see TOOLCHAIN-NOTES, AS100 with call arguments).
    const ua: u128 = u128.fromU64(a);
    const ub: u128 = u128.fromU64(b);
    const um: u128 = u128.fromU64(m);
    const product: u128 = ua * ub;
    if (product.hi != mulhi64(a, b) || product.lo != a * b) bad++;
    // Montgomery: montMul64(montMul64(a, b), R² mod m) = a·b mod m.
    const expected: u128 = product % um;
    const inv: u64 = inverse64(m);
    if (m * inv != 1) bad++;
    const got: u64 = montMul64(montMul64(a, b, m, inv), montR2_64(m), m, inv);
    if (got != expected.lo || expected.hi != 0) bad++;
    if (gcd64(a, m) != euclid(a, m)) bad++;
    // Squares: montSqr64(a) = montMul64(a, a), checked against u128 the same way.
    const square: u128 = ua * ua;
    const sqExpected: u128 = square % um;
    if (montMul64(montSqr64(a, m, inv), montR2_64(m), m, inv) != sqExpected.lo) bad++;
    // Lazy forms (n < 2^62 − 512, operands up to 2n + 256): results in (0, 2n), ≡ the exact ones mod n.
    const n: u64 = m >> 2;
    if (n > 1 && n < (1 << 62) - 512) {
      const ninv: u64 = inverse64(n | 1);
      const nn: u64 = n | 1;
      const x: u64 = (next() % (2 * nn)) + (next() & 255);
      const y: u64 = next() % (2 * nn);
      const ux: u128 = u128.fromU64(x);
      const uy: u128 = u128.fromU64(y);
      const un: u128 = u128.fromU64(nn);
      const xx: u128 = ux * ux;
      const sq: u64 = montSqrLazy64(x, nn, ninv);
      const pr: u64 = montMulLazy64(x % nn, y, nn, ninv);
      const r2: u64 = montR2_64(nn);
      if (sq == 0 || sq >= 2 * nn || montMul64(sq % nn, r2, nn, ninv) != (xx % un).lo) bad++;
      const xmod: u128 = u128.fromU64(x % nn);
      const xmy: u128 = xmod * uy;
      if (pr == 0 || pr >= 2 * nn || montMul64(pr % nn, r2, nn, ninv) != (xmy % un).lo) bad++;
    }
    checkedCount++;
  }
  return bad;
}

/** Miller–Rabin against trial division for n < 2^20; returns the number of disagreements. */
export function runPrimes(limit: u32): i32 {
  let bad = 0;
  for (let n: u32 = 0; n < limit; n++) {
    let prime = n >= 2;
    for (let d: u32 = 2; d * d <= n; d++) {
      if (n % d == 0) {
        prime = false;
        break;
      }
    }
    if (prime != isPrime64(<u64>n)) bad++;
  }
  return bad;
}

export function checked(): i32 {
  return checkedCount;
}
