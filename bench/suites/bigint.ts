// modPow 2048/2048 and factorizePQ: ours (WASM, pure TS) vs node:crypto DH (OpenSSL), GramJS (big-integer),
// mtcute (BigInt: @fuman/utils modPowBinary, the one mtcute's authorization uses; factorizePQSync).
import { checkPrimeSync, createDiffieHellman, randomBytes } from 'node:crypto';
import { bigint as fumanBigint } from '@fuman/utils';
import { factorizePQSync } from '@mtcute/core/utils.js';
import { benchNotes, type BenchCase } from '../harness.ts';
import { gramjs } from '../peers.ts';
import { factorizePQ, modPow } from '../../src/index.ts';
import { factorizePQ as factorizePQJs, modPow as modPowJs } from '../../src/crypto/js/index.ts';

// Telegram's 2048-bit dh_prime (core.telegram.org/mtproto/samples-auth_key), g = 3.
const DH_PRIME = BigInt(
  '0xc71caeb9c6b1c9048e6c522f70f13f73980d40238e3e21c14934d037563d930f48198a0aa7c14058229493d22530f4dbfa336f6e0ac925139543aed44cce7c3720fd51f69458705ac68cd4fe6b6b13abdc9746512969328454f18faf8c595f642477fe96bb2a941d5bcd1d4ac8cc49880708fa9b378e3c4f3a9060bee67cf9a4a4a695811051907e162753b56b0f6b410dba74d8a84b2a14b3144e0ef1284754fd17ed950d5965b4b9dd46582db1178d169c6bc465b0d6ff9ca3928fef5b9ae4e418fc15e83ebea0f87fa9ff5eed70050ded2849f47bf959d956850ce929851f0d8115f635b105ee2e4e15d04b2454bf6f4fadf034b10403119cd8e3b92fcc5b',
);

function bytesToBig(bytes: Uint8Array): bigint {
  return BigInt('0x' + Buffer.from(bytes).toString('hex'));
}

function bigToBuffer(x: bigint): Buffer {
  const hex = x.toString(16);
  return Buffer.from(hex.length % 2 ? '0' + hex : hex, 'hex');
}

/** Deterministic 31/32-bit primes (xorshift + OpenSSL's primality check) multiplied in pairs. */
function realisticPQs(count: number): bigint[] {
  let x = 0x2545f491;
  const prime = (bits: number): bigint => {
    for (;;) {
      x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
      const c = BigInt(((x >>> (32 - bits)) | (1 << (bits - 1)) | 1) >>> 0);
      if (checkPrimeSync(c)) return c;
    }
  };
  const out = [1372318559046200203n]; // the auth-key sample's pq
  while (out.length < count) out.push(prime(31 + (out.length & 1)) * prime(31 + ((out.length >> 1) & 1)));
  return out;
}

export function cases(): BenchCase[] {
  // 8 distinct 2048-bit exponents and bases, cycled per op.
  const exps = Array.from({ length: 8 }, () => bytesToBig(randomBytes(256)) % DH_PRIME);
  const bases = Array.from({ length: 8 }, () => bytesToBig(randomBytes(256)) % DH_PRIME);
  // Deno's node:crypto refuses generator 3 for this prime ("bad generator"): that peer is left out there, with a note.
  let dh: ReturnType<typeof createDiffieHellman> | undefined;
  try {
    dh = createDiffieHellman(bigToBuffer(DH_PRIME), Buffer.from([3]));
  } catch (error) {
    benchNotes.push(`modPow: node:crypto DH (OpenSSL) skipped: ${(error as Error).message}`);
  }
  const expBufs = exps.map(bigToBuffer);
  const bigInt = gramjs.bigInt;
  const gPrime = bigInt(DH_PRIME.toString(16), 16);
  const gExps = exps.map((e) => bigInt(e.toString(16), 16));
  const gBases = bases.map((b) => bigInt(b.toString(16), 16));
  let i = 0;

  const pqs = realisticPQs(20);
  const pqBytes = pqs.map((pq) => new Uint8Array(bigToBuffer(pq)));
  const pqGram = pqs.map((pq) => bigInt(pq.toString()));
  const mtcuteCrypto = { randomBytes: (n: number) => new Uint8Array(randomBytes(n)) } as unknown as Parameters<typeof factorizePQSync>[0];
  let k = 0;

  return [
    {
      group: 'modPow',
      name: '2048-bit base, exponent, modulus',
      impls: [
        { label: 'ours (WASM)', run: () => modPow(bases[++i & 7], exps[i & 7], DH_PRIME) },
        { label: 'ours (pure TS)', run: () => modPowJs(bases[++i & 7], exps[i & 7], DH_PRIME) },
        ...(dh ? [{
          // g^x mod p with g = 3 (OpenSSL's DH takes no arbitrary base per op; the work is the same modexp).
          label: 'node:crypto DH (OpenSSL)',
          run: () => {
            dh.setPrivateKey(expBufs[++i & 7]);
            dh.generateKeys();
            return dh.getPublicKey();
          },
        }] : []),
        { label: 'mtcute (@fuman/utils modPowBinary, BigInt)', run: () => fumanBigint.modPowBinary(bases[++i & 7], exps[i & 7], DH_PRIME) },
        { label: 'GramJS (Helpers.modExp, big-integer)', run: () => gramjs.Helpers.modExp(gBases[++i & 7], gExps[i & 7], gPrime) },
      ],
    },
    {
      group: 'factorizePQ',
      name: '20 pq of two 31/32-bit primes, cycled',
      impls: [
        { label: 'ours (WASM)', run: () => factorizePQ(pqs[++k % 20]) },
        { label: 'ours (pure TS)', run: () => factorizePQJs(pqs[++k % 20]) },
        { label: 'mtcute factorizePQSync', run: () => factorizePQSync(mtcuteCrypto, pqBytes[++k % 20]) },
        { label: 'GramJS Factorizator.factorize', run: () => gramjs.Factorizator.factorize(pqGram[++k % 20]) },
      ],
    },
  ];
}
