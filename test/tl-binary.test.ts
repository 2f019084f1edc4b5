// TL binary primitives: round trips at every edge, the published serialization vectors, hostile input
// (truncation at every offset, bad length prefixes, bad UTF-8, bad Bool ids), fixed-region overflow at
// every boundary, gzip_packed, and byte-for-byte agreement with mtcute's TlBinaryWriter/Reader.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync as nodeGzip, gunzipSync as nodeGunzip } from 'node:zlib';
import { TlBinaryReader, TlBinaryWriter } from '@mtcute/core/utils.js';
import { TlError } from '../src/errors.ts';
import { TlWriter, TL_MAX_BYTES, BOOL_TRUE, BOOL_FALSE } from '../src/tl/binary/writer.ts';
import { TlReader } from '../src/tl/binary/reader.ts';
import { gzip, gunzip } from '../src/tl/binary/gzip.ts';
import { ENCODE_LOOP_MAX, DECODE_LOOP_MAX, CACHE_MAX, FAST_SLICE } from '../src/tl/binary/utf8.ts';
import { vectorSet, bytesOf, intOf, toHex, hex } from './helpers/vectors.ts';
import { seededBytes } from './helpers/random.ts';

function isTlError(re?: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof TlError, `expected TlError, got ${String(e)}`);
    if (re) assert.match(e.message, re);
    return true;
  };
}

/** mtcute's writer takes a Long-like { low, high } pair of signed 32-bit halves. */
function longLike(v: bigint): Parameters<TlBinaryWriter['long']>[0] {
  return { low: Number(BigInt.asIntN(32, v)), high: Number(BigInt.asIntN(32, v >> 32n)) } as Parameters<TlBinaryWriter['long']>[0];
}

function written(fn: (w: TlWriter) => void): Uint8Array {
  const w = new TlWriter(16);
  fn(w);
  return w.result();
}

const LONGS = [0n, 1n, -1n, 2n ** 31n, -(2n ** 31n), 2n ** 32n - 1n, 2n ** 32n, -(2n ** 32n), 2n ** 53n + 1n, -(2n ** 53n) - 1n,
  2n ** 63n - 1n, -(2n ** 63n), 8671175386481439762n, -6700480189419895787n];
const INTS = [0, 1, -1, 0x7fffffff, -0x80000000, 67305985, -123456];
const UINTS = [0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 0xdeadbeef];
const DOUBLES = [0, -0, 1, -1, 10.5, Math.PI, NaN, Infinity, -Infinity, Number.MIN_VALUE, Number.MAX_VALUE, 2 ** 53 + 2];
const STRINGS = ['', 'a', 'test', 'héllo', 'Привет, мир', '日本語テキスト', '😀', 'a😀b', '\u0000', '\u007f\u0080\u07ff\u0800\uffff',
  '\u{10ffff}', '\ufeffBOM kept', 'x'.repeat(253), 'x'.repeat(254), 'x'.repeat(255), 'é'.repeat(126), 'é'.repeat(127),
  'é'.repeat(200), '😀'.repeat(63), '😀'.repeat(64), 'z'.repeat(ENCODE_LOOP_MAX), 'é'.repeat(ENCODE_LOOP_MAX + 1),
  'a'.repeat(DECODE_LOOP_MAX) , 'a'.repeat(DECODE_LOOP_MAX - 1) + 'é', 'mixed ✓ text 😀 '.repeat(100)];

test('int, uint, long, double, Bool round-trip at their edges', () => {
  const w = new TlWriter(8);
  for (const v of INTS) w.int(v);
  for (const v of UINTS) w.uint(v);
  for (const v of LONGS) w.long(v);
  for (const v of DOUBLES) w.double(v);
  w.bool(true);
  w.bool(false);
  const r = new TlReader(w.result());
  for (const v of INTS) assert.equal(r.int(), v);
  for (const v of UINTS) assert.equal(r.uint(), v);
  for (const v of LONGS) assert.equal(r.long(), v);
  for (const v of DOUBLES) assert.ok(Object.is(r.double(), v), `double ${v}`);
  assert.equal(r.bool(), true);
  assert.equal(r.bool(), false);
  assert.equal(r.remaining, 0);
});

test('negative ints and uints ≥ 2^31 are the same bits', () => {
  assert.equal(toHex(written((w) => w.int(-1))), 'ffffffff');
  assert.equal(toHex(written((w) => w.uint(0xffffffff))), 'ffffffff');
  assert.equal(toHex(written((w) => w.int(-0x80000000))), '00000080');
  assert.equal(new TlReader(hex('00000080')).uint(), 0x80000000);
  assert.equal(new TlReader(hex('00000080')).int(), -0x80000000);
  assert.equal(new TlReader(hex('feffffff')).peekUint(), 0xfffffffe);
});

test('out-of-range or mistyped values are rejected with TlError', () => {
  const w = new TlWriter();
  for (const v of [0x80000000, -0x80000001, 1.5, NaN, Infinity, '1' as unknown as number, undefined as unknown as number]) {
    assert.throws(() => w.int(v), isTlError(/int/));
  }
  for (const v of [-1, 2 ** 32, 0.5, NaN]) assert.throws(() => w.uint(v), isTlError(/uint/));
  for (const v of [2n ** 63n, -(2n ** 63n) - 1n, 2n ** 64n, 5 as unknown as bigint]) assert.throws(() => w.long(v), isTlError(/long/));
  assert.throws(() => w.double('1' as unknown as number), isTlError(/double/));
  assert.throws(() => w.bool(1 as unknown as boolean), isTlError(/Bool/));
  for (const n of [0, 15, 17, 32]) assert.throws(() => w.int128(new Uint8Array(n)), isTlError(/int128/));
  for (const n of [0, 16, 31, 33]) assert.throws(() => w.int256(new Uint8Array(n)), isTlError(/int256/));
  assert.throws(() => w.bytes([1, 2] as unknown as Uint8Array), isTlError(/bytes/));
  assert.throws(() => w.string(5 as unknown as string), isTlError(/string/));
  assert.equal(w.pos, 0, 'a rejected value writes nothing');
});

test('int128 and int256 are raw 16/32 bytes', () => {
  const a = seededBytes(1, 16);
  const b = seededBytes(2, 32);
  const out = written((w) => { w.int128(a); w.int256(b); });
  assert.equal(out.length, 48);
  assert.deepEqual(out.subarray(0, 16), a);
  const r = new TlReader(out);
  assert.deepEqual(r.int128(), a);
  assert.deepEqual(r.int256(), b);
});

test('bytes: every length around the prefix switch and padding, and both length forms', () => {
  for (const n of [0, 1, 2, 3, 4, 5, 16, 17, 250, 251, 252, 253, 254, 255, 256, 257, 1000, 4096, 65535, 65536, 70001]) {
    const data = seededBytes(n + 7, n);
    const out = written((w) => w.bytes(data));
    const head = n <= 253 ? 1 : 4;
    assert.equal(out.length, Math.ceil((head + n) / 4) * 4, `length for ${n}`);
    if (n <= 253) assert.equal(out[0], n);
    else assert.deepEqual([...out.subarray(0, 4)], [254, n & 0xff, (n >> 8) & 0xff, n >> 16]);
    assert.ok(out.subarray(head + n).every((x) => x === 0), 'zero padding');
    const r = new TlReader(out);
    assert.deepEqual(r.bytes(), data);
    assert.equal(r.pos, out.length);
  }
});

test('the reader accepts the long form for short lengths (non-canonical but valid)', () => {
  const r = new TlReader(hex('fe030000010203000000'.slice(0, 16)));
  assert.deepEqual([...r.bytes()], [1, 2, 3]);
  assert.equal(r.pos, 8);
});

test('bytes/string at the 2^24−1 limit are written; one more byte is a TlError', () => {
  const big = new Uint8Array(TL_MAX_BYTES);
  big[TL_MAX_BYTES - 1] = 9;
  const w = new TlWriter();
  w.bytes(big);
  const out = w.result();
  assert.equal(toHex(out.subarray(0, 4)), 'feffffff');
  assert.equal(out.length, 4 + TL_MAX_BYTES + 1);
  const back = new TlReader(out).bytes();
  assert.equal(back.length, TL_MAX_BYTES);
  assert.equal(back[TL_MAX_BYTES - 1], 9);
  assert.throws(() => new TlWriter().bytes(new Uint8Array(TL_MAX_BYTES + 1)), isTlError(/bytes/));
  const s = 'a'.repeat(TL_MAX_BYTES);
  assert.equal(new TlReader(written((x) => x.string(s))).string().length, TL_MAX_BYTES);
  assert.throws(() => new TlWriter().string(s + 'a'), isTlError(/string/));
  // Multi-byte: fewer UTF-16 units than bytes.
  assert.throws(() => new TlWriter().string('é'.repeat((TL_MAX_BYTES + 1) / 2)), isTlError(/string/));
});

test('strings: UTF-8 identical to Buffer/TextEncoder, round trip, prefix form by byte length', () => {
  for (const s of STRINGS) {
    const utf8 = Buffer.from(s, 'utf8');
    const out = written((w) => w.string(s));
    const head = utf8.length <= 253 ? 1 : 4;
    assert.equal(out.length, Math.ceil((head + utf8.length) / 4) * 4, `length of ${JSON.stringify(s.slice(0, 10))}`);
    assert.deepEqual(Buffer.from(out.subarray(head, head + utf8.length)), utf8);
    assert.deepEqual(written((w) => w.bytes(utf8)), out, 'string = bytes of its UTF-8');
    assert.equal(new TlReader(out).string(), s);
  }
});

test('lone surrogates encode as U+FFFD like TextEncoder, on both the loop and the native path', () => {
  for (const s of ['\ud800', 'a\udc00b', '\ud83d', 'x\ud83d\ud83d\ude00', ('\udfff' + 'y').repeat(60)]) {
    const expected = new TextEncoder().encode(s);
    const out = written((w) => w.string(s));
    const r = new TlReader(out);
    assert.deepEqual(r.bytes(), expected);
  }
});

test('random strings across the BMP and astral planes agree with TextEncoder', () => {
  const rnd = seededBytes(99, 200000);
  let k = 0;
  for (let t = 0; t < 300; t++) {
    const len = rnd[k++] % (t < 150 ? 80 : 400);
    let s = '';
    for (let i = 0; i < len; i++) {
      const kind = rnd[k++] % 4;
      const v = rnd[k++] | (rnd[k++] << 8);
      s += kind === 0 ? String.fromCharCode(v & 0x7f) : kind === 1 ? String.fromCharCode(v) : kind === 2 ? String.fromCodePoint(0x10000 + (v << 4)) : 'é';
    }
    const out = written((w) => w.string(s));
    const r = new TlReader(out);
    assert.deepEqual(r.bytes(), new TextEncoder().encode(s));
    assert.equal(new TlReader(out).string(), new TextDecoder().decode(new TextEncoder().encode(s)));
  }
});

test('invalid UTF-8 → TlError naming string and offset (short and long forms)', () => {
  const bad = ['c080', '80', 'eda080', 'e282', 'f4908080', 'ff', 'c3', 'f09f98'];
  for (const h of bad) {
    for (const prefix of ['', 'ab'.repeat(40), 'cd'.repeat(300)]) {
      const data = hex(prefix + h);
      const out = written((w) => { w.int(7); w.bytes(data); });
      const r = new TlReader(out);
      r.int();
      assert.throws(() => r.string(), isTlError(/invalid UTF-8.*string at byte 4/));
      assert.equal(r.pos, 4, 'the reader stays at the string');
    }
  }
});

test('the cache of short strings: repeats, collisions and look-alike bytes decode exactly', () => {
  const stringAt = (data: Uint8Array) => new TlReader(written((w) => w.bytes(data))).string();
  const enc = new TextEncoder();
  // Many short ASCII strings (more than the cache has slots), read twice in different orders.
  const rnd = seededBytes(7, 200000);
  const list: string[] = [];
  for (let t = 0, k = 0; t < 3000; t++) {
    const len = rnd[k++] % (CACHE_MAX + 1);
    let s = '';
    for (let i = 0; i < len; i++) s += String.fromCharCode(32 + (rnd[k++] % 95));
    list.push(s);
  }
  for (const s of list) assert.equal(stringAt(enc.encode(s)), s);
  for (const s of [...list].reverse()) assert.equal(stringAt(enc.encode(s)), s);
  // Same length and same first, middle and last byte (the slot key) but other bytes between.
  for (const s of ['abXde', 'abYde', 'abXde', 'a\u0000c\u0000e', 'abcde']) assert.equal(stringAt(enc.encode(s)), s);
  // Invalid or non-ASCII bytes that share the slot of a cached ASCII string are never taken for it.
  assert.equal(stringAt(enc.encode('abcde')), 'abcde');
  assert.throws(() => stringAt(hex('61ff638065')), isTlError(/invalid UTF-8/));
  assert.throws(() => stringAt(hex('61e2636465')), isTlError(/invalid UTF-8/));
  const long = 'é'.repeat(CACHE_MAX >> 1); // CACHE_MAX bytes, fewer units: decoded natively, not cached
  assert.equal(stringAt(enc.encode(long)), long);
  assert.equal(stringAt(enc.encode(long)), long);
  assert.equal(stringAt(enc.encode('x'.repeat(CACHE_MAX))), 'x'.repeat(CACHE_MAX));
  assert.equal(stringAt(enc.encode('x'.repeat(CACHE_MAX))), 'x'.repeat(CACHE_MAX));
});

test('the native decode path (Buffer#utf8Slice on Node): views with an offset, BOM and real U+FFFD kept, invalid bytes rejected', () => {
  assert.equal(FAST_SLICE, typeof Buffer === 'function', 'on Node the utf8Slice path is the one under test');
  const cases = ['\ufeff' + 'x'.repeat(40), 'é'.repeat(20), 'a\ufffdb'.repeat(12), '\ufffd', 'Привет', '😀'.repeat(9), 'x'.repeat(33), 'ok ✓ '.repeat(30)];
  for (const s of cases) {
    const out = written((w) => { w.int(1); w.string(s); });
    const backing = new Uint8Array(out.length + 3);
    backing.set(out, 3);
    const r = new TlReader(backing.subarray(3), 4); // a view with a byteOffset, reading from an offset
    assert.equal(r.string(), s);
  }
  // Invalid sequences inside long and short non-ASCII text: TlError, never U+FFFD in a result.
  for (const bad of ['c080', 'eda080', 'f4908080', 'e282', 'f09f98', 'c3']) {
    for (const around of ['', 'c3a9'.repeat(20), '61'.repeat(40)]) {
      const data = hex(around + bad + around);
      const r = new TlReader(written((w) => w.bytes(data)));
      assert.throws(() => r.string(), isTlError(/invalid UTF-8/), `${bad} in ${around.length / 2} bytes`);
    }
  }
});

test('Bool with another id → TlError; the Bool ids are right', () => {
  assert.equal(toHex(written((w) => w.bool(true))), 'b5757299');
  assert.equal(BOOL_TRUE, 0x997275b5);
  assert.equal(BOOL_FALSE, 0xbc799737);
  assert.throws(() => new TlReader(hex('00000000')).bool(), isTlError(/boolTrue or boolFalse.*Bool at byte 0/));
  assert.throws(() => new TlReader(hex('3f3f3f3f12345678'), 4).bool(), isTlError(/at byte 4/));
});

test('[tl.serialization] vectors', () => {
  const v = vectorSet('tl.serialization');
  assert.equal(toHex(written((w) => w.int(67305985))), toHex(bytesOf(v, 'int_67305985')));
  assert.equal(toHex(written((w) => w.long(8671175386481439762n))), toHex(bytesOf(v, 'long_8671175386481439762')));
  assert.equal(toHex(written((w) => w.long(-6700480189419895787n))), toHex(bytesOf(v, 'long_minus6700480189419895787')));
  assert.equal(new TlReader(bytesOf(v, 'long_minus6700480189419895787')).long(), -6700480189419895787n);
  assert.equal(toHex(written((w) => w.double(1))), toHex(bytesOf(v, 'double_1')));
  assert.equal(toHex(written((w) => w.double(10.5))), toHex(bytesOf(v, 'double_10_5')));
  assert.equal(toHex(written((w) => w.bool(false))), toHex(bytesOf(v, 'bool_false')));
  assert.equal(toHex(written((w) => w.bool(true))), toHex(bytesOf(v, 'bool_true')));
  assert.equal(toHex(written((w) => w.bytes(hex('010203')))), toHex(bytesOf(v, 'bytes_010203')));
  assert.equal(toHex(written((w) => w.bytes(hex('01020304')))), toHex(bytesOf(v, 'bytes_01020304')));
  assert.equal(toHex(written((w) => w.string('test'))), toHex(bytesOf(v, 'string_test')));
  for (const n of [250, 1000]) {
    const out = written((w) => w.bytes(new Uint8Array(n)));
    const prefix = bytesOf(v, `bytes_len${n}_prefix`);
    assert.equal(toHex(out.subarray(0, prefix.length)), toHex(prefix));
    assert.equal(BigInt(out.length), intOf(v, `bytes_len${n}_total`));
  }
  const pq = bytesOf(v, 'pq_string_sample2025');
  assert.equal(toHex(written((w) => w.bytes(pq.subarray(1, 9)))), toHex(pq));
  // Vector<long> of three RSA fingerprints: 0x1cb5c415, count, longs.
  const fps = bytesOf(v, 'vector_long_3_fps_sample2025');
  const r = new TlReader(fps);
  assert.equal(r.uint(), 0x1cb5c415);
  const count = r.int();
  const longs = Array.from({ length: count }, () => r.long());
  assert.equal(longs[0], BigInt.asIntN(64, 0xd09d1d85de64fd85n), 'production key fingerprint');
  assert.equal(toHex(written((w) => { w.uint(0x1cb5c415); w.int(count); for (const l of longs) w.long(l); })), toHex(fps));
  // A vector of objects, as a stream of uints (no schema here): read back and rewrite identically.
  const objs = bytesOf(v, 'vector_of_objects');
  const rr = new TlReader(objs);
  const words: number[] = [];
  while (rr.remaining) words.push(rr.uint());
  assert.equal(words[0], 0x1cb5c415);
  assert.equal(toHex(written((w) => words.forEach((x) => w.uint(x)))), toHex(objs));
});

// One of every read, used for truncation and overflow sweeps.
type Op = [string, (w: TlWriter) => void, (r: TlReader) => unknown];
const OPS: Op[] = [
  ['int', (w) => w.int(-5), (r) => r.int()],
  ['uint', (w) => w.uint(0xfffffff0), (r) => r.uint()],
  ['long', (w) => w.long(-(2n ** 62n)), (r) => r.long()],
  ['double', (w) => w.double(-2.5), (r) => r.double()],
  ['Bool', (w) => w.bool(true), (r) => r.bool()],
  ['int128', (w) => w.int128(seededBytes(3, 16)), (r) => r.int128()],
  ['int256', (w) => w.int256(seededBytes(4, 32)), (r) => r.int256()],
  ['bytes', (w) => w.bytes(seededBytes(5, 5)), (r) => r.bytes()],
  ['string', (w) => w.string('héllo wörld'), (r) => r.string()],
  ['bytes', (w) => w.bytes(seededBytes(6, 300)), (r) => r.bytes()],
  ['string', (w) => w.string('ü'.repeat(130)), (r) => r.string()],
  ['raw', (w) => w.raw(seededBytes(7, 3)), (r) => r.raw(3)],
  ['uint', (w) => w.uint(1), (r) => r.peekUint()],
];

test('truncated input at every offset → TlError naming the type and the offset, never anything else', () => {
  const full = written((w) => OPS.forEach(([, write]) => write(w)));
  let errors = 0;
  for (let cut = 0; cut < full.length; cut++) {
    const data = full.slice(0, cut); // a copy: reads past `cut` cannot see the rest
    const r = new TlReader(data);
    let failed = false;
    for (const [type, , read] of OPS) {
      const at = r.pos;
      try {
        read(r);
      } catch (e) {
        assert.ok(e instanceof TlError, `cut ${cut}: ${String(e)}`);
        assert.equal(e.offset, at, `cut ${cut}: offset`);
        assert.equal(e.type, type === 'raw' ? 'raw' : type);
        assert.match(e.message, new RegExp(`${type} at byte ${at}`));
        failed = true;
        errors++;
        break;
      }
    }
    assert.ok(failed, `cut ${cut} must fail`);
  }
  assert.equal(errors, full.length);
  // And the whole input reads cleanly.
  const r = new TlReader(full);
  for (const [, , read] of OPS) read(r);
  assert.equal(r.remaining, 4, 'peekUint does not move');
});

test('length prefixes beyond the buffer and the 0xff prefix → TlError', () => {
  assert.throws(() => new TlReader(hex('05010203')).bytes(), isTlError(/length prefix 5.*bytes at byte 0/));
  assert.throws(() => new TlReader(hex('fe000001')).bytes(), isTlError(/length prefix 16777216|length prefix 65536/));
  assert.throws(() => new TlReader(hex('feffffff00000000')).bytes(), isTlError(/length prefix 16777215/));
  assert.throws(() => new TlReader(hex('ff000000')).bytes(), isTlError(/0xff/));
  // Data fits but the padding does not.
  assert.throws(() => new TlReader(hex('0401020304')).bytes(), isTlError(/length prefix 4/));
  assert.throws(() => new TlReader(hex('0001')).raw(-1), isTlError(/raw/));
});

test('reading from an offset, bytes alias the input (documented zero copy)', () => {
  const out = written((w) => { w.int(1); w.bytes(hex('aabbcc')); });
  const r = new TlReader(out, 4);
  const b = r.bytes();
  assert.equal(b.buffer, out.buffer);
  out[5] = 0x11;
  assert.equal(b[0], 0x11);
  assert.throws(() => new TlReader(out, out.length + 1), RangeError);
});

test('enter()/leave() bound the nesting depth', () => {
  const r = new TlReader(new Uint8Array(8));
  for (let i = 0; i < TlReader.MAX_DEPTH; i++) r.enter('Vector');
  assert.throws(() => r.enter('Vector'), isTlError(/nesting deeper than 256.*Vector at byte 0/));
  assert.equal(r.depth, TlReader.MAX_DEPTH);
  r.leave();
  r.enter();
  r.maxDepth = 2;
  r.depth = 0;
  r.enter(); r.enter();
  assert.throws(() => r.enter(), isTlError(/nesting/));
  assert.throws(() => new TlReader(new Uint8Array(8), 4).fail('unknown constructor 0x1234', 'Message'), isTlError(/unknown constructor 0x1234 \(while reading Message at byte 4\)/));
});

test('TlWriter.into: exact fit works, every shorter region → TlError, nothing outside is touched', () => {
  const expected = written((w) => OPS.forEach(([, write]) => write(w)));
  for (const offset of [0, 3]) {
    for (let size = 0; size <= expected.length; size++) {
      const backing = new Uint8Array(offset + size + 16).fill(0xaa);
      const target = backing.subarray(0, offset + size);
      const w = TlWriter.into(target, offset);
      let threw = false;
      try {
        for (const [, write] of OPS) write(w);
      } catch (e) {
        assert.ok(e instanceof TlError, String(e));
        assert.match(e.message, /target region full/);
        threw = true;
      }
      assert.equal(threw, size < expected.length, `size ${size}`);
      assert.ok(backing.subarray(offset + size).every((x) => x === 0xaa), `size ${size}: wrote past the region`);
      assert.ok(backing.subarray(0, offset).every((x) => x === 0xaa), `size ${size}: wrote before the offset`);
      if (!threw) {
        assert.deepEqual(w.result(), expected);
        assert.equal(w.result().buffer, backing.buffer, 'result is a view of the target');
      }
    }
  }
});

test('TlWriter.into writes zero padding over stale bytes and handles strings near the end exactly', () => {
  const target = new Uint8Array(8).fill(0xee);
  const w = TlWriter.into(target);
  w.bytes(hex('01'));
  w.string('abc');
  assert.equal(toHex(target), '0101000003616263');
  // A string whose worst case (3 bytes/unit) does not fit but whose real UTF-8 does.
  const s = 'a'.repeat(100);
  const t2 = new Uint8Array(104);
  TlWriter.into(t2).string(s);
  assert.equal(new TlReader(t2).string(), s);
  assert.throws(() => TlWriter.into(new Uint8Array(103)).string(s), isTlError(/region full/));
  // 127 × 'é' = 254 bytes: the head grows from 1 to 4 bytes after encoding.
  const s2 = 'é'.repeat(127);
  const t3 = new Uint8Array(260);
  TlWriter.into(t3).string(s2);
  assert.equal(new TlReader(t3).string(), s2);
  assert.throws(() => TlWriter.into(new Uint8Array(4), 5), RangeError);
});

test('the growable writer doubles and keeps earlier bytes; result() is a view', () => {
  const w = new TlWriter(16);
  for (let i = 0; i < 1000; i++) w.int(i);
  const out = w.result();
  assert.equal(out.length, 4000);
  const r = new TlReader(out);
  for (let i = 0; i < 1000; i++) assert.equal(r.int(), i);
  w.int(5);
  assert.equal(out.length, 4000, 'a later write does not change an earlier result');
});

test('byte-for-byte agreement with mtcute TlBinaryWriter/Reader', () => {
  const cases: [(w: TlWriter) => void, (m: TlBinaryWriter) => void][] = [];
  for (const v of INTS) cases.push([(w) => w.int(v), (m) => m.int(v)]);
  for (const v of UINTS) cases.push([(w) => w.uint(v), (m) => m.uint(v)]);
  for (const v of DOUBLES) cases.push([(w) => w.double(v), (m) => m.double(v)]);
  for (const v of [true, false]) cases.push([(w) => w.bool(v), (m) => m.boolean(v)]);
  for (const v of LONGS) cases.push([(w) => w.long(v), (m) => m.long(longLike(v))]);
  for (const n of [0, 1, 3, 4, 253, 254, 255, 1000, 65536]) {
    const b = seededBytes(n, n);
    cases.push([(w) => w.bytes(b), (m) => m.bytes(b)]);
  }
  for (const s of STRINGS) cases.push([(w) => w.string(s), (m) => m.string(s)]);
  cases.push([(w) => w.int128(seededBytes(8, 16)), (m) => m.int128(seededBytes(8, 16))]);
  cases.push([(w) => w.int256(seededBytes(9, 32)), (m) => m.int256(seededBytes(9, 32))]);
  for (const [ours, theirs] of cases) {
    const a = written(ours);
    const m = TlBinaryWriter.manual(a.length + 8);
    theirs(m);
    assert.equal(toHex(a), toHex(m.result()));
  }
  // mtcute reads what we write.
  const data = written((w) => { w.long(-6700480189419895787n); w.string('Привет 😀'); w.bytes(seededBytes(1, 300)); });
  const mr = TlBinaryReader.manual(data);
  assert.equal(mr.long().toString(), '-6700480189419895787');
  assert.equal(mr.string(), 'Привет 😀');
  assert.deepEqual(mr.bytes(), seededBytes(1, 300));
});

test('gzip round trip, and Node zlib agrees in both directions', () => {
  for (const n of [0, 1, 100, 20000, 300000]) {
    const text = new TextEncoder().encode('message text 😀 '.repeat(Math.ceil(n / 16)).slice(0, n));
    const random = seededBytes(n, n);
    for (const data of [text, random]) {
      const packed = gzip(data);
      assert.deepEqual(packed.subarray(0, 3), hex('1f8b08'));
      assert.deepEqual(gunzip(packed, data.length), data);
      assert.deepEqual(new Uint8Array(nodeGunzip(packed)), data);
      assert.deepEqual(gunzip(new Uint8Array(nodeGzip(data)), data.length), data);
    }
  }
  assert.deepEqual(gzip(hex('0102')), gzip(hex('0102')), 'reproducible (mtime 0)');
});

test('gunzip with header fields (FNAME, FEXTRA, FCOMMENT, FHCRC) from a hand-built member', () => {
  const data = new TextEncoder().encode('hello hello hello');
  const plain = new Uint8Array(nodeGzip(data));
  const body = plain.subarray(10);
  const header = hex('1f8b08' + '1e' + '00000000' + '00ff' + '0300' + 'aabbcc' + '6e616d6500' + '636f6d6d656e7400' + '1234');
  const member = new Uint8Array(header.length + body.length);
  member.set(header);
  member.set(body, header.length);
  assert.deepEqual(gunzip(member, 100), data);
});

test('gunzip: oversize output and corrupt input → TlError', () => {
  const data = new Uint8Array(100000); // zeros compress ~1000:1
  const packed = gzip(data);
  assert.throws(() => gunzip(packed, 99999), isTlError(/exceeds the limit of 99999/));
  // A lying ISIZE (claims 1000) on both the one-shot and streaming paths.
  for (const source of [data, seededBytes(5, 200000).map((x) => x & 3)]) {
    const p = gzip(source);
    const liar = p.slice();
    liar.set([0xe8, 0x03, 0, 0], liar.length - 4);
    assert.throws(() => gunzip(liar, 1000), isTlError(/more than the 1000 bytes/));
  }
  // Corruptions: bad magic, method, reserved flags, truncation at every length, flipped bits, CRC.
  const good = gzip(new TextEncoder().encode('The quick brown fox jumps over the lazy dog. '.repeat(20)));
  assert.throws(() => gunzip(hex('1f8c08000000000000ff0300000000000000'), 10), isTlError(/magic/));
  assert.throws(() => gunzip(Uint8Array.from(good, (x, i) => (i === 2 ? 7 : x)), 10000), isTlError(/method/));
  assert.throws(() => gunzip(Uint8Array.from(good, (x, i) => (i === 3 ? 0x20 : x)), 10000), isTlError(/reserved/));
  for (let cut = 0; cut < good.length; cut++) assert.throws(() => gunzip(good.subarray(0, cut), 10000), isTlError(), `cut ${cut}`);
  const crcBad = good.slice();
  crcBad[crcBad.length - 8] ^= 1;
  assert.throws(() => gunzip(crcBad, 10000), isTlError(/CRC/));
  let flips = 0;
  for (let i = 10; i < good.length - 8; i++) {
    for (const bit of [1, 0x80]) {
      const bad = good.slice();
      bad[i] ^= bit;
      try {
        gunzip(bad, 10000);
        assert.fail(`flip at ${i} went unnoticed`);
      } catch (e) {
        assert.ok(e instanceof TlError, `flip at ${i}: ${String(e)}`);
        flips++;
      }
    }
  }
  assert.ok(flips > 0);
  assert.throws(() => gunzip(good, -1), RangeError);
  assert.throws(() => gunzip('x' as unknown as Uint8Array, 1), TypeError);
});
