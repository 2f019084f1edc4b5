// Secret-chat crypto (src/crypto/secret): message encryption against an independent node:crypto
// reference (both directions), every receipt check, DH key agreement and its range checks, file
// encryption and its fingerprint, MD5 against node:crypto.
import { test } from 'node:test';
import { Md5 } from '../src/crypto/md5.ts';
import assert from 'node:assert/strict';
import { createCipheriv, createDecipheriv, createHash } from 'node:crypto';
import { seededBytes } from './helpers/random.ts';
import {
  createDhHalf, createSecretFileKey, decryptSecretFile, decryptSecretMessage, encryptSecretFile, encryptSecretMessage,
  keyVisualization, md5, peekKeyFingerprint, secretDhKey, secretFileFingerprint, secretKey,
} from '../src/crypto/secret/index.ts';
import { checkSecretDhConfig } from '../src/crypto/secret/dh.ts';
import { TELEGRAM_DH_PRIME } from '../src/crypto/dh.ts';
import { SecurityError } from '../src/errors.ts';
import { bigintToBytes } from '../src/crypto/bytes.ts';

const sha256 = (...p: Uint8Array[]) => new Uint8Array(createHash('sha256').update(Buffer.concat(p)).digest());

/** AES-256-IGE from node's ECB (reference, independent of the WASM core). */
function ige(data: Uint8Array, key: Uint8Array, iv: Uint8Array, encrypt: boolean): Uint8Array {
  const out = new Uint8Array(data.length);
  let prevX = iv.slice(encrypt ? 0 : 16, encrypt ? 16 : 32); // encrypt: c_{i-1} XORs the input; decrypt: p_{i-1}
  let prevY = iv.slice(encrypt ? 16 : 0, encrypt ? 32 : 16);
  for (let i = 0; i < data.length; i += 16) {
    const block = data.subarray(i, i + 16);
    const x = block.map((b, j) => b ^ prevX[j]);
    const c = encrypt ? createCipheriv('aes-256-ecb', key, null).setAutoPadding(false) : createDecipheriv('aes-256-ecb', key, null).setAutoPadding(false);
    const y = new Uint8Array(Buffer.concat([c.update(x), c.final()])).map((b, j) => b ^ prevY[j]);
    out.set(y, i);
    prevX = y;
    prevY = block.slice();
  }
  return out;
}

function refKdf(key: Uint8Array, msgKey: Uint8Array, x: number) {
  const a = sha256(msgKey, key.subarray(x, x + 36));
  const b = sha256(key.subarray(40 + x, 76 + x), msgKey);
  return {
    aesKey: Buffer.concat([a.subarray(0, 8), b.subarray(8, 24), a.subarray(24, 32)]),
    aesIv: Buffer.concat([b.subarray(0, 8), a.subarray(8, 24), b.subarray(24, 32)]),
  };
}

function refEncrypt(key: Uint8Array, data: Uint8Array, x: number, pad: number): Uint8Array {
  const payload = new Uint8Array(4 + data.length + pad);
  new DataView(payload.buffer).setUint32(0, data.length, true);
  payload.set(data, 4);
  payload.set(seededBytes(pad, pad), 4 + data.length);
  const msgKey = sha256(key.subarray(88 + x, 120 + x), payload).subarray(8, 24);
  const { aesKey, aesIv } = refKdf(key, msgKey, x);
  const fp = new Uint8Array(createHash('sha1').update(key).digest()).subarray(12, 20);
  return new Uint8Array(Buffer.concat([fp, msgKey, ige(payload, aesKey, aesIv, true)]));
}

function refDecrypt(key: Uint8Array, msg: Uint8Array, x: number): { data: Uint8Array; pad: number } {
  const msgKey = msg.subarray(8, 24);
  const { aesKey, aesIv } = refKdf(key, msgKey, x);
  const payload = ige(msg.subarray(24), aesKey, aesIv, false);
  assert.deepEqual(sha256(key.subarray(88 + x, 120 + x), payload).subarray(8, 24), msgKey);
  const len = new DataView(payload.buffer).getUint32(0, true);
  return { data: payload.subarray(4, 4 + len), pad: payload.length - 4 - len };
}

const KEY = seededBytes(7, 256);

test('e2e message: ours decrypts by the reference and the reference by ours, both x', () => {
  const k = secretKey(KEY);
  for (const x of [0, 8] as const) {
    for (const len of [0, 4, 8, 12, 16, 100, 1000, 4096]) {
      const data = seededBytes(len + x, len);
      const enc = encryptSecretMessage(k, data, x);
      assert.equal((enc.length - 24) % 16, 0);
      const ref = refDecrypt(KEY, enc, x);
      assert.deepEqual(ref.data, data);
      assert.ok(ref.pad >= 12 && ref.pad <= 1024, `padding ${ref.pad}`);
      for (const pad of [12, 16, 28, 1020]) {
        const total = 4 + len + pad;
        if (total % 16 !== 0) continue;
        assert.deepEqual(decryptSecretMessage(k, refEncrypt(KEY, data, x, pad), x), data);
      }
    }
  }
  assert.equal(peekKeyFingerprint(encryptSecretMessage(k, new Uint8Array(4), 0)), k.fingerprint);
  // key_fingerprint: low 64 bits of SHA-1 as a little-endian long.
  const sha = createHash('sha1').update(KEY).digest();
  assert.equal(k.fingerprint, sha.readBigInt64LE(12));
});

function rejects(check: string, f: () => unknown): void {
  assert.throws(f, (e: unknown) => e instanceof SecurityError && e.check === check, `expected SecurityError ${check}`);
}

test('e2e message: every receipt check names itself', () => {
  const k = secretKey(KEY);
  const data = seededBytes(1, 40);
  const enc = encryptSecretMessage(k, data, 0);
  // The wrong direction (x) fails the msg_key check.
  rejects('msg_key', () => decryptSecretMessage(k, enc, 8));
  // One flipped bit anywhere in msg_key or the ciphertext.
  for (const at of [8, 23, 24, 40, enc.length - 1]) {
    const t = enc.slice();
    t[at] ^= 1;
    rejects('msg_key', () => decryptSecretMessage(k, t, 0));
  }
  const t = enc.slice();
  t[0] ^= 1;
  rejects('key_fingerprint', () => decryptSecretMessage(k, t, 0));
  rejects('key_fingerprint', () => decryptSecretMessage(secretKey(seededBytes(8, 256)), enc, 0));
  rejects('length', () => decryptSecretMessage(k, enc.subarray(0, enc.length - 8), 0));
  rejects('length', () => decryptSecretMessage(k, enc.subarray(0, 24), 0));
  // Authentic payloads with bad inner lengths: padding 8 (too little), 1040 (too much), length not %4, too long.
  for (const [len, pad, check] of [[20, 8, 'padding'], [0, 1036, 'padding'], [12, 1040, 'padding']] as const) {
    rejects(check, () => decryptSecretMessage(k, refEncrypt(KEY, seededBytes(2, len), 0, pad), 0));
  }
  const lying = (claimed: number) => {
    const payload = new Uint8Array(64);
    new DataView(payload.buffer).setUint32(0, claimed, true);
    const msgKey = sha256(KEY.subarray(88, 120), payload).subarray(8, 24);
    const { aesKey, aesIv } = refKdf(KEY, msgKey, 0);
    return new Uint8Array(Buffer.concat([k.fingerprintBytes, msgKey, ige(payload, aesKey, aesIv, true)]));
  };
  rejects('length', () => decryptSecretMessage(k, lying(2), 0));
  rejects('length', () => decryptSecretMessage(k, lying(1 << 30), 0));
  rejects('length', () => decryptSecretMessage(k, lying(64), 0));
  assert.equal(decryptSecretMessage(k, lying(48), 0).length, 48);
  assert.throws(() => encryptSecretMessage(k, new Uint8Array(3), 0), RangeError);
  assert.throws(() => secretKey(new Uint8Array(255)), RangeError);
});

test('DH: both sides agree; server random is mixed in; g_a/g_b range checks', () => {
  const params = { g: 3, p: TELEGRAM_DH_PRIME };
  checkSecretDhConfig(params);
  rejects('dh_g', () => checkSecretDhConfig({ g: 2, p: TELEGRAM_DH_PRIME }));
  const serverRandom = seededBytes(3, 256);
  const a = createDhHalf(params, serverRandom);
  const a2 = createDhHalf(params, serverRandom);
  assert.notEqual(a.exponent, a2.exponent); // the server's bytes alone do not decide the exponent
  const b = createDhHalf(params);
  const k1 = secretDhKey(params, a, b.publicValue, 'g_b');
  const k2 = secretDhKey(params, b, a.publicValue, 'g_a');
  assert.deepEqual(k1, k2);
  assert.equal(k1.length, 256);
  for (const bad of [0n, 1n, 2n, TELEGRAM_DH_PRIME - 1n, 1n << 1900n, TELEGRAM_DH_PRIME - (1n << 1900n)]) {
    rejects('g_b', () => secretDhKey(params, a, bigintToBytes(bad, 256), 'g_b'));
  }
  rejects('g_a', () => secretDhKey(params, b, new Uint8Array(257), 'g_a'));
  assert.throws(() => createDhHalf(params, new Uint8Array(16)), RangeError);
});

test('files: IGE with a random key and iv, md5-folded fingerprint checked before decrypting', () => {
  const fk = createSecretFileKey();
  for (const size of [0, 1, 15, 16, 17, 100_000]) {
    const data = seededBytes(size, size);
    const enc = encryptSecretFile(data, fk);
    assert.deepEqual(enc, ige(new Uint8Array(Math.ceil(size / 16) * 16 || 16).fill(0).map((_, i) => data[i] ?? 0), fk.key, fk.iv, true));
    const fp = secretFileFingerprint(fk.key, fk.iv);
    assert.deepEqual(decryptSecretFile(enc, fk, size, fp), data);
    rejects('file_key_fingerprint', () => decryptSecretFile(enc, fk, size, fp ^ 1));
    rejects('file_size', () => decryptSecretFile(enc, fk, size + 17, fp));
  }
  // fingerprint = md5(key + iv)[0:4] XOR md5(key + iv)[4:8], little-endian int32.
  const d = createHash('md5').update(Buffer.concat([fk.key, fk.iv])).digest();
  assert.equal(secretFileFingerprint(fk.key, fk.iv), d.readInt32LE(0) ^ d.readInt32LE(4));
});

test('md5 equals node:crypto (RFC 1321 suite and edge lengths); key visualization layout', () => {
  // RFC 1321 appendix A.5 test suite.
  assert.equal(Buffer.from(md5(new Uint8Array(0))).toString('hex'), 'd41d8cd98f00b204e9800998ecf8427e');
  assert.equal(Buffer.from(md5(new TextEncoder().encode('abc'))).toString('hex'), '900150983cd24fb0d6963f7d28e17f72');
  for (const n of [1, 55, 56, 57, 63, 64, 65, 119, 120, 1000, 65537]) {
    const b = seededBytes(n, n);
    assert.deepEqual(md5(b), new Uint8Array(createHash('md5').update(b).digest()), `length ${n}`);
  }
  // Incremental (Md5, as uploads hash their parts): random splits give the one-shot digest.
  for (const n of [0, 63, 64, 65, 1000, 300_000]) {
    const b = seededBytes(n + 1, n);
    const h = new Md5();
    for (let at = 0; at < n; ) {
      const step = Math.min(n - at, 1 + ((at * 7919) % 700));
      h.update(b.subarray(at, at + step));
      at += step;
    }
    assert.deepEqual(h.digest(), new Uint8Array(createHash('md5').update(b).digest()), `split ${n}`);
  }
  assert.throws(() => new Md5().update(new Uint8Array(1)).update('x' as never), TypeError);
  const v = keyVisualization(KEY);
  assert.equal(v.length, 36);
  assert.deepEqual(v.subarray(0, 16), new Uint8Array(createHash('sha1').update(KEY).digest()).subarray(0, 16));
  assert.deepEqual(v.subarray(16), sha256(KEY).subarray(0, 20));
});
