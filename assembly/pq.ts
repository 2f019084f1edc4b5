// PQ factorization for the MTProto handshake (res_pq's pq, a product of two ~31-bit primes, below 2^64):
// Pollard–Brent rho over an allocation-free 64-bit Montgomery mulmod, batched gcd (one gcd per 128 steps,
// backtracking when the batch swallowed both factors), and deterministic Miller–Rabin on the result so the
// answer is "exactly two primes p < q" or an error code — never a wrong pair.
import { gcd64, inverse64, isPrime64, montMul64, montMulLazy64, montOne64, montSqr64, montSqrLazy64, addMod64 } from './u64';

/** factorizePQ status codes (the binding turns them into RangeErrors). */
export const PQ_OK: i32 = 0;
/** pq < 4 or pq is prime. */
export const PQ_PRIME: i32 = 1;
/** pq = p² (p prime): not two distinct primes. */
export const PQ_SQUARE: i32 = 2;
/** pq has more than two prime factors. */
export const PQ_MORE_FACTORS: i32 = 3;
/** No factor found within the step budget (should not happen for a product of two primes). */
export const PQ_NOT_FOUND: i32 = 4;

const BATCH: i32 = 128;
/** Brent's r doubles up to this; ~2^16 steps are expected for a 32-bit factor, 2^25 is a generous cap. */
const MAX_R: u64 = 1 << 25;
const ATTEMPTS: u64 = 8;

@inline function absDiff(a: u64, b: u64): u64 {
  return a > b ? a - b : b - a;
}

/** One Pollard–Brent run with y ← y² + c (in Montgomery form); returns a divisor of n, or n / 1 on failure. */
function brent(n: u64, c: u64, y0: u64): u64 {
  const nInv: u64 = inverse64(n);
  let y: u64 = y0;
  let x: u64 = y0;
  let ys: u64 = y0;
  let q: u64 = montOne64(n);
  let g: u64 = 1;
  let r: u64 = 1;
  do {
    x = y;
    for (let i: u64 = 0; i < r; i++) y = addMod64(montSqr64(y, n, nInv), c, n);
    let k: u64 = 0;
    do {
      ys = y;
      const left: u64 = r - k;
      const steps: i32 = left < <u64>BATCH ? <i32>left : BATCH;
      for (let i = 0; i < steps; i++) {
        y = addMod64(montSqr64(y, n, nInv), c, n);
        q = montMul64(q, absDiff(x, y), n, nInv);
      }
      g = gcd64(q, n);
      k += <u64>BATCH;
    } while (k < r && g == 1);
    r <<= 1;
  } while (g == 1 && r <= MAX_R);
  if (g == n || g == 0) {
    // The batch multiplied in both factors (or hit x == y): redo it one step at a time.
    g = 1;
    for (let i = 0; i < BATCH && g == 1; i++) {
      ys = addMod64(montSqr64(ys, n, nInv), c, n);
      g = gcd64(absDiff(x, ys), n);
    }
  }
  return g;
}

/** Below this, brentLazy's unreduced residues (< 2n + 2^8) keep every product below n·2^64. */
const LAZY_LIMIT: u64 = (1 << 62) - 512;

/**
 * Pollard–Brent for n < LAZY_LIMIT (every pq Telegram sends: p, q < 2^31): residues stay unreduced in
 * [0, 2n + c) with a small c, so the step y ← y² + c has no compare or conditional on its critical path.
 */
function brentLazy(n: u64, c: u64, y0: u64): u64 {
  const nInv: u64 = inverse64(n);
  let y: u64 = y0;
  let x: u64 = y0;
  let ys: u64 = y0;
  let q: u64 = montOne64(n);
  let g: u64 = 1;
  let r: u64 = 1;
  do {
    x = y;
    for (let i: u64 = 0; i < r; i++) y = montSqrLazy64(y, n, nInv) + c;
    let k: u64 = 0;
    do {
      ys = y;
      const left: u64 = r - k;
      const steps: i32 = left < <u64>BATCH ? <i32>left : BATCH;
      for (let i = 0; i < steps; i++) {
        y = montSqrLazy64(y, n, nInv) + c;
        q = montMulLazy64(q, absDiff(x, y), n, nInv);
      }
      g = gcd64(q, n);
      k += <u64>BATCH;
    } while (k < r && g == 1);
    r <<= 1;
  } while (g == 1 && r <= MAX_R);
  if (g == n || g == 0) {
    g = 1;
    for (let i = 0; i < BATCH && g == 1; i++) {
      ys = montSqrLazy64(ys, n, nInv) + c;
      g = gcd64(absDiff(x, ys), n);
    }
  }
  return g;
}

/** Integer square root (floor) of a 64-bit value. */
function isqrt64(n: u64): u64 {
  let s: u64 = <u64>Math.sqrt(<f64>n);
  while (s * s > n || s > 0xffffffff) s--;
  while (s < 0xffffffff && (s + 1) * (s + 1) <= n) s++;
  return s;
}

/** A nontrivial divisor of the odd composite n (no factor below 64), or 0 if none was found. */
function findDivisor(n: u64): u64 {
  for (let attempt: u64 = 1; attempt <= ATTEMPTS; attempt++) {
    const y0: u64 = (attempt * 0xbf58476d1ce4e5b9) % n;
    const g: u64 = n < LAZY_LIMIT
      ? brentLazy(n, attempt, y0)
      : brent(n, (attempt * 0x9e3779b97f4a7c15) % n, y0);
    if (g != 1 && g != n) return g;
  }
  return 0;
}

function splitPQ(n: u64, out: usize): i32 {
  if (n < 4) return PQ_PRIME;
  let p: u64 = 0;
  // Small factors by division (rho is poor at tiny n); the first divisor found is the smallest, a prime.
  for (let d: u64 = 2; d < 64 && d * d <= n; d++) {
    if (n % d == 0) {
      p = d;
      break;
    }
  }
  if (p == 0) {
    if (isPrime64(n)) return PQ_PRIME;
    const s: u64 = isqrt64(n);
    if (s * s == n) {
      p = s;
    } else {
      p = findDivisor(n);
      if (p == 0) return PQ_NOT_FOUND;
    }
  }
  let q: u64 = n / p;
  if (p > q) {
    const t: u64 = p;
    p = q;
    q = t;
  }
  if (!isPrime64(p) || !isPrime64(q)) return PQ_MORE_FACTORS;
  store<u64>(out, p);
  store<u64>(out, q, 8);
  return p == q ? PQ_SQUARE : PQ_OK;
}

/**
 * Factorizes the u64 (little-endian) at `ptr` into primes p < q, written as u64 at ptr + 8 and ptr + 16.
 * Works on any memory region (the IO buffer or the arena). Returns a PQ_* status.
 */
export function factorizePQ64(ptr: usize): i32 {
  return splitPQ(load<u64>(ptr), ptr + 8);
}
