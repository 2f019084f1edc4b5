// MTProto 2.0 message encryption/decryption: the WASM core's fused call and its pure-TS twin.
// Known answers: [kdf2.mtcute], [encrypt.mtcute_client], [decrypt.mtcute_server] (test/vectors/VECTORS.md);
// cross-checks: node:crypto (SHA-256, AES-256-ECB chained as IGE here), WASM vs TS byte for byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv, createHash } from 'node:crypto';
import * as wasm from '../src/crypto/message.ts';
import * as js from '../src/crypto/js/message.ts';
import { SecurityError } from '../src/errors.ts';
import { TlWriter } from '../src/tl/binary/writer.ts';
import { bytesOf, toHex, vectorSet } from './helpers/vectors.ts';
import { seededBytes } from './helpers/random.ts';

const IMPLS = [['wasm', wasm], ['js', js]] as const;
const enc = vectorSet('encrypt.mtcute_client');
const dec = vectorSet('decrypt.mtcute_server');
const AUTH_KEY = bytesOf(enc, 'auth_key');
const le64 = (b: Uint8Array) => Buffer.from(b).readBigInt64LE(0);
const SESSION = le64(bytesOf(enc, 'session_id'));

/** A plaintext header + body + padding, as the session lays it out. */
function plaintextOf(fields: wasm.MessageFields, body: Uint8Array, padding: Uint8Array): Uint8Array {
  const out = new Uint8Array(32 + body.length + padding.length);
  const dv = new DataView(out.buffer);
  dv.setBigInt64(0, fields.salt, true); dv.setBigInt64(8, fields.sessionId, true); dv.setBigInt64(16, fields.msgId, true);
  dv.setUint32(24, fields.seqNo, true); dv.setUint32(28, body.length, true);
  out.set(body, 32); out.set(padding, 32 + body.length);
  return out;
}

/** MTProto 2.0 encryption with node:crypto only: SHA-256, and AES-256-ECB blocks chained as IGE. */
function nodeEncrypt(authKey: Uint8Array, plaintext: Uint8Array, x: 0 | 8): Uint8Array {
  const h = (...parts: Uint8Array[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
  const msgKey = h(authKey.subarray(88 + x, 120 + x), plaintext).subarray(8, 24);
  const a = h(msgKey, authKey.subarray(x, x + 36)), b = h(authKey.subarray(40 + x, 76 + x), msgKey);
  const key = Buffer.concat([a.subarray(0, 8), b.subarray(8, 24), a.subarray(24, 32)]);
  const iv = Buffer.concat([b.subarray(0, 8), a.subarray(8, 24), b.subarray(24, 32)]);
  const ecb = createCipheriv('aes-256-ecb', key, null).setAutoPadding(false);
  let y = iv.subarray(0, 16), xp = iv.subarray(16, 32);
  const out = Buffer.alloc(plaintext.length);
  for (let i = 0; i < plaintext.length; i += 16) {
    const m = plaintext.subarray(i, i + 16);
    const c = Buffer.from(ecb.update(Buffer.from(m.map((v, j) => v ^ y[j]))).map((v, j) => v ^ xp[j]));
    out.set(c, i); y = c; xp = Buffer.from(m);
  }
  const id = createHash('sha1').update(authKey).digest().subarray(12, 20);
  return Buffer.concat([id, msgKey, out]);
}

function randomKey(seed: number): Uint8Array { return seededBytes(seed, 256); }
function checkOf(fn: () => unknown): string {
  try { fn(); } catch (e) { if (e instanceof SecurityError) return e.check; throw e; }
  return 'none';
}

test('[kdf2.mtcute] aes_key/aes_iv from msg_key, both directions, both builds; node:crypto agrees end to end', () => {
  const v = vectorSet('kdf2.mtcute');
  const authKey = bytesOf(v, 'auth_key');
  for (const [x, side] of [[0, 'client'], [8, 'server']] as const) {
    for (const [name, impl] of IMPLS) {
      for (const key of [authKey, impl.loadAuthKey(authKey)]) {
        const r = impl.messageAesKeyIv(key, bytesOf(v, 'msg_key'), x);
        assert.equal(toHex(r.key), toHex(bytesOf(v, `${side}_aes_key`)), `${name} ${side}`);
        assert.equal(toHex(r.iv), toHex(bytesOf(v, `${side}_aes_iv`)), `${name} ${side}`);
      }
    }
  }
  const pt = plaintextOf({ salt: 1n, sessionId: 2n, msgId: 3n, seqNo: 4 }, new Uint8Array(16), new Uint8Array(16));
  for (const x of [0, 8] as const) {
    for (const [name, impl] of IMPLS) assert.equal(toHex(impl.encryptMessage(authKey, pt, x)), toHex(nodeEncrypt(authKey, pt, x)), name);
  }
});

test('[encrypt.mtcute_client] exact packet (x = 0), copy and in-place, both builds', () => {
  const fields = { salt: le64(bytesOf(enc, 'server_salt')), sessionId: SESSION, msgId: le64(bytesOf(enc, 'msg_id')), seqNo: 777 };
  const body = bytesOf(enc, 'body'), padding = bytesOf(enc, 'padding');
  const plaintext = plaintextOf(fields, body, padding);
  assert.equal(toHex(plaintext), toHex(bytesOf(enc, 'plaintext')));
  const packet = toHex(bytesOf(enc, 'packet'));
  for (const [name, impl] of IMPLS) {
    const key = impl.loadAuthKey(AUTH_KEY);
    assert.equal(toHex(key.id), toHex(bytesOf(enc, 'auth_key_id')), name);
    assert.equal(toHex(impl.encryptMessage(key, plaintext, 0)), packet, `${name} handle`);
    assert.equal(toHex(impl.encryptMessage(AUTH_KEY, plaintext, 0)), packet, `${name} raw key`);
    assert.equal(toHex(impl.sealMessage(key, fields, body, 0, padding)), packet, `${name} sealMessage`);
    // In place, with 8 bytes of room for a transport frame header in front.
    const { view, offset } = impl.messageArena();
    const at = offset + 8;
    view.set(plaintext, at + 24);
    const n = impl.encryptMessageInPlace(at, plaintext.length, key, 0);
    assert.equal(toHex(view.subarray(at, at + n)), packet, `${name} in place`);
    assert.equal(toHex(bytesOf(enc, 'msg_key')), toHex(view.subarray(at + 8, at + 24)));
    key.dispose();
  }
});

test('[decrypt.mtcute_server] ok, ok_transport_padding and the five reject_* (x = 8), both builds', () => {
  const expected: Record<string, string> = {
    reject_bad_msg_key: 'msg_key', reject_bad_session: 'session_id', reject_too_long: 'message_length',
    reject_unaligned: 'message_length', reject_bad_padding: 'padding',
  };
  for (const [name, impl] of IMPLS) {
    const key = impl.loadAuthKey(AUTH_KEY);
    for (const ok of ['ok', 'ok_transport_padding']) {
      const m = impl.openMessage(key, bytesOf(dec, ok), 8, SESSION);
      assert.equal(m.msgId, 0x1234beefbeef1234n, `${name} ${ok}`);
      assert.equal(m.seqNo, 777);
      assert.equal(m.sessionId, SESSION);
      assert.equal(Buffer.from(m.body).toString(), 'hello, world!!!!');
      // In place, at an odd arena offset.
      const { view, offset } = impl.messageArena();
      const packet = bytesOf(dec, ok);
      view.set(packet, offset + 5);
      const r = impl.openMessageInPlace(offset + 5, packet.length, key, 8, SESSION);
      assert.equal(Buffer.from(view.subarray(r.bodyOffset, r.bodyOffset + r.bodyLength)).toString(), 'hello, world!!!!');
    }
    for (const [vec, check] of Object.entries(expected)) {
      assert.equal(checkOf(() => impl.openMessage(key, bytesOf(dec, vec), 8, SESSION)), check, `${name} ${vec}`);
      const r = impl.decryptMessage(AUTH_KEY, bytesOf(dec, vec), 8, SESSION);
      assert.equal(r.check, check);
      assert.equal(r.plaintext.length, 0);
    }
    // Wrong direction: x = 0 keys cannot open a server message.
    assert.equal(checkOf(() => impl.openMessage(key, bytesOf(dec, 'ok'), 0, SESSION)), 'msg_key', name);
  }
});

test('round trips both directions, random sizes 0..64 KiB+, WASM and TS agree byte for byte, node:crypto agrees', () => {
  const sizes = [0, 4, 8, 12, 16, 100, 1000, 1024, 4096, 65536, 65540, 200_000];
  for (let i = 0; i < 24; i++) sizes.push((seededBytes(i + 1, 3).reduce((a, b) => a * 256 + b, 0) % 70000) & ~3);
  let seed = 1000;
  for (const size of sizes) {
    for (const x of [0, 8] as const) {
      const authKey = randomKey(seed++);
      const body = seededBytes(seed++, size);
      const fields = { salt: -5n, sessionId: 0x0123456789abcdefn, msgId: BigInt(size) * 4n, seqNo: size };
      // Some extra padding beyond the minimum (still 12..1024 and a multiple of 16 in total).
      const padLen = wasm.paddingLength(size) + 16 * (seed % 4);
      const padding = seededBytes(seed++, padLen);
      const wk = wasm.loadAuthKey(authKey), jk = js.loadAuthKey(authKey);
      const a = wasm.sealMessage(wk, fields, body, x, padding);
      const b = js.sealMessage(jk, fields, body, x, padding);
      assert.equal(toHex(a), toHex(b), `size ${size} x ${x}`);
      if (size <= 4096 || size === 65536) assert.equal(toHex(a), toHex(nodeEncrypt(authKey, plaintextOf(fields, body, padding), x)), `node size ${size}`);
      for (const impl of [wasm, js]) {
        const m = impl.openMessage(authKey, a, x, fields.sessionId);
        assert.deepEqual({ ...m, body: undefined }, { ...fields, body: undefined });
        assert.equal(toHex(m.body), toHex(body));
      }
      wk.dispose(); jk.dispose();
    }
  }
});

test('serialize → encrypt → frame in the arena with no copy (TlWriter.into), then decrypt in place', () => {
  for (const [name, impl] of IMPLS) {
    const key = impl.loadAuthKey(randomKey(7));
    const { view, offset } = impl.messageArena();
    const FRAME = 4; // intermediate transport: 4-byte length in front of the packet
    const packetAt = offset + FRAME;
    const w = TlWriter.into(view, packetAt + 24 + 32);
    w.int(0x7abe77ec); w.long(123456789n); w.bytes(seededBytes(3, 333));
    const bodyLength = w.pos - (packetAt + 56);
    const fields = { salt: 11n, sessionId: 22n, msgId: 33n * 4n, seqNo: 1 };
    const n = impl.sealMessageInPlace(packetAt, bodyLength, key, 0, fields);
    new DataView(view.buffer).setUint32(offset, n, true);
    const frame = view.slice(offset, offset + FRAME + n);
    // Receiving side: the same bytes back in the arena, at another offset, decrypted with x = 0.
    const at = offset + 100_000;
    view.set(frame.subarray(FRAME), at);
    const r = impl.openMessageInPlace(at, n, key, 0, 22n);
    assert.equal(r.msgId, 132n, name);
    assert.equal(r.bodyLength, bodyLength);
    assert.equal(new DataView(view.buffer).getInt32(r.bodyOffset, true), 0x7abe77ec);
    // Random padding: two seals of the same message differ.
    const again = impl.sealMessage(key, fields, new Uint8Array(8), 0);
    assert.notEqual(toHex(again), toHex(impl.sealMessage(key, fields, new Uint8Array(8), 0)));
  }
});

test('any single bit flip in msg_key or encrypted data fails msg_key; in auth_key_id fails auth_key_id', () => {
  const authKey = randomKey(42);
  const fields = { salt: 1n, sessionId: 99n, msgId: 4n, seqNo: 0 };
  const packet = wasm.sealMessage(authKey, fields, seededBytes(5, 200), 8);
  for (const [name, impl] of IMPLS) {
    const key = impl.loadAuthKey(authKey);
    for (let bit = 0; bit < packet.length * 8; bit += name === 'wasm' ? 1 : 7) {
      const bad = packet.slice();
      bad[bit >> 3] ^= 1 << (bit & 7);
      assert.equal(checkOf(() => impl.openMessage(key, bad, 8, 99n)), bit < 64 ? 'auth_key_id' : 'msg_key', `${name} bit ${bit}`);
    }
    assert.equal(checkOf(() => impl.openMessage(key, packet, 8, 99n)), 'none');
  }
});

test('a different auth key fails auth_key_id; a wrong session fails session_id', () => {
  const packet = wasm.sealMessage(randomKey(1), { salt: 0n, sessionId: 5n, msgId: 4n, seqNo: 0 }, new Uint8Array(4), 0);
  for (const [name, impl] of IMPLS) {
    assert.equal(checkOf(() => impl.openMessage(randomKey(2), packet, 0, 5n)), 'auth_key_id', name);
    assert.equal(checkOf(() => impl.openMessage(randomKey(1), packet, 0, 6n)), 'session_id', name);
    assert.equal(checkOf(() => impl.openMessage(randomKey(1), packet, 0, 5n)), 'none', name);
  }
});

test("sessionId 'any' (a server opening a new session) accepts the client's session_id and keeps every other check", () => {
  const key = randomKey(3);
  const packet = wasm.sealMessage(key, { salt: 7n, sessionId: -0x1234_5678_9abc_def0n, msgId: 4n, seqNo: 1 }, new Uint8Array(8), 0);
  for (const [name, impl] of IMPLS) {
    const m = impl.openMessage(key, packet, 0, 'any');
    assert.equal(m.sessionId, -0x1234_5678_9abc_def0n, name);
    assert.equal(m.salt, 7n, name);
    // the flag does not stick: the next call with an expected id checks it again
    assert.equal(checkOf(() => impl.openMessage(key, packet, 0, 1n)), 'session_id', name);
    assert.equal(checkOf(() => impl.openMessage(randomKey(4), packet, 0, 'any')), 'auth_key_id', name);
    assert.equal(checkOf(() => impl.openMessage(key, packet, 8, 'any')), 'msg_key', name);
    const tampered = packet.slice(); tampered[40] ^= 1;
    assert.equal(checkOf(() => impl.openMessage(key, tampered, 0, 'any')), 'msg_key', name);
    assert.equal(checkOf(() => impl.openMessage(key, packet.subarray(0, 24 + 8), 0, 'any')), 'length', name);
    assert.throws(() => impl.openMessage(key, packet, 0, 'other' as never), TypeError, name);
  }
});

test('more handles than core slots: each reloads its own key (no silent key mix-up)', () => {
  const keys = Array.from({ length: 40 }, (_, i) => wasm.loadAuthKey(randomKey(500 + i)));
  const fields = { salt: 0n, sessionId: 1n, msgId: 4n, seqNo: 0 };
  const pad = new Uint8Array(16);
  for (let round = 0; round < 2; round++) {
    keys.forEach((k, i) => {
      assert.equal(toHex(wasm.sealMessage(k, fields, new Uint8Array(0), 0, pad)), toHex(js.sealMessage(randomKey(500 + i), fields, new Uint8Array(0), 0, pad)));
    });
  }
  keys[0].dispose();
  assert.throws(() => wasm.sealMessage(keys[0], fields, new Uint8Array(0), 0, pad), /dispose/);
  for (const k of keys) k.dispose();
});

test('hostile lengths and arguments: typed errors naming the argument, core state fine afterwards', () => {
  const authKey = randomKey(9);
  const good = wasm.sealMessage(authKey, { salt: 0n, sessionId: 1n, msgId: 4n, seqNo: 0 }, new Uint8Array(64), 8);
  for (const [name, impl] of IMPLS) {
    const key = impl.loadAuthKey(authKey);
    // Short or truncated packets: every length 0..good.length decides without reading past its input.
    for (let n = 0; n < good.length; n++) {
      const cut = good.subarray(0, n);
      const check = checkOf(() => impl.openMessage(key, cut, 8, 1n));
      const want = n < 8 ? 'auth_key_id' : n < 40 ? 'length' : 'msg_key';
      assert.equal(check, want, `${name} length ${n}`);
    }
    // Every garbage length field is caught (message_length or padding), never an exception or over-read.
    const { view, offset } = impl.messageArena();
    for (const len of [0xffffffff, 0x80000000, 0x7ffffffc, 1024 + 64, 3, 2, 56, 60, 68]) {
      const pt = plaintextOf({ salt: 0n, sessionId: 1n, msgId: 4n, seqNo: 0 }, new Uint8Array(36), new Uint8Array(28));
      new DataView(pt.buffer).setUint32(28, len, true);
      view.set(pt, offset + 24);
      assert.throws(() => impl.encryptMessageInPlace(offset, pt.length, key, 8), RangeError, `${name} encrypt len ${len}`);
      const packet = nodeEncrypt(authKey, pt, 8);
      const check = checkOf(() => impl.openMessage(key, packet, 8, 1n));
      assert.ok(check === 'message_length' || check === 'padding', `${name} len ${len}: ${check}`);
    }
    // Padding over 1024 bytes.
    const big = nodeEncrypt(authKey, plaintextOf({ salt: 0n, sessionId: 1n, msgId: 4n, seqNo: 0 }, new Uint8Array(4), new Uint8Array(1036)), 8);
    assert.equal(checkOf(() => impl.openMessage(key, big, 8, 1n)), 'padding', name);
    // Argument checks.
    assert.throws(() => impl.loadAuthKey(new Uint8Array(255)), /authKey/);
    assert.throws(() => impl.encryptMessage(new Uint8Array(8), new Uint8Array(48), 0), /authKey/);
    assert.throws(() => impl.encryptMessage(key, new Uint8Array(40), 0), /plaintext/);
    assert.throws(() => impl.encryptMessage(key, new Uint8Array(32), 0), /plaintextLength/);
    assert.throws(() => impl.encryptMessage(key, new Uint8Array(48), 4 as 0), /x must be/);
    assert.throws(() => impl.decryptMessage(key, good, 8, 1 as unknown as bigint), TypeError);
    // A session id wider than 64 bits is refused, not wrapped onto another session.
    assert.throws(() => impl.decryptMessage(key, good, 8, 1n << 64n), /sessionId must fit in 64 bits/);
    assert.throws(() => impl.decryptMessage(key, good, 8, -(1n << 63n) - 1n), /sessionId must fit in 64 bits/);
    assert.throws(() => impl.decryptMessage(key, 'x' as unknown as Uint8Array, 8, 1n), TypeError);
    assert.throws(() => impl.encryptMessageInPlace(-1, 48, key, 0), /offset/);
    assert.throws(() => impl.encryptMessageInPlace(offset + 1.5, 48, key, 0), /offset/);
    assert.throws(() => impl.decryptMessageInPlace(offset, 1 << 30, key, 0, 1n), /length/);
    assert.throws(() => impl.sealMessage(key, { salt: 0n, sessionId: 1n, msgId: 4n, seqNo: 0 }, new Uint8Array(3), 0), /multiple of 4/);
    assert.throws(() => impl.sealMessageInPlace(offset + (4 << 20), 0, key, 0, { salt: 0n, sessionId: 1n, msgId: 4n, seqNo: 0 }), RangeError);
    // Still works.
    assert.equal(toHex(impl.openMessage(key, good, 8, 1n).body), toHex(new Uint8Array(64)));
  }
  assert.throws(() => wasm.decryptMessageInPlace(0, 16, randomKey(1), 0, 1n), /offset/); // not IO or arena
});
