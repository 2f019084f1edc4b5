// AES-256-IGE and AES-256-CTR: known answers (test/vectors/VECTORS.md), randomized cross-checks against
// node:crypto, @mtcute/wasm and GramJS, WASM vs pure-TS twin, chunking past the 1 MiB IO buffer,
// stream interleaving past the core's slot count, and hostile inputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv, createDecipheriv } from 'node:crypto';
import * as wasm from '../src/index.ts';
import * as js from '../src/crypto/js/index.ts';
import { core } from '../bindings/wasm.ts';
import { gramjs, mtcute } from '../bench/peers.ts';
import { seededBytes } from './helpers/random.ts';
import { bytesOf, toHex, vectorSet } from './helpers/vectors.ts';

const impls = [['wasm', wasm], ['js', js]] as const;

/** Reference IGE built around node:crypto's raw AES-256 block (ECB, no padding). */
function refIge(encrypt: boolean, data: Uint8Array, key: Uint8Array, iv: Uint8Array): Uint8Array {
  const block = encrypt ? createCipheriv('aes-256-ecb', key, null) : createDecipheriv('aes-256-ecb', key, null);
  block.setAutoPadding(false);
  const out = new Uint8Array(data.length);
  // Encrypting: c_i = E(p_i ^ c_{i-1}) ^ p_{i-1}; decrypting: p_i = D(c_i ^ p_{i-1}) ^ c_{i-1}.
  let chain = encrypt ? iv.slice(0, 16) : iv.slice(16, 32); // previous output
  let mask = encrypt ? iv.slice(16, 32) : iv.slice(0, 16); // previous input
  for (let o = 0; o < data.length; o += 16) {
    const x = data.slice(o, o + 16);
    const y = Uint8Array.from(block.update(x.map((b, i) => b ^ chain[i])), (b, i) => b ^ mask[i]);
    out.set(y, o);
    chain = y;
    mask = x;
  }
  return out;
}

const hexOf = (b: Uint8Array) => toHex(b);

test('IGE known answer [ige.mtcute_256]', () => {
  const v = vectorSet('ige.mtcute_256');
  const [key, iv, pt, ct] = ['key', 'iv', 'plaintext', 'ciphertext'].map((k) => bytesOf(v, k));
  for (const [name, m] of impls) {
    assert.equal(hexOf(m.aesIgeEncrypt(pt, key, iv)), hexOf(ct), name);
    assert.equal(hexOf(m.aesIgeDecrypt(ct, key, iv)), hexOf(pt), name);
  }
  assert.equal(hexOf(refIge(true, pt, key, iv)), hexOf(ct), 'reference IGE');
});

test('CTR known answer [ctr.mtcute]: six successive 16-byte process() calls', () => {
  const v = vectorSet('ctr.mtcute');
  const key = bytesOf(v, 'key');
  const iv = bytesOf(v, 'iv');
  const pt = bytesOf(v, 'plaintext_each');
  for (const [name, m] of impls) {
    const enc = m.createAesCtr(key, iv);
    const dec = m.createAesCtr(key, iv);
    for (let i = 0; i < 6; i++) {
      const ct = enc.process(pt);
      assert.equal(hexOf(ct), hexOf(bytesOf(v, `ciphertext_${i}`)), `${name} call ${i}`);
      assert.equal(hexOf(dec.process(ct)), hexOf(pt), `${name} decrypt call ${i}`);
    }
    enc.dispose();
    dec.dispose();
  }
});

test('IGE randomized: wasm = js = node:crypto reference = @mtcute/wasm (= GramJS on a subset)', () => {
  const m = mtcute();
  const lengths = [0, 16, 32, 48, 64, 1024];
  const rnd = seededBytes(7, 4 * 1500);
  for (let i = 0; i < 1500; i++) lengths.push(16 * (((rnd[4 * i] << 8) | rnd[4 * i + 1]) % 300));
  lengths.forEach((len, i) => {
    const key = seededBytes(1000 + i, 32);
    const iv = seededBytes(5000 + i, 32);
    const data = seededBytes(9000 + i, len);
    const ct = wasm.aesIgeEncrypt(data, key, iv);
    const ref = refIge(true, data, key, iv);
    assert.equal(hexOf(ct), hexOf(ref), `encrypt len ${len}`);
    assert.equal(hexOf(js.aesIgeEncrypt(data, key, iv)), hexOf(ct), `js encrypt len ${len}`);
    assert.equal(hexOf(wasm.aesIgeDecrypt(ct, key, iv)), hexOf(data), `decrypt len ${len}`);
    assert.equal(hexOf(js.aesIgeDecrypt(ct, key, iv)), hexOf(data), `js decrypt len ${len}`);
    if (i % 10 === 0) assert.equal(hexOf(refIge(false, ct, key, iv)), hexOf(data), `reference decrypt len ${len}`);
    if (len > 0) {
      assert.equal(hexOf(m.ige256Encrypt(data, key, iv)), hexOf(ct), `mtcute encrypt len ${len}`);
      assert.equal(hexOf(m.ige256Decrypt(ct, key, iv)), hexOf(data), `mtcute decrypt len ${len}`);
    }
    if (len > 0 && i < 200) {
      const g = new gramjs.IGE(Buffer.from(key), Buffer.from(iv));
      assert.equal(hexOf(g.encryptIge(Buffer.from(data))), hexOf(ct), `GramJS encrypt len ${len}`);
      assert.equal(hexOf(g.decryptIge(Buffer.from(ct))), hexOf(data), `GramJS decrypt len ${len}`);
    }
  });
});

test('IGE over 3 MiB + 16 bytes (chunked through the 1 MiB IO buffer)', () => {
  const len = 3 * 1024 * 1024 + 16;
  const key = seededBytes(11, 32);
  const iv = seededBytes(12, 32);
  const data = seededBytes(13, len);
  const ct = wasm.aesIgeEncrypt(data, key, iv);
  assert.ok(Buffer.from(ct).equals(Buffer.from(refIge(true, data, key, iv))));
  assert.ok(Buffer.from(ct).equals(Buffer.from(js.aesIgeEncrypt(data, key, iv))));
  assert.ok(Buffer.from(ct).equals(Buffer.from(mtcute().ige256Encrypt(data, key, iv))));
  assert.ok(Buffer.from(refIge(false, ct, key, iv)).equals(Buffer.from(data)));
  assert.ok(Buffer.from(wasm.aesIgeDecrypt(ct, key, iv)).equals(Buffer.from(data)));
  assert.ok(Buffer.from(js.aesIgeDecrypt(ct, key, iv)).equals(Buffer.from(data)));
});

/** Feeds data through a stream in the given chunk lengths (cycled), returning the concatenation. */
function chunked(stream: { process(d: Uint8Array): Uint8Array }, data: Uint8Array, chunks: number[]): Buffer {
  const parts: Uint8Array[] = [];
  let off = 0;
  for (let i = 0; off < data.length; i++) {
    const n = Math.min(chunks[i % chunks.length], data.length - off);
    parts.push(stream.process(data.subarray(off, off + n)));
    off += n;
  }
  return Buffer.concat(parts);
}

test('CTR randomized chunkings: wasm = js = node:crypto aes-256-ctr', () => {
  const fixed: number[][] = [[1], [15], [16], [17], [63], [64], [65], [1, 3, 17], [0, 5, 0, 64, 1]];
  for (let i = 0; i < 300; i++) {
    const key = seededBytes(20000 + i, 32);
    const iv = seededBytes(30000 + i, 16);
    const r = seededBytes(40000 + i, 16);
    const len = i < 50 ? i : ((r[0] << 8) | r[1]) % 5000;
    const data = seededBytes(50000 + i, len);
    const ref = createCipheriv('aes-256-ctr', key, iv).update(data);
    const chunks = i < fixed.length * 10 ? [...fixed[i % fixed.length]] : Array.from(r.subarray(2, 8), (b) => b % 130);
    if (!chunks.some((c) => c > 0)) chunks.push(1);
    for (const [name, m] of impls) {
      const s = m.createAesCtr(key, iv);
      assert.equal(chunked(s, data, chunks).toString('hex'), ref.toString('hex'), `${name} len ${len} chunks ${chunks}`);
      s.dispose();
    }
  }
});

test('CTR counter wraps at 2^128 (iv = ff..ff) and carries across 64-bit halves', () => {
  for (const iv of [new Uint8Array(16).fill(0xff), Uint8Array.from([...new Array(8).fill(0), ...new Array(8).fill(0xff)])]) {
    const key = seededBytes(99, 32);
    const data = seededBytes(98, 200);
    const ref = createCipheriv('aes-256-ctr', key, iv).update(data).toString('hex');
    for (const [name, m] of impls) {
      assert.equal(chunked(m.createAesCtr(key, iv), data, [200]).toString('hex'), ref, name);
      assert.equal(chunked(m.createAesCtr(key, iv), data, [7, 16, 33]).toString('hex'), ref, name);
    }
  }
});

test('CTR counter wrap inside one 8-block batch, and keystream carried between calls', () => {
  // The bitsliced core makes 8 counter blocks per batch: put the 2^128 wrap (and a carry into the
  // high half) at every position within a batch, and split calls so batches straddle them.
  for (let back = 1; back <= 8; back++) {
    const full = new Uint8Array(16).fill(0xff);
    full[15] = 0x100 - back;
    const half = Uint8Array.from([...new Array(8).fill(0x12), ...new Array(8).fill(0xff)]);
    half[15] = 0x100 - back;
    for (const iv of [full, half]) {
      const key = seededBytes(100 + back, 32);
      const data = seededBytes(200 + back, 700);
      const ref = createCipheriv('aes-256-ctr', key, iv).update(data).toString('hex');
      for (const chunks of [[700], [3, 130, 64], [127, 1, 128, 129], [16 * back, 255]]) {
        assert.equal(chunked(wasm.createAesCtr(key, iv), data, chunks).toString('hex'), ref, `back ${back} chunks ${chunks}`);
      }
    }
  }
});

test('CTR over 3 MiB + 16 bytes, whole and in 1/15/17/63/65-byte-led chunks', () => {
  const key = seededBytes(61, 32);
  const iv = seededBytes(62, 16);
  const data = seededBytes(63, 3 * 1024 * 1024 + 16);
  const ref = createCipheriv('aes-256-ctr', key, iv).update(data);
  assert.ok(chunked(wasm.createAesCtr(key, iv), data, [data.length]).equals(ref));
  assert.ok(chunked(js.createAesCtr(key, iv), data, [data.length]).equals(ref));
  assert.ok(chunked(wasm.createAesCtr(key, iv), data, [1, 15, 17, 63, 65, 1 << 20, 2 << 20]).equals(ref));
});

test('CTR: interleaved streams, more than the core has slots, stay independent', () => {
  const count = 600; // > 256 slots: forces evictions and reloads
  const keys = Array.from({ length: count }, (_, i) => seededBytes(70000 + i, 32));
  const ivs = Array.from({ length: count }, (_, i) => seededBytes(80000 + i, 16));
  const data = seededBytes(90000, 400);
  const streams = keys.map((k, i) => wasm.createAesCtr(k, ivs[i]));
  const refs = keys.map((k, i) => createCipheriv('aes-256-ctr', k, ivs[i]));
  const sizes = [1, 17, 3, 64, 15, 65];
  for (let round = 0; round < 6; round++) {
    for (let i = 0; i < count; i++) {
      const j = (i * 7 + round * 13) % count; // scrambled order
      const chunk = data.subarray(0, sizes[(i + round) % sizes.length]);
      assert.equal(toHex(streams[j].process(chunk)), refs[j].update(chunk).toString('hex'), `stream ${j} round ${round}`);
    }
  }
  // Two streams of one connection, alternating tiny chunks.
  const a = wasm.createAesCtr(keys[0], ivs[0]);
  const b = wasm.createAesCtr(keys[1], ivs[1]);
  const ra = createCipheriv('aes-256-ctr', keys[0], ivs[0]);
  const rb = createCipheriv('aes-256-ctr', keys[1], ivs[1]);
  for (let i = 0; i < 100; i++) {
    const chunk = data.subarray(0, (i * 5) % 37);
    assert.equal(toHex(a.process(chunk)), ra.update(chunk).toString('hex'));
    assert.equal(toHex(b.process(chunk)), rb.update(chunk).toString('hex'));
  }
  for (const s of streams) s.dispose();
  assert.throws(() => streams[0].process(data), /dispose/);
  assert.equal(toHex(a.process(data)), ra.update(data).toString('hex'), 'disposing others leaves a stream intact');
});

test('in-place variants over the arena and the IO buffer', () => {
  const w = core();
  const key = seededBytes(1, 32);
  const iv = seededBytes(2, 32);
  const data = seededBytes(3, 4096);
  const expected = wasm.aesIgeEncrypt(data, key, iv);
  w.u8.set(data, w.arena + 64);
  wasm.aesIgeEncryptInPlace(w.arena + 64, data.length, key, iv);
  assert.equal(toHex(w.u8.subarray(w.arena + 64, w.arena + 64 + data.length)), toHex(expected));
  wasm.aesIgeDecryptInPlace(w.arena + 64, data.length, key, iv);
  assert.equal(toHex(w.u8.subarray(w.arena + 64, w.arena + 64 + data.length)), toHex(data));

  const ctrKey = seededBytes(4, 32);
  const ctrIv = seededBytes(5, 16);
  const ref = createCipheriv('aes-256-ctr', ctrKey, ctrIv).update(data).toString('hex');
  const s = wasm.createAesCtr(ctrKey, ctrIv);
  w.u8.set(data, w.arena);
  s.processInPlace(w.arena, 1);
  s.processInPlace(w.arena + 1, 100);
  s.processInPlace(w.arena + 101, data.length - 101);
  assert.equal(toHex(w.u8.subarray(w.arena, w.arena + data.length)), ref);
  w.u8.set(data, w.io + 3);
  const s2 = wasm.createAesCtr(ctrKey, ctrIv);
  s2.processInPlace(w.io + 3, data.length);
  assert.equal(toHex(w.u8.subarray(w.io + 3, w.io + 3 + data.length)), ref);
});

test('hostile inputs: typed errors naming the argument, and correct results afterwards', () => {
  const key = seededBytes(1, 32);
  const iv = seededBytes(2, 32);
  const data = seededBytes(3, 64);
  const good = toHex(refIge(true, data, key, iv));
  const bad: [unknown[], ErrorConstructor, RegExp][] = [
    [[data, key.subarray(0, 16), iv], RangeError, /key/],
    [[data, new Uint8Array(33), iv], RangeError, /key/],
    [[data, key, iv.subarray(0, 16)], RangeError, /iv/],
    [[data.subarray(0, 17), key, iv], RangeError, /data/],
    [[data.subarray(0, 15), key, iv], RangeError, /data/],
    [['not bytes', key, iv], TypeError, /data/],
    [[[1, 2, 3], key, iv], TypeError, /data/],
    [[data, null, iv], TypeError, /key/],
    [[data, key, data.buffer], TypeError, /iv/],
    [[undefined, key, iv], TypeError, /data/],
  ];
  for (const [name, m] of impls) {
    for (const [args, type, re] of bad) {
      for (const fn of [m.aesIgeEncrypt, m.aesIgeDecrypt]) {
        assert.throws(() => (fn as (...a: unknown[]) => unknown)(...args), (e: unknown) => e instanceof type && re.test((e as Error).message), `${name}`);
        assert.equal(toHex(m.aesIgeEncrypt(data, key, iv)), good, `${name} after an error`);
      }
    }
    assert.throws(() => m.createAesCtr(key.subarray(1), iv.subarray(0, 16)), (e: unknown) => e instanceof RangeError && /key/.test(String(e)));
    assert.throws(() => m.createAesCtr(key, iv), (e: unknown) => e instanceof RangeError && /iv/.test(String(e)));
    assert.throws(() => m.createAesCtr('k' as never, iv.subarray(0, 16)), (e: unknown) => e instanceof TypeError && /key/.test(String(e)));
    const s = m.createAesCtr(key, iv.subarray(0, 16));
    const ref = createCipheriv('aes-256-ctr', key, iv.subarray(0, 16));
    assert.equal(toHex(s.process(data.subarray(0, 5))), ref.update(data.subarray(0, 5)).toString('hex'));
    assert.throws(() => s.process('x' as never), (e: unknown) => e instanceof TypeError && /data/.test(String(e)));
    assert.equal(toHex(s.process(data)), ref.update(data).toString('hex'), `${name} stream after an error`);
  }
  const w = core();
  const s = wasm.createAesCtr(key, iv.subarray(0, 16));
  for (const [off, len, re] of [[-1, 16, /offset/], [1.5, 16, /offset/], [w.arena, -16, /length/], [w.arena, 17, /length/], [0, 16, /inside/], [w.arena + w.arenaLen - 16, 32, /inside/]] as const) {
    assert.throws(() => wasm.aesIgeEncryptInPlace(off, len, key, iv), re);
    assert.throws(() => wasm.aesIgeDecryptInPlace(off, len, key, iv), re);
  }
  assert.throws(() => s.processInPlace(0, 1), /inside/);
  assert.throws(() => wasm.aesIgeEncryptInPlace(w.arena, 16, key, iv.subarray(1)), /iv/);
  assert.equal(toHex(wasm.aesIgeEncrypt(data, key, iv)), good, 'after in-place errors');
});
