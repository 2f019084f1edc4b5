// Protocol crypto built from the primitives: RSA keys and fingerprints, RSA_PAD, DH checks, KDFs.
// Known answers come from test/vectors/VECTORS.md; RSA is cross-checked against node:crypto.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { constants, generateKeyPairSync, privateDecrypt, publicEncrypt } from 'node:crypto';
import { bigintFromBytes, bigintToBytes, concatBytes, constantTimeEqual } from '../src/crypto/bytes.ts';
import { parsePrivateKeyPem, parsePublicKeyPem, publicKeyToPem, rsaFingerprint } from '../src/crypto/rsa.ts';
import { rsaDecrypt, rsaLegacyEncrypt, rsaPadEncrypt } from '../src/crypto/rsa-pad.ts';
import { checkDhGenerator, checkDhParams, checkDhPrime, checkDhPublicValue, TELEGRAM_DH_PRIME } from '../src/crypto/dh.ts';
import { isProbablePrime } from '../src/crypto/primes.ts';
import { authKeyAuxHash, authKeyId, initialServerSalt, messageAesKeyIv, messageKey, newNonceHash, tmpAesKeyIv } from '../src/crypto/kdf.ts';
import { SecurityError } from '../src/errors.ts';
import { modPow } from '../bindings/bigint.ts';
import { bytesOf, intOf, toHex, vectorSet } from './helpers/vectors.ts';

const sample = vectorSet('tg.samples_auth_key.rev2025');

test('Telegram key fingerprints (production and test DC keys)', () => {
  for (const name of ['rsa.prod', 'rsa.test']) {
    const v = vectorSet(name);
    const fp = rsaFingerprint(bigintFromBytes(bytesOf(v, 'n')), intOf(v, 'e'));
    assert.equal(fp, intOf(v, 'fingerprint_int64'), name);
  }
});

test('PEM: PKCS#1, PKCS#8 and SPKI keys from node:crypto read back with the same numbers', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = privateKey.export({ format: 'jwk' });
  const b64 = (s: string) => bigintFromBytes(Buffer.from(s, 'base64url'));
  const n = b64(jwk.n!), e = b64(jwk.e!), d = b64(jwk.d!);
  for (const type of ['pkcs1', 'pkcs8'] as const) {
    const key = parsePrivateKeyPem(privateKey.export({ format: 'pem', type }) as string);
    assert.equal(key.n, n); assert.equal(key.e, e); assert.equal(key.d, d);
    assert.equal(key.fingerprint, rsaFingerprint(n, e));
  }
  for (const type of ['pkcs1', 'spki'] as const) {
    const key = parsePublicKeyPem(publicKey.export({ format: 'pem', type }) as string);
    assert.equal(key.n, n); assert.equal(key.e, e);
  }
  // Our PKCS#1 export is what node:crypto exports, byte for byte.
  assert.equal(publicKeyToPem({ n, e }), publicKey.export({ format: 'pem', type: 'pkcs1' }));
});

test('PEM: malformed input is a SecurityError naming the problem', () => {
  assert.throws(() => parsePublicKeyPem('hello'), (e: unknown) => e instanceof SecurityError && /no PEM block/.test(e.message));
  assert.throws(
    () => parsePublicKeyPem('-----BEGIN RSA PUBLIC KEY-----\nMIIBCgKCAQEA\n-----END RSA PUBLIC KEY-----'),
    (e: unknown) => e instanceof SecurityError && /malformed DER/.test(e.message),
  );
});

test('RSA_PAD: our server decrypts our client, and the raw RSA step matches node:crypto', () => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ format: 'pem', type: 'pkcs1' }) as string;
  const key = parsePrivateKeyPem(pem);
  const data = bytesOf(sample, 'p_q_inner_data_dc');
  const encrypted = rsaPadEncrypt(data, key);
  assert.equal(encrypted.length, 256);
  const decrypted = rsaDecrypt(encrypted, key);
  assert.equal(decrypted.scheme, 'rsa_pad');
  assert.deepEqual(decrypted.scheme === 'rsa_pad' && decrypted.dataWithPadding.subarray(0, data.length), data);
  // node:crypto's raw RSA (no padding) must see the same key_aes_encrypted block our modPow produced.
  const raw = privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, encrypted);
  assert.deepEqual(bigintToBytes(modPow(bigintFromBytes(encrypted), key.d, key.n), 256), new Uint8Array(raw));
  const viaNode = publicEncrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, raw);
  assert.deepEqual(new Uint8Array(viaNode), encrypted);
});

test('RSA legacy scheme round trip, and garbage is rejected', () => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const key = parsePrivateKeyPem(privateKey.export({ format: 'pem', type: 'pkcs1' }) as string);
  const data = new Uint8Array(96).fill(7);
  const out = rsaDecrypt(rsaLegacyEncrypt(data, key), key);
  assert.equal(out.scheme, 'legacy');
  assert.deepEqual(out.scheme === 'legacy' && out.withHash.subarray(20, 116), data);
  assert.throws(() => rsaPadEncrypt(new Uint8Array(145), key), RangeError);
  assert.throws(() => rsaDecrypt(bigintToBytes(key.n + 1n, 257), key), SecurityError);
});

test('handshake KDFs reproduce the official auth-key sample', () => {
  const newNonce = bytesOf(sample, 'new_nonce');
  const serverNonce = bytesOf(sample, 'server_nonce');
  const { key, iv } = tmpAesKeyIv(newNonce, serverNonce);
  assert.equal(toHex(key), toHex(bytesOf(sample, 'tmp_aes_key')));
  assert.equal(toHex(iv), toHex(bytesOf(sample, 'tmp_aes_iv')));
  const authKey = bytesOf(sample, 'auth_key');
  assert.equal(toHex(authKeyId(authKey)), toHex(bytesOf(sample, 'auth_key_id')));
  assert.equal(toHex(authKeyAuxHash(authKey)), toHex(bytesOf(sample, 'auth_key_aux_hash')));
  assert.equal(toHex(newNonceHash(newNonce, 1, authKey)), toHex(bytesOf(sample, 'new_nonce_hash1')));
  assert.equal(toHex(newNonceHash(newNonce, 2, authKey)), toHex(bytesOf(sample, 'new_nonce_hash2')));
  assert.equal(toHex(newNonceHash(newNonce, 3, authKey)), toHex(bytesOf(sample, 'new_nonce_hash3')));
  assert.equal(toHex(initialServerSalt(newNonce, serverNonce)), toHex(bytesOf(sample, 'server_salt')));
});

test('MTProto 2.0 message KDF and msg_key (mtcute vectors)', () => {
  const kdf = vectorSet('kdf2.mtcute');
  const authKey = bytesOf(kdf, 'auth_key');
  const msgKey = bytesOf(kdf, 'msg_key');
  const client = messageAesKeyIv(authKey, msgKey, 0);
  const server = messageAesKeyIv(authKey, msgKey, 8);
  assert.equal(toHex(client.key), toHex(bytesOf(kdf, 'client_aes_key')));
  assert.equal(toHex(client.iv), toHex(bytesOf(kdf, 'client_aes_iv')));
  assert.equal(toHex(server.key), toHex(bytesOf(kdf, 'server_aes_key')));
  assert.equal(toHex(server.iv), toHex(bytesOf(kdf, 'server_aes_iv')));
  const enc = vectorSet('encrypt.mtcute_client');
  assert.equal(toHex(messageKey(bytesOf(enc, 'auth_key'), bytesOf(enc, 'plaintext'), 0)), toHex(bytesOf(enc, 'msg_key')));
});

test('DH checks: Telegram prime and the sample g_a pass; g = 2, out-of-range values, non-safe primes fail', () => {
  const gA = bigintFromBytes(bytesOf(sample, 'g_a'));
  assert.equal(bigintFromBytes(bytesOf(sample, 'dh_prime')), TELEGRAM_DH_PRIME);
  checkDhParams(3, TELEGRAM_DH_PRIME, gA);
  const named = (check: string) => (e: unknown) => e instanceof SecurityError && e.check === check;
  assert.throws(() => checkDhGenerator(2, TELEGRAM_DH_PRIME), named('dh_g')); // p mod 8 = 3
  assert.throws(() => checkDhGenerator(5, TELEGRAM_DH_PRIME), named('dh_g'));
  assert.throws(() => checkDhGenerator(8, TELEGRAM_DH_PRIME), named('dh_g'));
  for (const bad of [0n, 1n, 2n, 1n << 1984n, TELEGRAM_DH_PRIME - 1n, TELEGRAM_DH_PRIME - (1n << 1984n), TELEGRAM_DH_PRIME + 5n]) {
    assert.throws(() => checkDhPublicValue('g_a', bad, TELEGRAM_DH_PRIME), named('g_a'));
  }
  assert.throws(() => checkDhPrime(TELEGRAM_DH_PRIME + 2n), named('dh_prime')); // not a safe prime
  assert.throws(() => checkDhPrime(TELEGRAM_DH_PRIME >> 1n), named('dh_prime')); // too short
});

test('Miller–Rabin: primes, composites and Carmichael numbers', () => {
  for (const p of [2n, 3n, 1000000007n, 2n ** 61n - 1n, 2n ** 127n - 1n]) assert.equal(isProbablePrime(p), true, String(p));
  for (const c of [0n, 1n, 4n, 561n, 41041n, 825265n, 3825123056546413051n, (2n ** 61n - 1n) * (2n ** 31n - 1n)]) {
    assert.equal(isProbablePrime(c), false, String(c));
  }
});

test('constant-time comparison', () => {
  assert.equal(constantTimeEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 2)), true);
  assert.equal(constantTimeEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 3)), false);
  assert.equal(constantTimeEqual(Uint8Array.of(1), Uint8Array.of(1, 2)), false);
  assert.equal(concatBytes().length, 0);
});

test('RSA keys MTProto cannot use safely are refused', () => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
  assert.throws(() => parsePrivateKeyPem(privateKey.export({ format: 'pem', type: 'pkcs1' }) as string), (e: unknown) => e instanceof SecurityError && /2048 bits/.test(e.message));
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = publicKey.export({ format: 'jwk' });
  const n = bigintFromBytes(Buffer.from(jwk.n!, 'base64url'));
  for (const [badN, badE, why] of [[n, 1n, /exponent/], [n, 65538n, /exponent/], [n + 1n, 65537n, /even/]] as const) {
    assert.throws(() => parsePublicKeyPem(publicKeyToPem({ n: badN, e: badE })), (e: unknown) => e instanceof SecurityError && why.test(e.message));
  }
});

test('PEM: a BEGIN without its END, and non-base64 bodies, are SecurityErrors', () => {
  assert.throws(() => parsePublicKeyPem('-----BEGIN A-----'.repeat(20000)), (e: unknown) => e instanceof SecurityError && /END A/.test(e.message));
  assert.throws(() => parsePublicKeyPem('-----BEGIN RSA PUBLIC KEY-----\n@@@@\n-----END RSA PUBLIC KEY-----'), (e: unknown) => e instanceof SecurityError && /base64/.test(e.message));
});

test('in-place entry points cannot reach beyond the IO buffer and the arena', async () => {
  const { factorizePQInPlace } = await import('../bindings/bigint.ts');
  const { messageArena } = await import('../bindings/message.ts');
  for (const bad of [0, 1, -8, 1.5, undefined as unknown as number]) assert.throws(() => factorizePQInPlace(bad), RangeError);
  const arena = messageArena();
  assert.equal(arena.view.length, arena.offset + arena.length, 'the arena view ends where the arena ends');
});
