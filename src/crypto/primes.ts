// Miller–Rabin primality testing over bigint, using the core's modPow.
import { modPow } from '../../bindings/bigint.ts';
import { bigintFromBytes, randomBytes } from './bytes.ts';

const SMALL_PRIMES = [2n, 3n, 5n, 7n, 11n, 13n, 17n, 19n, 23n, 29n, 31n, 37n, 41n, 43n, 47n, 53n, 59n, 61n, 67n, 71n];

/** Probabilistic primality: error probability ≤ 4^-rounds for any n (deterministic below 3.3e24 with the small-prime bases). */
export function isProbablePrime(n: bigint, rounds = 30): boolean {
  if (n < 2n) return false;
  for (const p of SMALL_PRIMES) {
    if (n === p) return true;
    if (n % p === 0n) return false;
  }
  let d = n - 1n;
  let s = 0;
  while ((d & 1n) === 0n) {
    d >>= 1n;
    s++;
  }
  const byteLength = Math.ceil(n.toString(16).length / 2);
  const witness = (a: bigint): boolean => {
    let x = modPow(a, d, n);
    if (x === 1n || x === n - 1n) return true;
    for (let i = 1; i < s; i++) {
      x = (x * x) % n;
      if (x === n - 1n) return true;
      if (x === 1n) return false;
    }
    return false;
  };
  for (const a of SMALL_PRIMES.slice(0, 12)) if (!witness(a)) return false;
  for (let i = 12; i < rounds; i++) {
    const a = 2n + (bigintFromBytes(randomBytes(byteLength + 8)) % (n - 3n));
    if (!witness(a)) return false;
  }
  return true;
}

/** a⁻¹ mod m (extended Euclid); throws RangeError when gcd(a, m) ≠ 1. */
export function modInverse(a: bigint, m: bigint): bigint {
  let [r0, r1] = [((a % m) + m) % m, m];
  let [s0, s1] = [1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  if (r0 !== 1n) throw new RangeError('value is not invertible modulo m');
  return ((s0 % m) + m) % m;
}
