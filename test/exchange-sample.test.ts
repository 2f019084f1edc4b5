// The official auth-key sample (core.telegram.org/mtproto/samples-auth_key, revision of 2025-01-03,
// [tg.samples_auth_key.rev2025] in test/vectors/VECTORS.md): every message decoded with our TL codec,
// the handshake's KDF and envelopes reproduced, and our client driven through the whole exchange with the
// sample's server messages and the sample's randomness (nonce, new_nonce, b, padding) injected.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aesIgeDecrypt } from '../bindings/aes.ts';
import { sha1 } from '../bindings/sha.ts';
import { bigintFromBytes } from '../src/crypto/bytes.ts';
import { authKeyAuxHash, authKeyId, initialServerSalt, newNonceHash, tmpAesKeyIv } from '../src/crypto/kdf.ts';
import { rsaFingerprint } from '../src/crypto/rsa.ts';
import { SecurityError } from '../src/errors.ts';
import { AuthKeyExchangeClient } from '../src/session/exchange/client.ts';
import { encryptWithHash, int64le, type RandomPurpose } from '../src/session/exchange/shared.ts';
import { readTlPrefix } from '../src/session/exchange/tl-prefix.ts';
import { packUnencrypted, unpackUnencrypted } from '../src/session/exchange/unencrypted.ts';
import { deserialize, serialize } from '../src/tl/codec.ts';
import { bytesOf, intOf, vectorSet } from './helpers/vectors.ts';

const s = vectorSet('tg.samples_auth_key.rev2025');
const prod = vectorSet('rsa.prod');
const prodKey = (() => {
  const n = bigintFromBytes(bytesOf(prod, 'n'));
  const e = intOf(prod, 'e');
  return { n, e, fingerprint: rsaFingerprint(n, e) };
})();

function body(name: string): Uint8Array {
  return unpackUnencrypted(bytesOf(s, name)).body;
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const decode = (name: string) => deserialize(body(name)) as any;

test('sample: every message is an unencrypted message; client msg_ids ≡ 0, server ≡ 1 (mod 4); bodies re-encode byte for byte', () => {
  const client = ['msg_req_pq_multi', 'msg_req_DH_params', 'msg_set_client_DH_params'];
  const server = ['msg_res_pq', 'msg_server_DH_params_ok', 'msg_dh_gen_ok'];
  for (const name of [...client, ...server]) {
    const raw = bytesOf(s, name);
    const { msgId, body } = unpackUnencrypted(raw);
    assert.equal(body.length, raw.length - 20, `${name}: length field covers the body exactly`);
    assert.equal(Number(msgId & 3n), client.includes(name) ? 0 : 1, `${name} msg_id parity`);
    assert.deepEqual(serialize(deserialize(body) as never), body, `${name} re-encodes identically`);
    assert.deepEqual(packUnencrypted(body, msgId), raw, `${name} re-wraps identically`);
  }
});

test('sample: decoded fields', () => {
  const nonce = bytesOf(s, 'nonce');
  const serverNonce = bytesOf(s, 'server_nonce');
  const req = decode('msg_req_pq_multi');
  assert.equal(req._, 'req_pq_multi');
  assert.deepEqual(req.nonce, nonce);

  const res = decode('msg_res_pq');
  assert.equal(res._, 'resPQ');
  assert.deepEqual(res.nonce, nonce);
  assert.deepEqual(res.serverNonce, serverNonce);
  assert.deepEqual(res.pq, bytesOf(s, 'pq_bytes'));
  assert.equal(bigintFromBytes(res.pq), intOf(s, 'pq'));
  assert.deepEqual(res.serverPublicKeyFingerprints, ['fingerprint_0', 'fingerprint_1', 'fingerprint_2'].map((k) => int64le(bytesOf(s, k))));
  assert.equal(res.serverPublicKeyFingerprints[0], prodKey.fingerprint, 'the production key is offered first');

  const dh = decode('msg_req_DH_params');
  assert.equal(dh._, 'req_DH_params');
  assert.deepEqual([dh.nonce, dh.serverNonce], [nonce, serverNonce]);
  assert.equal(bigintFromBytes(dh.p), intOf(s, 'p'));
  assert.equal(bigintFromBytes(dh.q), intOf(s, 'q'));
  assert.equal(dh.publicKeyFingerprint, int64le(bytesOf(s, 'chosen_fingerprint')));
  assert.deepEqual(dh.encryptedData, bytesOf(s, 'rsa_pad_encrypted_data'));

  const inner = deserialize(bytesOf(s, 'p_q_inner_data_dc')) as ReturnType<typeof decode>;
  assert.equal(inner._, 'p_q_inner_data_dc');
  assert.deepEqual([inner.nonce, inner.serverNonce, inner.newNonce, inner.dc], [nonce, serverNonce, bytesOf(s, 'new_nonce'), 2]);
  assert.deepEqual([inner.pq, inner.p, inner.q], [res.pq, dh.p, dh.q]);

  const ok = decode('msg_server_DH_params_ok');
  assert.equal(ok._, 'server_DH_params_ok');
  assert.deepEqual([ok.nonce, ok.serverNonce, ok.encryptedAnswer], [nonce, serverNonce, bytesOf(s, 'encrypted_answer')]);

  const set = decode('msg_set_client_DH_params');
  assert.equal(set._, 'set_client_DH_params');
  assert.deepEqual([set.nonce, set.serverNonce, set.encryptedData], [nonce, serverNonce, bytesOf(s, 'set_client_DH_params_encrypted_data')]);

  const gen = decode('msg_dh_gen_ok');
  assert.equal(gen._, 'dh_gen_ok');
  assert.deepEqual([gen.nonce, gen.serverNonce, gen.newNonceHash1], [nonce, serverNonce, bytesOf(s, 'new_nonce_hash1')]);
});

test('sample: tmp_aes_key/iv, the decrypted answer, its SHA-1 over exactly the parsed bytes', () => {
  const { key, iv } = tmpAesKeyIv(bytesOf(s, 'new_nonce'), bytesOf(s, 'server_nonce'));
  assert.deepEqual(key, bytesOf(s, 'tmp_aes_key'));
  assert.deepEqual(iv, bytesOf(s, 'tmp_aes_iv'));
  const answerWithHash = aesIgeDecrypt(bytesOf(s, 'encrypted_answer'), key, iv);
  assert.deepEqual(answerWithHash, bytesOf(s, 'answer_with_hash'));
  const answer = bytesOf(s, 'server_DH_inner_data');
  const { value, length } = readTlPrefix(answerWithHash.subarray(20));
  assert.equal(length, answer.length, 'the parser stops where server_DH_inner_data ends');
  assert.ok(answerWithHash.length - 20 - length < 16, 'padding under 16 bytes');
  assert.deepEqual(sha1(answerWithHash.subarray(20, 20 + length)), answerWithHash.subarray(0, 20));
  const inner = value as ReturnType<typeof decode>;
  assert.equal(inner._, 'server_DH_inner_data');
  assert.equal(inner.g, Number(intOf(s, 'g')));
  assert.deepEqual(inner.dhPrime, bytesOf(s, 'dh_prime'));
  assert.deepEqual(inner.gA, bytesOf(s, 'g_a'));
  assert.equal(inner.serverTime, Number(intOf(s, 'server_time')));
});

test('sample: client_DH_inner_data encryption with the published padding; auth key hashes and salt', () => {
  const { key, iv } = tmpAesKeyIv(bytesOf(s, 'new_nonce'), bytesOf(s, 'server_nonce'));
  const data = bytesOf(s, 'client_DH_inner_data');
  const padding = bytesOf(s, 'client_DH_inner_data_padding');
  const encrypted = encryptWithHash(data, key, iv, (n, purpose) => {
    assert.equal(purpose, 'padding');
    assert.equal(n, padding.length);
    return padding;
  });
  assert.deepEqual(encrypted, bytesOf(s, 'set_client_DH_params_encrypted_data'));

  const authKey = bytesOf(s, 'auth_key');
  const newNonce = bytesOf(s, 'new_nonce');
  assert.deepEqual(authKeyId(authKey), bytesOf(s, 'auth_key_id'));
  assert.deepEqual(authKeyAuxHash(authKey), bytesOf(s, 'auth_key_aux_hash'));
  assert.deepEqual(newNonceHash(newNonce, 1, authKey), bytesOf(s, 'new_nonce_hash1'));
  assert.deepEqual(newNonceHash(newNonce, 2, authKey), bytesOf(s, 'new_nonce_hash2'));
  assert.deepEqual(newNonceHash(newNonce, 3, authKey), bytesOf(s, 'new_nonce_hash3'));
  assert.deepEqual(initialServerSalt(newNonce, bytesOf(s, 'server_nonce')), bytesOf(s, 'server_salt'));
  assert.equal(int64le(bytesOf(s, 'server_salt')), intOf(s, 'server_salt_int64'));
});

/** Randomness the sample used, by purpose; RSA_PAD's temp_key was never published, so any bytes do there. */
function sampleRandom(): (n: number, purpose: RandomPurpose) => Uint8Array {
  const values: Partial<Record<RandomPurpose, Uint8Array>> = {
    nonce: bytesOf(s, 'nonce'),
    new_nonce: bytesOf(s, 'new_nonce'),
    b: bytesOf(s, 'b'),
    padding: bytesOf(s, 'client_DH_inner_data_padding'),
  };
  return (n, purpose) => {
    if (purpose === 'rsa_pad') return crypto.getRandomValues(new Uint8Array(n));
    const v = values[purpose];
    assert.ok(v && v.length === n, `the sample has ${purpose} of ${n} bytes`);
    return v;
  };
}

function sampleClient(skewSeconds = 0) {
  const serverTime = Number(intOf(s, 'server_time'));
  return new AuthKeyExchangeClient({ publicKeys: [prodKey], dcId: 2, random: sampleRandom(), now: () => (serverTime - skewSeconds) * 1000 + 250 });
}

test('sample: our client, fed the sample server messages, sends the sample client messages and derives the sample auth key', () => {
  const client = sampleClient(7);
  assert.deepEqual(client.begin(), body('msg_req_pq_multi'));

  const step2 = client.receive(body('msg_res_pq'));
  assert.equal(step2.kind, 'send');
  const ours = deserialize(step2.kind === 'send' ? step2.body : new Uint8Array()) as ReturnType<typeof decode>;
  const theirs = decode('msg_req_DH_params');
  assert.deepEqual([ours.nonce, ours.serverNonce, ours.p, ours.q, ours.publicKeyFingerprint], [theirs.nonce, theirs.serverNonce, theirs.p, theirs.q, theirs.publicKeyFingerprint]);
  assert.equal(ours.encryptedData.length, 256);
  assert.deepEqual(client.pqInnerData, bytesOf(s, 'p_q_inner_data_dc'), 'the RSA-encrypted p_q_inner_data_dc is the sample\'s');

  const step3 = client.receive(body('msg_server_DH_params_ok'));
  assert.equal(step3.kind, 'send');
  assert.deepEqual(step3.kind === 'send' && step3.body, body('msg_set_client_DH_params'), 'set_client_DH_params byte for byte');

  const done = client.receive(body('msg_dh_gen_ok'));
  assert.equal(done.kind, 'done');
  if (done.kind !== 'done') return;
  assert.deepEqual(done.key.authKey, bytesOf(s, 'auth_key'));
  assert.deepEqual(done.key.authKeyId, bytesOf(s, 'auth_key_id'));
  assert.deepEqual(done.key.serverSalt, bytesOf(s, 'server_salt'));
  assert.equal(done.key.timeOffset, 7);
  assert.equal(done.key.expiresAt, undefined);
});

test('sample: one flipped bit in any server message makes the client fail with the right check', () => {
  const flip = (bytes: Uint8Array, at: number) => {
    const out = bytes.slice();
    out[at < 0 ? out.length + at : at] ^= 1;
    return out;
  };
  const cases: Array<[string, number, string]> = [
    ['msg_res_pq', 4, 'nonce'], // resPQ.nonce
    ['msg_server_DH_params_ok', 4, 'nonce'],
    ['msg_server_DH_params_ok', 20, 'server_nonce'],
    ['msg_server_DH_params_ok', 60, 'answer'], // IGE garbles every block from here: no server_DH_inner_data inside
    ['msg_server_DH_params_ok', -1, 'answer_hash'], // only the last block (server_time and padding) changes
    ['msg_dh_gen_ok', 20, 'server_nonce'],
    ['msg_dh_gen_ok', 36, 'new_nonce_hash'],
  ];
  const order = ['msg_res_pq', 'msg_server_DH_params_ok', 'msg_dh_gen_ok'];
  for (const [message, at, check] of cases) {
    const client = sampleClient();
    client.begin();
    for (const name of order) {
      if (name === message) {
        assert.throws(() => client.receive(flip(body(name), at)), (e: unknown) => e instanceof SecurityError && e.check === check, `${message}[${at}] → ${check}`);
        break;
      }
      client.receive(body(name));
    }
  }
});
