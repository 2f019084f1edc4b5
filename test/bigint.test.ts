// modPow: WASM core vs the pure-TS twin vs BigInt square-and-multiply vs node:crypto Diffie–Hellman (OpenSSL),
// the official auth-key sample (core.telegram.org/mtproto/samples-auth_key, [tg.samples_auth_key.rev2025]),
// edge cases and hostile arguments.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDiffieHellman } from 'node:crypto';
import { modPow } from '../src/index.ts';
import { modPow as modPowJs } from '../src/crypto/js/index.ts';
import { seededBytes } from './helpers/random.ts';
import { bytesOf, intOf, toHex, vectorSet } from './helpers/vectors.ts';

function big(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt('0x' + toHex(bytes));
}

function bytesOfBig(x: bigint): Buffer {
  let hex = x.toString(16);
  if (hex.length % 2) hex = '0' + hex;
  return Buffer.from(hex, 'hex');
}

/** Plain right-to-left square-and-multiply: the independent BigInt reference. */
function reference(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n % modulus;
  base %= modulus;
  while (exponent > 0n) {
    if (exponent & 1n) result = (result * base) % modulus;
    base = (base * base) % modulus;
    exponent >>= 1n;
  }
  return result;
}

/** g^x mod p through OpenSSL (node:crypto DH with a set private key). */
function openssl(g: bigint, x: bigint, p: bigint): bigint {
  const dh = createDiffieHellman(bytesOfBig(p), bytesOfBig(g));
  dh.setPrivateKey(bytesOfBig(x));
  dh.generateKeys();
  return big(dh.getPublicKey());
}

let seed = 1;
function randomBits(bits: number): bigint {
  const bytes = seededBytes(seed++, Math.ceil(bits / 8));
  return big(bytes) & ((1n << BigInt(bits)) - 1n);
}

function randomModulus(bits: number): bigint {
  return randomBits(bits) | 1n | (1n << BigInt(bits - 1));
}

function check(base: bigint, exponent: bigint, modulus: bigint, expected = reference(base, exponent, modulus)): void {
  const what = `${base.toString(16).slice(0, 16)}…^${exponent.toString(16).slice(0, 16)}… mod ${modulus.toString(16).slice(0, 16)}… (${modulus.toString(2).length} bits)`;
  assert.equal(modPow(base, exponent, modulus), expected, `WASM ${what}`);
  assert.equal(modPowJs(base, exponent, modulus), expected, `pure TS ${what}`);
}

test('auth-key sample: g_b = g^b mod dh_prime and auth_key = g_a^b mod dh_prime', () => {
  const set = vectorSet('tg.samples_auth_key.rev2025');
  const g = intOf(set, 'g');
  const p = big(bytesOf(set, 'dh_prime'));
  const b = big(bytesOf(set, 'b'));
  const gA = big(bytesOf(set, 'g_a'));
  check(g, b, p, big(bytesOf(set, 'g_b')));
  check(gA, b, p, big(bytesOf(set, 'auth_key')));
  assert.equal(openssl(g, b, p), big(bytesOf(set, 'g_b')));
});

test('2048-bit dh_prime, random exponents: WASM = pure TS = OpenSSL = BigInt', () => {
  const p = big(bytesOf(vectorSet('tg.samples_auth_key.rev2025'), 'dh_prime'));
  for (let i = 0; i < 6; i++) {
    const x = randomBits([2048, 2047, 1024, 256, 17, 2][i]);
    const expected = openssl(3n, x, p);
    assert.equal(expected, reference(3n, x, p));
    check(3n, x, p, expected);
    const base = randomBits(2048) % p;
    check(base, x, p);
  }
});

test('random odd moduli of 64…4096 bits: WASM = pure TS = BigInt, and = OpenSSL (≥ 512 bits, its minimum)', () => {
  const plan: [number, number][] = [[64, 150], [200, 40], [512, 25], [1024, 10], [2048, 6], [3072, 3], [4096, 2]];
  for (const [bits, count] of plan) {
    for (let i = 0; i < count; i++) {
      const m = randomModulus(bits);
      const base = randomBits(bits + (i % 3) * 7); // sometimes ≥ m
      const e = randomBits(i % 4 === 0 ? 40 : bits);
      const expected = reference(base, e, m);
      check(base, e, m, expected);
      if (i < 2 && bits >= 512 && base % m > 1n) assert.equal(openssl(base % m, e, m), expected, `OpenSSL ${bits} bits`);
    }
  }
});

test('8192-bit modulus (the limit) agrees with OpenSSL', () => {
  const m = randomModulus(8192);
  const base = randomBits(8000);
  const e = randomBits(300);
  const expected = openssl(base, e, m);
  assert.equal(modPow(base, e, m), expected);
  assert.equal(modPowJs(base, e, m), expected);
});

test('edge cases: exponent 0/1, base 0/1/m−1/≥m, modulus 1/3/2^k−1, every limb-count boundary', () => {
  const m2048 = randomModulus(2048);
  for (const m of [1n, 3n, 5n, 7n, (1n << 61n) - 1n, (1n << 127n) - 1n, (1n << 521n) - 1n, m2048, (1n << 2048n) - 1n]) {
    for (const base of [0n, 1n, 2n, m - 1n, m, m + 1n, 3n * m + 2n, m * m]) {
      for (const e of [0n, 1n, 2n, 3n, 31n, 32n, 33n, 65537n, m - 1n]) check(base, e, m);
    }
  }
  assert.equal(modPow(0n, 0n, 7n), 1n);
  assert.equal(modPow(5n, 0n, 1n), 0n);
  // Moduli whose bit length sits at every 27-bit limb and 4-limb padding boundary.
  for (let bits = 2; bits <= 600; bits += bits < 120 ? 1 : 13) {
    const m = randomModulus(bits);
    check(randomBits(bits + 3), randomBits(Math.min(bits, 70)), m);
    check(m - 1n, m - 2n, m);
  }
});

test('hostile arguments: typed errors naming the argument and the limit; the core still works after', () => {
  const cases: [unknown[], RegExp, typeof TypeError | typeof RangeError][] = [
    [[2, 3n, 5n], /base must be a bigint/, TypeError],
    [[2n, '3', 5n], /exponent must be a bigint/, TypeError],
    [[2n, 3n, 5], /modulus must be a bigint/, TypeError],
    [[2n, 3n, 0n], /modulus must be a positive odd number/, RangeError],
    [[2n, 3n, 10n], /modulus must be odd/, RangeError],
    [[2n, 3n, 1n << 2048n], /modulus must be odd/, RangeError],
    [[-2n, 3n, 5n], /base must be non-negative/, RangeError],
    [[2n, -3n, 5n], /exponent must be non-negative/, RangeError],
    [[2n, 3n, -5n], /modulus must be non-negative/, RangeError],
    [[2n, 3n, (1n << 8193n) - 1n], /modulus must be at most 8192 bits, got 8193 bits/, RangeError],
    [[2n, 1n << 8192n, 5n], /exponent must be at most 8192 bits, got 8193 bits/, RangeError],
    [[1n << 9000n, 3n, 5n], /base must be at most 8192 bits, got 9001 bits/, RangeError],
  ];
  for (const [args, message, type] of cases) {
    for (const f of [modPow, modPowJs]) {
      assert.throws(() => (f as (...a: unknown[]) => bigint)(...args), (e: unknown) => e instanceof type && message.test((e as Error).message));
    }
  }
  check(2n, 10n, 1001n);
  const p = big(bytesOf(vectorSet('tg.samples_auth_key.rev2025'), 'dh_prime'));
  check(3n, 12345n, p);
});

test('moduli of 2040…2060 bits (the 76-limb case and its neighbours), random operands: WASM = pure TS = BigInt', () => {
  for (let bits = 2040; bits <= 2060; bits++) {
    const m = randomModulus(bits);
    const e = randomBits(bits % 3 === 0 ? bits : 700);
    check(randomBits(bits) % m, e, m);
  }
  // Moduli just under a power of two and with sparse limbs (long runs of zero or one limbs in the reduction).
  for (const m of [(1n << 2048n) - 159n, (1n << 2047n) + 1n, (1n << 2049n) - 1n, ((1n << 2048n) - 1n) ^ (((1n << 1000n) - 1n) << 500n)]) {
    check(m - 2n, randomBits(2048), m);
    check(3n, m - 1n, m);
  }
});

test('sliding windows: exponents at every window-width threshold, powers of two, all-ones and sparse bit patterns', () => {
  const m = randomModulus(521);
  const base = randomBits(520);
  // windowBits() switches at 7, 24, 80, 240 and 672 bits.
  for (const bits of [1, 2, 6, 7, 8, 23, 24, 25, 79, 80, 81, 239, 240, 241, 671, 672, 673, 1024]) {
    check(base, randomBits(bits) | (1n << BigInt(bits - 1)), m);
    check(base, (1n << BigInt(bits)) - 1n, m);
    check(base, 1n << BigInt(bits - 1), m);
  }
  for (let k = 1; k < 70; k++) check(base, (1n << BigInt(k)) + 1n, m);
  // A 1 followed by long zero runs, and isolated ones at window edges.
  check(base, (1n << 700n) | (1n << 350n) | (1n << 6n) | 1n, m);
  check(base, BigInt('0b' + '100000'.repeat(120)), m);
  check(base, BigInt('0b' + '1000001'.repeat(100)), m);
});
