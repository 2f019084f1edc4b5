// factorizePQ: the [factorization] vectors (grammers / mtcute) and the official auth-key sample's pq, thousands of
// random products of two 31/32-bit primes, small and unbalanced products, hostile inputs; WASM vs pure-TS twin.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { factorizePQ } from '../src/index.ts';
import { factorizePQ as factorizePQJs } from '../src/crypto/js/index.ts';
import { intOf, vectorSet } from './helpers/vectors.ts';

// Independent helpers (not the product's): xorshift64 and a textbook BigInt Miller–Rabin.
let state = 0x9e3779b97f4a7c15n;
function random64(): bigint {
  state ^= (state << 13n) & 0xffffffffffffffffn;
  state ^= state >> 7n;
  state ^= (state << 17n) & 0xffffffffffffffffn;
  return state;
}

function powMod(b: bigint, e: bigint, m: bigint): bigint {
  let r = 1n;
  for (b %= m; e > 0n; e >>= 1n, b = (b * b) % m) if (e & 1n) r = (r * b) % m;
  return r;
}

function isPrime(n: bigint): boolean {
  if (n < 2n) return false;
  for (const p of [2n, 3n, 5n, 7n, 11n, 13n, 17n, 19n, 23n, 29n, 31n, 37n]) if (n % p === 0n) return n === p;
  let d = n - 1n;
  let s = 0;
  while (!(d & 1n)) (d >>= 1n), s++;
  outer: for (const a of [2n, 3n, 5n, 7n, 11n, 13n, 17n, 19n, 23n, 29n, 31n, 37n]) {
    let x = powMod(a, d, n);
    if (x === 1n || x === n - 1n) continue;
    for (let i = 1; i < s; i++) if ((x = (x * x) % n) === n - 1n) continue outer;
    return false;
  }
  return true;
}

function randomPrime(bits: number): bigint {
  for (;;) {
    const c = (random64() >> BigInt(64 - bits)) | (1n << BigInt(bits - 1)) | 1n;
    if (isPrime(c)) return c;
  }
}

function expectPair(pq: bigint, p: bigint, q: bigint, twin = true): void {
  const expected = p < q ? [p, q] : [q, p];
  assert.deepEqual(factorizePQ(pq), expected, `WASM pq = ${pq}`);
  if (twin) assert.deepEqual(factorizePQJs(pq), expected, `pure TS pq = ${pq}`);
}

test('vectors: [factorization] set and the auth-key sample pq', () => {
  const set = vectorSet('factorization');
  let n = 0;
  for (const [key, value] of set) {
    if (!key.startsWith('pq_')) continue;
    const suffix = key.slice(3);
    expectPair(value as bigint, intOf(set, `p_${suffix}`), intOf(set, `q_${suffix}`));
    n++;
  }
  assert.equal(n, 5);
  const sample = vectorSet('tg.samples_auth_key.rev2025');
  expectPair(intOf(sample, 'pq'), intOf(sample, 'p'), intOf(sample, 'q'));
});

test('3000 random products of two 31/32-bit primes (twin on every 10th)', () => {
  for (let i = 0; i < 3000; i++) {
    const p = randomPrime(31 + (i & 1));
    const q = randomPrime(31 + ((i >> 1) & 1));
    if (p === q) continue;
    expectPair(p * q, p, q, i % 10 === 0);
  }
});

test('small, unbalanced and full-width products', () => {
  const m31 = (1n << 31n) - 1n;
  const m61 = (1n << 61n) - 1n;
  const cases: [bigint, bigint][] = [
    [2n, 3n], [3n, 5n], [5n, 7n], [2n, m31], [3n, m31], [65537n, m31], [2n, m61], [3n, m61], [61n, 67n],
    [59n, 61n], [67n, 71n], [1000003n, 1000033n], [m31, 4294967291n], [4294967291n, 4294967279n],
    [2n, 9223372036854775783n], [3n, 6148914691236517199n],
  ];
  for (const [p, q] of cases) {
    assert.ok(isPrime(p) && isPrime(q), `${p}, ${q} prime`);
    expectPair(p * q, p, q);
  }
  // Unbalanced: a ~20-bit prime times a ~43-bit prime, and a 16-bit times 47-bit.
  for (let i = 0; i < 50; i++) {
    const p = randomPrime(16 + (i % 8));
    const q = randomPrime(44 - (i % 8));
    expectPair(p * q, p, q, i % 5 === 0);
  }
  // Near 2^64: two 32-bit primes just below 2^32.
  for (let i = 0; i < 20; i++) {
    const p = randomPrime(32) | (1n << 31n) | (1n << 30n);
    const q = randomPrime(32) | (1n << 31n) | (1n << 30n);
    if (p !== q && isPrime(p) && isPrime(q)) expectPair(p * q, p, q, i % 5 === 0);
  }
});

test('hostile inputs: typed errors; the core still works after', () => {
  const p31 = 2147483647n;
  const cases: [unknown, RegExp, typeof TypeError | typeof RangeError][] = [
    [15, /pq must be a bigint/, TypeError],
    ['15', /pq must be a bigint/, TypeError],
    [0n, /pq must be a product of two primes greater than 1, got 0/, RangeError],
    [1n, /greater than 1, got 1/, RangeError],
    [-15n, /greater than 1, got -15/, RangeError],
    [1n << 64n, /pq must be below 2\^64/, RangeError],
    [(1n << 64n) + 15n, /below 2\^64/, RangeError],
    [2n, /is prime/, RangeError],
    [3n, /is prime/, RangeError],
    [p31, /is prime/, RangeError],
    [18446744073709551557n, /is prime/, RangeError], // 2^64 − 59
    [4n, /square of the prime 2/, RangeError],
    [p31 * p31, /square of the prime 2147483647/, RangeError],
    [4294967291n * 4294967291n, /square of the prime 4294967291/, RangeError],
    [8n, /more than two prime factors/, RangeError],
    [30n, /more than two prime factors/, RangeError],
    [105n, /more than two prime factors/, RangeError],
    [1000003n * 1000033n * 1000037n, /more than two prime factors/, RangeError],
    [p31 * 1000003n * 3n, /more than two prime factors/, RangeError],
    [1000003n * 1000003n * 1000033n, /more than two prime factors/, RangeError],
  ];
  for (const [pq, message, type] of cases) {
    for (const f of [factorizePQ, factorizePQJs]) {
      assert.throws(() => (f as (x: unknown) => unknown)(pq), (e: unknown) => e instanceof type && message.test((e as Error).message), `${f === factorizePQ ? 'WASM' : 'TS'} ${pq}`);
    }
  }
  expectPair(1372318559046200203n, 1141464581n, 1202243663n);
});
