// Pure-TS twins of the core's modPow and factorizePQ, on BigInt. Same names, checks and errors as the WASM
// bindings (bindings/bigint-checks.ts); slower, and there for runtimes or callers that want no WASM.
import {
  checkModPowArgs,
  checkPQ,
  pqError,
  PQ_MORE_FACTORS,
  PQ_NOT_FOUND,
  PQ_OK,
  PQ_PRIME,
  PQ_SQUARE,
} from '../../../bindings/bigint-checks.ts';

/** base^exponent mod modulus (odd modulus up to 8192 bits): left-to-right sliding window of 5 bits. */
export function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  checkModPowArgs(base, exponent, modulus);
  if (modulus === 1n) return 0n;
  base %= modulus;
  // Odd powers base^1, base^3, …, base^31.
  const odd: bigint[] = [base];
  const square = (base * base) % modulus;
  for (let k = 1; k < 16; k++) odd.push((odd[k - 1] * square) % modulus);
  let result = 1n;
  const bits = exponent.toString(2);
  let pos = 0;
  while (pos < bits.length) {
    if (bits[pos] === '0') {
      result = (result * result) % modulus;
      pos++;
      continue;
    }
    // The longest window of at most 5 bits starting here that ends in a 1.
    let end = Math.min(pos + 5, bits.length);
    while (bits[end - 1] === '0') end--;
    for (let k = pos; k < end; k++) result = (result * result) % modulus;
    result = (result * odd[parseInt(bits.slice(pos, end), 2) >> 1]) % modulus;
    pos = end;
  }
  return result;
}

function powMod(b: bigint, e: bigint, n: bigint): bigint {
  let r = 1n;
  b %= n;
  while (e > 0n) {
    if (e & 1n) r = (r * b) % n;
    b = (b * b) % n;
    e >>= 1n;
  }
  return r;
}

const SMALL_PRIMES = [2n, 3n, 5n, 7n, 11n, 13n, 17n, 19n, 23n, 29n, 31n, 37n];

/** Deterministic Miller–Rabin for n < 2^64 (bases: the first twelve primes). */
export function isPrime64(n: bigint): boolean {
  if (n < 2n) return false;
  for (const p of SMALL_PRIMES) if (n % p === 0n) return n === p;
  let d = n - 1n;
  let s = 0;
  while ((d & 1n) === 0n) {
    d >>= 1n;
    s++;
  }
  next: for (const a of SMALL_PRIMES) {
    let x = powMod(a, d, n);
    if (x === 1n || x === n - 1n) continue;
    for (let r = 1; r < s; r++) {
      x = (x * x) % n;
      if (x === n - 1n) continue next;
    }
    return false;
  }
  return true;
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

function isqrt(n: bigint): bigint {
  let x = BigInt(Math.floor(Math.sqrt(Number(n))));
  while (x * x > n) x--;
  while ((x + 1n) * (x + 1n) <= n) x++;
  return x;
}

/** Pollard–Brent with batched gcd (128 steps per gcd), backtracking when a batch swallowed both factors. */
function brent(n: bigint, c: bigint, y0: bigint): bigint {
  let y = y0;
  let x = y0;
  let ys = y0;
  let q = 1n;
  let g = 1n;
  let r = 1;
  do {
    x = y;
    for (let i = 0; i < r; i++) y = (y * y + c) % n;
    let k = 0;
    do {
      ys = y;
      const steps = Math.min(128, r - k);
      for (let i = 0; i < steps; i++) {
        y = (y * y + c) % n;
        q = (q * (x > y ? x - y : y - x)) % n;
      }
      g = gcd(q, n);
      k += 128;
    } while (k < r && g === 1n);
    r *= 2;
  } while (g === 1n && r <= 1 << 25);
  if (g === n || g === 0n) {
    g = 1n;
    for (let i = 0; i < 128 && g === 1n; i++) {
      ys = (ys * ys + c) % n;
      g = gcd(x > ys ? x - ys : ys - x, n);
    }
  }
  return g;
}

function split(n: bigint): [number, bigint, bigint] {
  if (n < 4n) return [PQ_PRIME, 0n, 0n];
  let p = 0n;
  for (let d = 2n; d < 64n && d * d <= n; d++) {
    if (n % d === 0n) {
      p = d;
      break;
    }
  }
  if (p === 0n) {
    if (isPrime64(n)) return [PQ_PRIME, 0n, 0n];
    const s = isqrt(n);
    if (s * s === n) p = s;
    else {
      for (let attempt = 1n; attempt <= 8n && p === 0n; attempt++) {
        const g = brent(n, (attempt * 0x9e3779b97f4a7c15n) % n, (attempt * 0xbf58476d1ce4e5b9n) % n);
        if (g !== 1n && g !== n) p = g;
      }
      if (p === 0n) return [PQ_NOT_FOUND, 0n, 0n];
    }
  }
  let q = n / p;
  if (p > q) [p, q] = [q, p];
  if (!isPrime64(p) || !isPrime64(q)) return [PQ_MORE_FACTORS, p, q];
  return [p === q ? PQ_SQUARE : PQ_OK, p, q];
}

/** Splits pq (< 2^64) into its two prime factors [p, q], p < q (Pollard–Brent, Miller–Rabin verified). */
export function factorizePQ(pq: bigint): [bigint, bigint] {
  checkPQ(pq);
  const [status, p, q] = split(pq);
  if (status !== PQ_OK) throw pqError(pq, status, p);
  return [p, q];
}
