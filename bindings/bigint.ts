// modPow and factorizePQ over the WASM core. Big integers cross the boundary as hex digits in the IO buffer
// (bigint.toString(16) in, BigInt('0x…') out): V8's own conversions, one copy each way, no byte loops in JS.
import { checkRegion } from './region.ts';
import { core } from './wasm.ts';
import { checkModPowArgs, checkPQ, pqError, PQ_OK } from './bigint-checks.ts';

interface BigIntExports {
  modPowHex(baseLen: number, expLen: number, modLen: number): number;
  factorizePQ64(ptr: number): number;
}

let view: DataView | undefined;
const latin1 = new TextDecoder('latin1');

function writeAscii(u8: Uint8Array, at: number, text: string): void {
  for (let i = 0; i < text.length; i++) u8[at + i] = text.charCodeAt(i);
}

/** base^exponent mod modulus, for an odd modulus of up to 8192 bits (Montgomery, sliding windows of up to 6 bits, SIMD). */
export function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  checkModPowArgs(base, exponent, modulus);
  const w = core<BigIntExports>();
  if (base >= modulus) base %= modulus;
  const b = base.toString(16);
  const e = exponent.toString(16);
  const m = modulus.toString(16);
  writeAscii(w.u8, w.io, b);
  writeAscii(w.u8, w.io + b.length, e);
  writeAscii(w.u8, w.io + b.length + e.length, m);
  const n = w.modPowHex(b.length, e.length, m.length);
  if (n < 0) throw new RangeError('modPow: operands out of range'); // unreachable after the checks
  return BigInt('0x' + latin1.decode(w.u8.subarray(w.io, w.io + n)));
}

/** Splits pq (< 2^64) into its two prime factors [p, q], p < q (Pollard–Brent, Miller–Rabin verified). */
export function factorizePQ(pq: bigint): [bigint, bigint] {
  checkPQ(pq);
  const w = core<BigIntExports>();
  view ??= new DataView(w.u8.buffer);
  view.setBigUint64(w.io, pq, true);
  const status = w.factorizePQ64(w.io);
  const p = view.getBigUint64(w.io + 8, true);
  if (status !== PQ_OK) throw pqError(pq, status, p);
  return [p, view.getBigUint64(w.io + 16, true)];
}

/**
 * In place: factorizes the little-endian u64 at `offset` in WASM memory (e.g. in the arena) and writes p and q as
 * u64 at offset + 8 and offset + 16. Returns the status (0 = OK; see bigint-checks.ts PQ_*).
 */
export function factorizePQInPlace(offset: number): number {
  const w = core<BigIntExports>();
  checkRegion(w, offset, 24); // pq at offset, p and q written after it: never outside the IO buffer/arena
  return w.factorizePQ64(offset);
}
