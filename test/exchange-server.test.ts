// The server half on its own, in process: every p_q_inner_data variant under RSA_PAD and the legacy
// scheme, TDLib-style messages (msg_id = 0, random bytes after the body), and hostile requests — each
// refused with a typed error naming the check, never a crash; refused state is not kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { factorizePQ, modPow } from '../bindings/bigint.ts';
import { bigintFromBytes, bigintToBytes, randomBytes } from '../src/crypto/bytes.ts';
import { authKeyId, newNonceHash, tmpAesKeyIv } from '../src/crypto/kdf.ts';
import { rsaLegacyEncrypt, rsaPadEncrypt } from '../src/crypto/rsa-pad.ts';
import { MtprotoError, SecurityError } from '../src/errors.ts';
import { AuthKeyServer, type CreatedAuthKey } from '../src/session/exchange/server.ts';
import { decryptWithHash, encryptWithHash, secureRandom } from '../src/session/exchange/shared.ts';
import { packUnencrypted, unpackUnencrypted } from '../src/session/exchange/unencrypted.ts';
import { deserialize, serialize } from '../src/tl/codec.ts';
import { publicHalf, serverKey } from './helpers/exchange.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;
const INNER = ['p_q_inner_data', 'p_q_inner_data_dc', 'p_q_inner_data_temp', 'p_q_inner_data_temp_dc'] as const;

function makeServer(extra: { now?: () => number; pendingTtlMs?: number; maxPending?: number } = {}) {
  const created: CreatedAuthKey[] = [];
  const server = new AuthKeyServer({ privateKey: serverKey(), onAuthKey: (k) => created.push(k), ...extra });
  return { server, created };
}

/** A hand-driven client, so every variant and every tampering point is reachable. */
function manual(server: AuthKeyServer, inner: (typeof INNER)[number], scheme: 'rsa_pad' | 'legacy', tamper: { innerData?: (o: Any) => Any; reqDh?: (o: Any) => Any; clientInner?: (o: Any) => Any } = {}) {
  const nonce = randomBytes(16);
  const res = deserialize(server.handleBody(serialize({ _: 'req_pq_multi', nonce }))) as Any;
  assert.equal(res._, 'resPQ');
  const [p, q] = factorizePQ(bigintFromBytes(res.pq));
  assert.ok(p < q && p * q < 1n << 63n);
  const newNonce = randomBytes(32);
  let data: Any = { _: inner, pq: res.pq, p: bigintToBytes(p), q: bigintToBytes(q), nonce, serverNonce: res.serverNonce, newNonce };
  if (inner.endsWith('dc')) data.dc = -10002;
  if (inner.includes('temp')) data.expiresIn = 86400;
  data = tamper.innerData?.(data) ?? data;
  const bytes = serialize(data);
  const key = publicHalf(serverKey());
  const encryptedData = scheme === 'legacy' ? rsaLegacyEncrypt(bytes, key) : rsaPadEncrypt(bytes, key);
  let reqDh: Any = { _: 'req_DH_params', nonce, serverNonce: res.serverNonce, p: bigintToBytes(p), q: bigintToBytes(q), publicKeyFingerprint: key.fingerprint, encryptedData };
  reqDh = tamper.reqDh?.(reqDh) ?? reqDh;
  const ok = deserialize(server.handleBody(serialize(reqDh))) as Any;
  assert.equal(ok._, 'server_DH_params_ok');
  const { key: tmpKey, iv: tmpIv } = tmpAesKeyIv(newNonce, res.serverNonce);
  const dh = decryptWithHash(ok.encryptedAnswer, tmpKey, tmpIv, ['server_DH_inner_data'], 'answer') as Any;
  const prime = bigintFromBytes(dh.dhPrime);
  const b = bigintFromBytes(randomBytes(256));
  let clientInner: Any = { _: 'client_DH_inner_data', nonce, serverNonce: res.serverNonce, retryId: 0n, gB: bigintToBytes(modPow(BigInt(dh.g), b, prime), 256) };
  clientInner = tamper.clientInner?.(clientInner) ?? clientInner;
  const set = serialize({ _: 'set_client_DH_params', nonce, serverNonce: res.serverNonce, encryptedData: encryptWithHash(serialize(clientInner), tmpKey, tmpIv, secureRandom) });
  const answer = deserialize(server.handleBody(set)) as Any;
  const authKey = bigintToBytes(modPow(bigintFromBytes(dh.gA), b, prime), 256);
  return { answer, authKey, newNonce, set };
}

for (const inner of INNER) {
  for (const scheme of ['rsa_pad', 'legacy'] as const) {
    test(`server accepts ${inner} under ${scheme}`, () => {
      const { server, created } = makeServer();
      const { answer, authKey, newNonce } = manual(server, inner, scheme);
      assert.equal(answer._, 'dh_gen_ok');
      assert.deepEqual(answer.newNonceHash1, newNonceHash(newNonce, 1, authKey));
      assert.equal(created.length, 1);
      const k = created[0];
      assert.deepEqual(k.authKey, authKey);
      assert.deepEqual(k.authKeyId, authKeyId(authKey));
      assert.equal(k.innerData, inner);
      assert.equal(k.rsaScheme, scheme);
      assert.equal(k.temp, inner.includes('temp'));
      assert.equal(k.dcId, inner.endsWith('dc') ? -10002 : undefined);
      assert.equal(k.expiresAt !== undefined, inner.includes('temp'));
      assert.equal(server.pendingCount, 0);
    });
  }
}

test('server: msg_id = 0 and random bytes after the body (as TDLib sends) are accepted; answers have msg_id ≡ 1 mod 4', () => {
  const { server } = makeServer();
  const body = serialize({ _: 'req_pq_multi', nonce: randomBytes(16) });
  const message = new Uint8Array([...packUnencrypted(body, 0n), ...randomBytes(13)]);
  const answer = unpackUnencrypted(server.handle(message));
  assert.equal(answer.msgId & 3n, 1n);
  assert.equal((deserialize(answer.body) as Any)._, 'resPQ');
  const second = unpackUnencrypted(server.handle(message));
  assert.ok(second.msgId > answer.msgId, 'msg_ids increase');
});

function rejects(check: string, run: () => unknown): void {
  assert.throws(run, (e: unknown) => {
    assert.ok(e instanceof SecurityError, `expected SecurityError(${check}), got ${String(e)}`);
    assert.equal(e.check, check, e.message);
    return true;
  });
}

test('server: hostile requests are typed errors naming the check', () => {
  const { server, created } = makeServer();
  rejects('message', () => server.handle(new Uint8Array(12)));
  rejects('message', () => server.handle(packUnencrypted(new Uint8Array(8), 1n).slice(0, 24))); // length field beyond the data
  rejects('request', () => server.handleBody(Uint8Array.of(1, 2, 3, 4)));
  rejects('request', () => server.handleBody(serialize({ _: 'ping', pingId: 1n })));
  rejects('server_nonce', () => server.handleBody(serialize({ _: 'req_DH_params', nonce: randomBytes(16), serverNonce: randomBytes(16), p: Uint8Array.of(1), q: Uint8Array.of(1), publicKeyFingerprint: 1n, encryptedData: new Uint8Array(256) })));
  rejects('pq', () => manual(server, 'p_q_inner_data_dc', 'rsa_pad', { reqDh: (o) => ({ ...o, p: o.q, q: o.p }) }));
  rejects('fingerprint', () => manual(server, 'p_q_inner_data_dc', 'rsa_pad', { reqDh: (o) => ({ ...o, publicKeyFingerprint: o.publicKeyFingerprint ^ 1n }) }));
  rejects('encrypted_data', () => manual(server, 'p_q_inner_data_dc', 'rsa_pad', { reqDh: (o) => ({ ...o, encryptedData: randomBytes(255) }) }));
  rejects('nonce', () => manual(server, 'p_q_inner_data_dc', 'rsa_pad', { innerData: (o) => ({ ...o, nonce: randomBytes(16) }) }));
  rejects('server_nonce', () => manual(server, 'p_q_inner_data_dc', 'legacy', { innerData: (o) => ({ ...o, serverNonce: randomBytes(16) }) }));
  rejects('pq', () => manual(server, 'p_q_inner_data', 'rsa_pad', { innerData: (o) => ({ ...o, pq: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8) }) }));
  rejects('expires_in', () => manual(server, 'p_q_inner_data_temp_dc', 'rsa_pad', { innerData: (o) => ({ ...o, expiresIn: 0 }) }));
  rejects('encrypted_data', () => manual(server, 'p_q_inner_data_dc', 'rsa_pad', { innerData: () => ({ _: 'req_pq_multi', nonce: randomBytes(16) }) }));
  rejects('g_b', () => manual(server, 'p_q_inner_data_dc', 'rsa_pad', { clientInner: (o) => ({ ...o, gB: bigintToBytes(2n) }) }));
  rejects('retry_id', () => manual(server, 'p_q_inner_data_dc', 'rsa_pad', { clientInner: (o) => ({ ...o, retryId: 5n }) }));
  rejects('nonce', () => manual(server, 'p_q_inner_data_dc', 'rsa_pad', { clientInner: (o) => ({ ...o, nonce: randomBytes(16) }) }));
  assert.equal(created.length, 0, 'no key from a refused exchange');
});

test('server: a replayed set_client_DH_params finds no exchange; a replayed req_DH_params is out of order', () => {
  const { server } = makeServer();
  const { set } = manual(server, 'p_q_inner_data_dc', 'rsa_pad');
  rejects('server_nonce', () => server.handleBody(set));
  let replay: Uint8Array | undefined;
  manual(server, 'p_q_inner_data_dc', 'rsa_pad', {
    reqDh: (o) => ((replay = serialize(o)), o),
    clientInner: (o) => (rejects('state', () => server.handleBody(replay!)), o), // mid-exchange: out of order
  });
  rejects('server_nonce', () => server.handleBody(replay!)); // the exchange completed: forgotten
});

test('server: unfinished exchanges expire after the TTL and are capped in number', () => {
  let now = 1_700_000_000_000;
  const { server } = makeServer({ now: () => now, pendingTtlMs: 1000, maxPending: 5 });
  for (let i = 0; i < 8; i++) server.handleBody(serialize({ _: 'req_pq_multi', nonce: randomBytes(16) }));
  assert.equal(server.pendingCount, 5);
  now += 2000;
  server.handleBody(serialize({ _: 'req_pq_multi', nonce: randomBytes(16) }));
  assert.equal(server.pendingCount, 1);
});

test('server: construction refuses bad DH parameters', () => {
  assert.throws(() => new AuthKeyServer({ privateKey: serverKey(), g: 2 }), (e: unknown) => e instanceof SecurityError && e.check === 'dh_g');
  assert.throws(() => new AuthKeyServer({ privateKey: [] }), RangeError);
  assert.ok(new MtprotoError('x') instanceof Error);
});
