// Argument checks and error messages for modPow and factorizePQ, shared by the WASM bindings and the
// pure-TS twins so both reject the same inputs with the same messages.
import { checkBigInt } from './checks.ts';

/** Largest modulus, exponent and base modPow accepts, in bits (the WASM core's static buffers). */
export const MODPOW_MAX_BITS = 8192;

export function bitLength(x: bigint): number {
  if (x === 0n) return 0;
  const hex = x.toString(16);
  return (hex.length - 1) * 4 + (32 - Math.clz32(parseInt(hex[0], 16)));
}

function checkOperand(name: string, value: unknown): asserts value is bigint {
  checkBigInt(name, value);
  if (value < 0n) throw new RangeError(`${name} must be non-negative, got ${value}`);
  const bits = bitLength(value);
  if (bits > MODPOW_MAX_BITS) throw new RangeError(`${name} must be at most ${MODPOW_MAX_BITS} bits, got ${bits} bits`);
}

export function checkModPowArgs(base: unknown, exponent: unknown, modulus: unknown): asserts base is bigint {
  checkOperand('base', base);
  checkOperand('exponent', exponent);
  checkOperand('modulus', modulus);
  if (modulus === 0n) throw new RangeError('modulus must be a positive odd number, got 0');
  if ((modulus & 1n) === 0n) throw new RangeError(`modulus must be odd (Montgomery reduction), got an even number`);
}

/** factorizePQ outcomes (the WASM core's PQ_* codes). */
export const PQ_OK = 0;
export const PQ_PRIME = 1;
export const PQ_SQUARE = 2;
export const PQ_MORE_FACTORS = 3;
export const PQ_NOT_FOUND = 4;

const TWO_64 = 1n << 64n;

export function checkPQ(pq: unknown): asserts pq is bigint {
  checkBigInt('pq', pq);
  if (pq <= 1n) throw new RangeError(`pq must be a product of two primes greater than 1, got ${pq}`);
  if (pq >= TWO_64) throw new RangeError(`pq must be below 2^64, got ${bitLength(pq)} bits`);
}

/** The error for a non-OK factorization status. */
export function pqError(pq: bigint, status: number, p: bigint): RangeError {
  switch (status) {
    case PQ_PRIME:
      return new RangeError(`pq = ${pq} is prime, not a product of two primes`);
    case PQ_SQUARE:
      return new RangeError(`pq = ${pq} is the square of the prime ${p}; expected two distinct primes p < q`);
    case PQ_MORE_FACTORS:
      return new RangeError(`pq = ${pq} has more than two prime factors`);
    default:
      return new RangeError(`pq = ${pq}: no factor found (Pollard–Brent gave up)`);
  }
}
