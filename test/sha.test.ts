// SHA-1 and SHA-256: WASM core and pure-TS twins against FIPS 180 examples, node:crypto, @mtcute/wasm and
// @noble/hashes, over edge lengths, thousands of random lengths and inputs larger than the IO buffer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { sha1 as nobleSha1 } from '@noble/hashes/legacy.js';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { sha1, sha256, sha1InPlace, sha256InPlace } from '../bindings/sha.ts';
import { core } from '../bindings/wasm.ts';
import { sha1 as sha1Js } from '../src/crypto/js/sha1.ts';
import { sha256 as sha256Js } from '../src/crypto/js/sha256.ts';
import * as root from '../src/index.ts';
import * as js from '../src/crypto/js/index.ts';
import { mtcute } from '../bench/peers.ts';
import { seededBytes, EDGE_LENGTHS } from './helpers/random.ts';
import { vectorSet, bytesOf, hex, toHex } from './helpers/vectors.ts';

const text = (s: string) => new TextEncoder().encode(s);
const nodeHash = (alg: 'sha1' | 'sha256', data: Uint8Array) => new Uint8Array(createHash(alg).update(data).digest());

interface RawSha {
  sha1Into(ptr: number, len: number, out: number): void;
  sha256Into(ptr: number, len: number, out: number): void;
  sha1Concat2(p1: number, l1: number, p2: number, l2: number, out: number): void;
  sha256Concat2(p1: number, l1: number, p2: number, l2: number, out: number): void;
  sha1Init(ctx: number): void;
  sha1Update(ctx: number, ptr: number, len: number): void;
  sha1Final(ctx: number, out: number): void;
  sha1CtxPtr(): number;
  sha256Init(ctx: number): void;
  sha256Update(ctx: number, ptr: number, len: number): void;
  sha256Final(ctx: number, out: number): void;
  sha256CtxPtr(): number;
}

const HASHES = [
  { name: 'sha1', wasm: sha1, ts: sha1Js, inPlace: sha1InPlace, size: 20, noble: nobleSha1 },
  { name: 'sha256', wasm: sha256, ts: sha256Js, inPlace: sha256InPlace, size: 32, noble: nobleSha256 },
] as const;

// FIPS 180-2 Appendix A/B (and the NIST "SHA examples" documents): one-block "abc", the empty message,
// the 448-bit two-block message, the 896-bit message (FIPS 180-4 examples for SHA-512, also published for
// SHA-1/SHA-256 by NIST's CSRC example values) and one million 'a'.
const M448 = 'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq';
const M896 = 'abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu';
const MILLION_A = new Uint8Array(1_000_000).fill(0x61);
const FIPS: [string, Uint8Array, string, string][] = [
  ['"abc"', text('abc'), 'a9993e364706816aba3e25717850c26c9cd0d89d', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
  ['""', text(''), 'da39a3ee5e6b4b0d3255bfef95601890afd80709', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
  ['448-bit', text(M448), '84983e441c3bd26ebaae4aa1f95129e5e54670f1', '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1'],
  ['896-bit', text(M896), 'a49b2446a02c645bf419f995b67091253a04a259', 'cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1'],
  ['one million "a"', MILLION_A, '34aa973cd4c4daa4f61eeb2bdbad27316534016f', 'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0'],
];

test('FIPS 180 examples: WASM and pure TS', () => {
  for (const [name, message, want1, want256] of FIPS) {
    assert.equal(toHex(sha1(message)), want1, `sha1 ${name}`);
    assert.equal(toHex(sha1Js(message)), want1, `sha1 (TS) ${name}`);
    assert.equal(toHex(sha256(message)), want256, `sha256 ${name}`);
    assert.equal(toHex(sha256Js(message)), want256, `sha256 (TS) ${name}`);
  }
});

test('official auth-key sample: auth_key_id comes from SHA1(auth_key)', () => {
  const set = vectorSet('tg.samples_auth_key.rev2025');
  const authKey = bytesOf(set, 'auth_key');
  assert.equal(toHex(sha1(authKey)), toHex(bytesOf(set, 'auth_key_sha1')));
  assert.equal(toHex(sha1Js(authKey)), toHex(bytesOf(set, 'auth_key_sha1')));
});

test('package entries export the same names', () => {
  assert.equal(root.sha1, sha1);
  assert.equal(root.sha256, sha256);
  assert.equal(js.sha1, sha1Js);
  assert.equal(js.sha256, sha256Js);
});

test('edge lengths and every length 0..1100 agree with node:crypto (WASM and TS)', () => {
  const lengths = new Set<number>([...EDGE_LENGTHS]);
  for (let n = 0; n <= 1100; n++) lengths.add(n);
  for (const n of lengths) {
    const data = seededBytes(n + 1, n);
    for (const h of HASHES) {
      const want = toHex(nodeHash(h.name, data));
      assert.equal(toHex(h.wasm(data)), want, `${h.name} WASM, length ${n}`);
      assert.equal(toHex(h.ts(data)), want, `${h.name} TS, length ${n}`);
    }
  }
});

test('2000 random lengths up to 64 KiB agree with node:crypto (WASM and TS)', () => {
  const lengths = seededBytes(0xabc, 6000);
  for (let i = 0; i < 2000; i++) {
    const n = (lengths[3 * i] | (lengths[3 * i + 1] << 8)) % 65536;
    const data = seededBytes(1000 + i, n);
    for (const h of HASHES) {
      const want = toHex(nodeHash(h.name, data));
      assert.equal(toHex(h.wasm(data)), want, `${h.name} WASM, length ${n}`);
      assert.equal(toHex(h.ts(data)), want, `${h.name} TS, length ${n}`);
    }
  }
});

test('inputs around and above the 1 MiB IO buffer (chunked, state carried)', () => {
  const ioLen = core().ioLen;
  const big = seededBytes(77, 3 * 1024 * 1024 + 5);
  for (const n of [ioLen - 1, ioLen, ioLen + 1, ioLen + 63, 2 * ioLen, 3 * 1024 * 1024 + 5]) {
    const data = big.subarray(0, n);
    for (const h of HASHES) {
      const want = toHex(nodeHash(h.name, data));
      assert.equal(toHex(h.wasm(data)), want, `${h.name} WASM, length ${n}`);
      assert.equal(toHex(h.ts(data)), want, `${h.name} TS, length ${n}`);
    }
  }
});

test('a sample agrees with @mtcute/wasm and @noble/hashes', () => {
  const m = mtcute();
  const peers = { sha1: m.sha1, sha256: m.sha256 };
  for (let i = 0; i < 300; i++) {
    const n = i < 130 ? i : (i * 7919) % 20000;
    const data = seededBytes(5000 + i, n);
    for (const h of HASHES) {
      const ours = toHex(h.wasm(data));
      assert.equal(ours, toHex(peers[h.name](data)), `${h.name} vs @mtcute/wasm, length ${n}`);
      assert.equal(ours, toHex(h.noble(data)), `${h.name} vs @noble/hashes, length ${n}`);
    }
  }
});

test('views with an offset, Buffers, and views over WASM memory itself', () => {
  const w = core();
  const backing = seededBytes(9, 5000);
  for (const h of HASHES) {
    const view = backing.subarray(3, 4003);
    assert.equal(toHex(h.wasm(view)), toHex(nodeHash(h.name, view)));
    assert.equal(toHex(h.wasm(Buffer.from(view))), toHex(nodeHash(h.name, view)));
    // Input that already sits inside the IO buffer, shifted: the copy-in overlaps its own source.
    w.u8.set(view, w.io);
    const inside = w.u8.subarray(w.io + 5, w.io + 3005);
    const want = toHex(nodeHash(h.name, inside.slice()));
    assert.equal(toHex(h.wasm(inside)), want);
  }
});

test('in-place variants hash bytes already in WASM memory (arena, arena end)', () => {
  const w = core();
  for (const h of HASHES) {
    for (const n of [0, 1, 55, 56, 64, 119, 1000, 70000]) {
      const data = seededBytes(n + 31, n);
      w.u8.set(data, w.arena + 17);
      assert.equal(toHex(h.inPlace(w.arena + 17, n)), toHex(nodeHash(h.name, data)), `${h.name} arena, length ${n}`);
      // At the very end of the arena: nothing past the input may be read into the digest.
      const at = w.arena + w.arenaLen - n;
      w.u8.set(data, at);
      assert.equal(toHex(h.inPlace(at, n)), toHex(nodeHash(h.name, data)), `${h.name} arena end, length ${n}`);
    }
  }
});

test('AS-level incremental API over random chunkings, and Concat2', () => {
  const w = core<RawSha>();
  const data = seededBytes(4242, 5000);
  w.u8.set(data, w.arena);
  const out = w.arena + 6000;
  const raw = {
    sha1: { init: w.sha1Init, update: w.sha1Update, final: w.sha1Final, ctx: w.sha1CtxPtr(), concat: w.sha1Concat2, into: w.sha1Into, size: 20 },
    sha256: { init: w.sha256Init, update: w.sha256Update, final: w.sha256Final, ctx: w.sha256CtxPtr(), concat: w.sha256Concat2, into: w.sha256Into, size: 32 },
  };
  const cuts = seededBytes(99, 4000);
  for (const name of ['sha1', 'sha256'] as const) {
    const r = raw[name];
    for (let trial = 0; trial < 200; trial++) {
      const total = (cuts[trial] * 19 + trial) % 5000;
      // A second context in the arena, to show the API works on any context block.
      const ctx = trial % 2 ? r.ctx : w.arena + 8000;
      r.init(ctx);
      let at = 0, k = trial;
      while (at < total) {
        const step = Math.min(total - at, cuts[k++ % cuts.length] % 150);
        r.update(ctx, w.arena + at, step);
        at += step;
      }
      r.final(ctx, out);
      const want = toHex(nodeHash(name, data.subarray(0, total)));
      assert.equal(toHex(w.u8.subarray(out, out + r.size)), want, `${name} incremental, ${total} bytes`);
      const split = (trial * 37) % (total + 1);
      r.concat(w.arena, split, w.arena + split, total - split, out);
      assert.equal(toHex(w.u8.subarray(out, out + r.size)), want, `${name} concat2 ${split}+${total - split}`);
    }
    // The digest may be written over the input.
    r.into(w.arena, 100, w.arena);
    assert.equal(toHex(w.u8.subarray(w.arena, w.arena + r.size)), toHex(nodeHash(name, data.subarray(0, 100))));
    w.u8.set(data, w.arena);
  }
});

test('MTProto 2.0 KDF from auth_key slices with sha256Concat2 (mtcute vectors)', () => {
  const w = core<RawSha>();
  const set = vectorSet('kdf2.mtcute');
  const authKey = bytesOf(set, 'auth_key');
  const msgKey = bytesOf(set, 'msg_key');
  const KEY = w.arena, MSG = w.arena + 256, A = w.arena + 300, B = w.arena + 340;
  w.u8.set(authKey, KEY);
  w.u8.set(msgKey, MSG);
  for (const [x, side] of [[0, 'client'], [8, 'server']] as const) {
    w.sha256Concat2(MSG, 16, KEY + x, 36, A);
    w.sha256Concat2(KEY + 40 + x, 36, MSG, 16, B);
    const a = w.u8.slice(A, A + 32), b = w.u8.slice(B, B + 32);
    const key = new Uint8Array([...a.subarray(0, 8), ...b.subarray(8, 24), ...a.subarray(24, 32)]);
    const iv = new Uint8Array([...b.subarray(0, 8), ...a.subarray(8, 24), ...b.subarray(24, 32)]);
    assert.equal(toHex(key), toHex(bytesOf(set, `${side}_aes_key`)));
    assert.equal(toHex(iv), toHex(bytesOf(set, `${side}_aes_iv`)));
  }
});

test('hostile inputs: TypeError/RangeError naming the argument, state fine afterwards', () => {
  const bad: unknown[] = ['abc', null, undefined, 42, [1, 2, 3], new ArrayBuffer(8), new DataView(new ArrayBuffer(8)), new Uint16Array(4), {}];
  for (const h of HASHES) {
    for (const value of bad) {
      assert.throws(() => h.wasm(value as Uint8Array), (e: Error) => e instanceof TypeError && /data/.test(e.message));
      assert.throws(() => h.ts(value as Uint8Array), (e: Error) => e instanceof TypeError && /data/.test(e.message));
    }
    const w = core();
    const lo = w.io, hi = w.arena + w.arenaLen;
    const cases = [[-1, 0, 'offset'], [0, 0, 'offset'], [lo + 0.5, 0, 'offset'], [NaN, 0, 'offset'], ['1024', 0, 'offset'], [hi + 1, 0, 'offset'],
      [lo, -1, 'length'], [lo, hi, 'length'], [hi - 10, 11, 'length'], [lo, 1.5, 'length']] as const;
    for (const [offset, length, arg] of cases) {
      assert.throws(() => h.inPlace(offset as number, length), (e: Error) => e instanceof RangeError && e.message.startsWith(arg), `${offset}, ${length}`);
    }
    assert.equal(toHex(h.wasm(text('abc'))), FIPS[0][h.name === 'sha1' ? 2 : 3]);
  }
});

test('digests are fresh arrays of the right size, not views over WASM memory', () => {
  for (const h of HASHES) {
    const a = h.wasm(text('abc'));
    const b = h.wasm(text('abd'));
    assert.equal(a.length, h.size);
    assert.notEqual(a.buffer, core().u8.buffer);
    assert.notEqual(toHex(a), toHex(b));
    assert.equal(toHex(a), toHex(hex(FIPS[0][h.name === 'sha1' ? 2 : 3])));
  }
});
