// CRC-32 (zlib polynomial): WASM core and pure-TS twin against the standard check value, the transport
// framing vectors, and an independent bitwise implementation written here, including inputs larger than IO.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32, crc32InPlace } from '../bindings/crc32.ts';
import { core } from '../bindings/wasm.ts';
import { crc32 as crc32Js } from '../src/crypto/js/crc32.ts';
import * as root from '../src/index.ts';
import * as js from '../src/crypto/js/index.ts';
import { seededBytes, EDGE_LENGTHS } from './helpers/random.ts';
import { vectorSet, bytesOf } from './helpers/vectors.ts';

/** Bit by bit, straight from the definition (reflected 0xEDB88320, init and final xor 0xFFFFFFFF). */
function crc32Bitwise(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}

const le32 = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true);

test('check value: CRC-32/ISO-HDLC of "123456789" is 0xcbf43926 (WASM, TS, reference)', () => {
  const data = new TextEncoder().encode('123456789');
  assert.equal(crc32(data), 0xcbf43926);
  assert.equal(crc32Js(data), 0xcbf43926);
  assert.equal(crc32Bitwise(data), 0xcbf43926);
  assert.equal(crc32(new Uint8Array(0)), 0);
  assert.equal(root.crc32, crc32);
  assert.equal(js.crc32, crc32Js);
});

test('transport "full" framing CRCs (grammers vectors): crc over len|seq|payload', () => {
  const set = vectorSet('transport.framing');
  const empty = bytesOf(set, 'full_empty_seq0');
  assert.equal(crc32(empty.subarray(0, 8)), le32(empty.subarray(8, 12)));
  const payload = Uint8Array.from({ length: 128 }, (_, i) => i);
  for (const seq of ['seq0', 'seq1']) {
    const frame = new Uint8Array([...bytesOf(set, `full_128_${seq}_head`), ...payload]);
    const want = le32(bytesOf(set, `full_128_${seq}_crc`));
    assert.equal(crc32(frame), want, seq);
    assert.equal(crc32Js(frame), want, seq);
    // In place, the way the framing code will check a frame that sits in the arena: head, then payload.
    const w = core();
    w.u8.set(frame, w.arena + 3);
    assert.equal(crc32InPlace(w.arena + 3 + 8, 128, crc32InPlace(w.arena + 3, 8)), want, `${seq} in place`);
  }
});

test('every length 0..600, edge lengths and 1500 random lengths: WASM = TS = bitwise', () => {
  const lengths = new Set<number>(EDGE_LENGTHS);
  for (let n = 0; n <= 600; n++) lengths.add(n);
  const r = seededBytes(31337, 3000);
  for (let i = 0; i < 1500; i++) lengths.add((r[2 * i] | (r[2 * i + 1] << 8)) % 20000);
  for (const n of lengths) {
    const data = seededBytes(n * 3 + 1, n);
    const want = crc32Bitwise(data);
    assert.equal(crc32(data), want, `WASM, length ${n}`);
    assert.equal(crc32Js(data), want, `TS, length ${n}`);
  }
});

test('inputs around and above the 1 MiB IO buffer (chunked, CRC chained)', () => {
  const ioLen = core().ioLen;
  const big = seededBytes(4, 3 * 1024 * 1024 + 5);
  for (const n of [ioLen - 1, ioLen, ioLen + 1, 2 * ioLen + 15, 3 * 1024 * 1024 + 5]) {
    const data = big.subarray(0, n);
    const want = crc32Js(data);
    assert.equal(crc32(data), want, `length ${n}`);
  }
  assert.equal(crc32(big.subarray(0, 200_000)), crc32Bitwise(big.subarray(0, 200_000)));
});

test('unaligned views and chained in-place CRCs over random splits', () => {
  const w = core();
  const data = seededBytes(8, 4000);
  w.u8.set(data, w.arena + 1);
  for (let i = 0; i < 300; i++) {
    const start = (i * 13) % 500, end = start + ((i * 7919) % 3000);
    const split = start + ((i * 31) % (end - start + 1));
    const want = crc32Bitwise(data.subarray(start, end));
    assert.equal(crc32(data.subarray(start, end)), want);
    const a = crc32InPlace(w.arena + 1 + start, split - start);
    assert.equal(crc32InPlace(w.arena + 1 + split, end - split, a), want);
  }
});

test('hostile inputs: TypeError/RangeError naming the argument, state fine afterwards', () => {
  for (const value of ['abc', null, undefined, 42, [1, 2], new ArrayBuffer(4), new Int8Array(4), {}]) {
    assert.throws(() => crc32(value as Uint8Array), (e: Error) => e instanceof TypeError && /data/.test(e.message));
    assert.throws(() => crc32Js(value as Uint8Array), (e: Error) => e instanceof TypeError && /data/.test(e.message));
  }
  const w = core();
  const hi = w.arena + w.arenaLen;
  for (const [offset, length, crc, arg] of <[number, number, number, string][]>[[-1, 0, 0, 'offset'], [hi + 1, 0, 0, 'offset'], [w.io, -2, 0, 'length'], [hi - 1, 2, 0, 'length'], [w.io, 1, -1, 'crc'], [w.io, 1, 2 ** 32, 'crc'], [w.io, 1, 0.5, 'crc']]) {
    assert.throws(() => crc32InPlace(offset, length, crc), (e: Error) => e instanceof RangeError && e.message.startsWith(arg));
  }
  assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);
});
