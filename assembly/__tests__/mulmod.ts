// AS-level oracle test (a separate entry, never part of the product module): the core's allocation-free 64-bit
// helpers against as-bignum's u128 (which allocates on every operation, so it lives only here).
// Built and run by test/mulmod-as.test.ts with --runtime incremental.
import { u128 } from 'as-bignum/assembly';
import { gcd64, inverse64, isPrime64, montMul64, montR2_64, mulhi64 } from '../u64';

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
