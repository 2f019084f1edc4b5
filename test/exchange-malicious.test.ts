// A malicious server: our AuthKeyServer with tampering hooks, over a real socket. Each misbehaviour must
// make our client fail with exactly the SecurityError naming the check (never a hang: every exchange
// has a timeout, and the test a harder one).
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { bigintFromBytes, bigintToBytes } from '../src/crypto/bytes.ts';
import { TELEGRAM_DH_PRIME } from '../src/crypto/dh.ts';
import { SecurityError, TransportError } from '../src/errors.ts';
import { TransportListener } from '../src/server/listener.ts';
import { handshakeService } from '../src/server/handshake-service.ts';
import { createAuthKey, type AuthKeyExchangeOptions } from '../src/session/exchange/client.ts';
import { AuthKeyServer, type AuthKeyServerHooks, type CreatedAuthKey } from '../src/session/exchange/server.ts';
import { ExchangeFailedError } from '../src/session/exchange/shared.ts';
import { connectTransport } from '../src/transport/connect.ts';
import type { ServerConnection } from '../src/server/listener.ts';
import { publicHalf, serverKey, withTimeout } from './helpers/exchange.ts';

/** RFC 5114 §2.3 "2048-bit MODP Group with 256-bit Prime Order Subgroup": prime, but (p − 1)/2 is not. */
const RFC5114_P = BigInt(
  '0x87A8E61DB4B6663CFFBBD19C651959998CEEF608660DD0F25D2CEED4435E3B00E00DF8F1D61957D4FAF7DF4561B2AA3016C3D91134096FAA3BF4296D830E9A7C209E0C6497517ABD5A8A9D306BCF67ED91F9E6725B4758C022E0B1EF4275BF7B6C5BFC11D45F9088B941F54EB1E59BB8BC39A0BF12307F5C4FDB70C581B23F76B63ACAE1CAA6B7902D52526735488A0EF13C6D9A51BFA4AB3AD8347796524D8EF6A167B5A41825D967E144E514056425' +
    '1CCACB83E6B486F6B3CA3F7971506026C0B857F689962856DED4010ABD0BE621C3A3960A54E710C375F26375D7014103A4B54330C198AF126116D2276E11715F693877FAD7EF09CADB094AE91E1A1597',
);
const P = TELEGRAM_DH_PRIME;
const MARGIN = 1n << 1984n;

let listener: TransportListener;
let handle: (connection: ServerConnection) => void = () => undefined;
let created: CreatedAuthKey[] = [];

before(async () => {
  listener = await TransportListener.listen({ port: 0 }, (connection) => handle(connection));
});
after(() => listener.close());

function flip(bytes: Uint8Array, at = 0): Uint8Array {
  const out = bytes.slice();
  out[at] ^= 0x01;
  return out;
}

async function runAgainst(hooks: AuthKeyServerHooks, client: Partial<AuthKeyExchangeOptions> = {}) {
  created = [];
  const authKeys = new AuthKeyServer({ privateKey: serverKey(), hooks, onAuthKey: (k) => created.push(k) });
  handle = handshakeService({ authKeys });
  const transport = await connectTransport({ host: '127.0.0.1', port: listener.port, carrier: 'tcp', codec: 'intermediate' });
  let closed = false;
  const exchange = createAuthKey(transport, { publicKeys: [publicHalf(serverKey())], dcId: 2, timeoutMs: 5_000, ...client });
  const original = transport.onClose;
  transport.onClose = (e) => ((closed = true), original?.(e));
  try {
    const key = await withTimeout(exchange, 15_000, 'exchange');
    transport.close();
    return key;
  } catch (error) {
    assert.ok(closed, 'the client closes the connection after a failure');
    throw error;
  }
}

async function expectCheck(check: string, hooks: AuthKeyServerHooks, client: Partial<AuthKeyExchangeOptions> = {}): Promise<void> {
  await assert.rejects(runAgainst(hooks, client), (e: unknown) => {
    assert.ok(e instanceof SecurityError, `expected SecurityError(${check}), got ${String(e)}`);
    assert.equal(e.check, check, e.message);
    return true;
  });
}

const cases: Array<[string, string, AuthKeyServerHooks]> = [
  ['resPQ with a wrong nonce', 'nonce', { resPQ: (a) => ({ ...a, nonce: flip(a.nonce) }) }],
  ['resPQ offering only an unknown key fingerprint', 'fingerprint', { resPQ: (a) => ({ ...a, serverPublicKeyFingerprints: [123456789n, -1n] }) }],
  ['resPQ with a prime pq', 'pq', { resPQ: (a) => ({ ...a, pq: bigintToBytes(2305843009213693951n) }) }], // 2^61 − 1
  ['resPQ with pq = a prime squared', 'pq', { resPQ: (a) => ({ ...a, pq: bigintToBytes(1073741827n * 1073741827n) }) }],
  ['resPQ with pq of 9 bytes', 'pq', { resPQ: (a) => ({ ...a, pq: bigintToBytes((1n << 64n) + 13n) }) }],
  ['server_DH_params_ok with a wrong nonce', 'nonce', { serverDhParams: (a) => ({ ...a, nonce: flip(a.nonce, 15) }) }],
  ['server_DH_params_ok with a wrong server_nonce', 'server_nonce', { serverDhParams: (a) => ({ ...a, serverNonce: flip(a.serverNonce) }) }],
  ['server_DH_inner_data with a wrong nonce', 'nonce', { serverDhInnerData: (a) => ({ ...a, nonce: flip(a.nonce, 3) }) }],
  ['server_DH_inner_data with a wrong server_nonce', 'server_nonce', { serverDhInnerData: (a) => ({ ...a, serverNonce: flip(a.serverNonce, 7) }) }],
  ['a bad answer hash', 'answer_hash', { answerWithHash: (b) => flip(b, 5) }],
  ['an answer padded with 16 bytes or more', 'answer', { answerWithHash: (b) => new Uint8Array([...b, ...new Uint8Array(16)]) }],
  ['a prime that is not safe (RFC 5114 §2.3)', 'dh_prime', { serverDhInnerData: (a) => ({ ...a, dhPrime: bigintToBytes(RFC5114_P) }) }],
  ['a composite dh_prime', 'dh_prime', { serverDhInnerData: (a) => ({ ...a, dhPrime: bigintToBytes(P + 2n) }) }],
  ['a 2047-bit dh_prime', 'dh_prime', { serverDhInnerData: (a) => ({ ...a, dhPrime: bigintToBytes(P >> 1n) }) }],
  ['g = 2 with Telegram\'s prime (p mod 8 = 3, not 7)', 'dh_g', { serverDhInnerData: (a) => ({ ...a, g: 2 }) }],
  ['g = 5 with Telegram\'s prime', 'dh_g', { serverDhInnerData: (a) => ({ ...a, g: 5 }) }],
  ['g = 8', 'dh_g', { serverDhInnerData: (a) => ({ ...a, g: 8 }) }],
  ['g = 1', 'dh_g', { serverDhInnerData: (a) => ({ ...a, g: 1 }) }],
  ['g_a = 1', 'g_a', { serverDhInnerData: (a) => ({ ...a, gA: bigintToBytes(1n) }) }],
  ['g_a = 2 (too small)', 'g_a', { serverDhInnerData: (a) => ({ ...a, gA: bigintToBytes(2n) }) }],
  ['g_a = 2^1984 (at the margin)', 'g_a', { serverDhInnerData: (a) => ({ ...a, gA: bigintToBytes(MARGIN, 256) }) }],
  ['g_a = p − 1', 'g_a', { serverDhInnerData: (a) => ({ ...a, gA: bigintToBytes(P - 1n, 256) }) }],
  ['g_a = p − 2^1984 + 5', 'g_a', { serverDhInnerData: (a) => ({ ...a, gA: bigintToBytes(P - MARGIN + 5n, 256) }) }],
  ['g_a = p + 5 (above the prime)', 'g_a', { serverDhInnerData: (a) => ({ ...a, gA: bigintToBytes(P + 5n, 256) }) }],
  ['dh_gen_ok with a wrong nonce', 'nonce', { dhGenAnswer: (a) => ({ ...a, nonce: flip(a.nonce) }) }],
  ['dh_gen_ok with a wrong server_nonce', 'server_nonce', { dhGenAnswer: (a) => ({ ...a, serverNonce: flip(a.serverNonce) }) }],
  ['dh_gen_ok with a bad new_nonce_hash1', 'new_nonce_hash', { dhGenAnswer: (a) => (a._ === 'dh_gen_ok' ? { ...a, newNonceHash1: flip(a.newNonceHash1, 15) } : a) }],
  ['dh_gen_retry carrying hash1 instead of hash2', 'new_nonce_hash', { dhGenAnswer: (a) => (a._ === 'dh_gen_ok' ? { _: 'dh_gen_retry', nonce: a.nonce, serverNonce: a.serverNonce, newNonceHash2: a.newNonceHash1 } : a) }],
  ['dh_gen_fail carrying hash1 instead of hash3', 'new_nonce_hash', { dhGenAnswer: (a) => (a._ === 'dh_gen_ok' ? { _: 'dh_gen_fail', nonce: a.nonce, serverNonce: a.serverNonce, newNonceHash3: a.newNonceHash1 } : a) }],
  ['server_DH_params_fail with a bad new_nonce_hash', 'new_nonce_hash', { serverDhParams: (a) => ({ _: 'server_DH_params_fail', nonce: a.nonce, serverNonce: a.serverNonce, newNonceHash: new Uint8Array(16) }) }],
];

for (const [name, check, hooks] of cases) {
  test(`malicious server: ${name} → SecurityError('${check}')`, () => expectCheck(check, hooks));
}

test('sanity: the same server without tampering completes the exchange', async () => {
  const key = await runAgainst({});
  assert.equal(created.length, 1);
  assert.deepEqual(created[0].authKey, key.authKey);
});

test('g_b out of range (a broken random source giving b = 1) → SecurityError(\'g_b\') before anything is sent', async () => {
  const random = (n: number, purpose: string) => (purpose === 'b' ? bigintToBytes(1n, n) : crypto.getRandomValues(new Uint8Array(n)));
  await expectCheck('g_b', {}, { random });
  assert.equal(created.length, 0);
});

test('a correct server_DH_params_fail is an ExchangeFailedError after the restarts (not a SecurityError)', async () => {
  const { sha1 } = await import('../bindings/sha.ts');
  let newNonce: Uint8Array | undefined;
  const random = (n: number, purpose: string) => {
    const bytes = crypto.getRandomValues(new Uint8Array(n));
    if (purpose === 'new_nonce') newNonce = bytes;
    return bytes;
  };
  await assert.rejects(
    runAgainst({ serverDhParams: (a) => ({ _: 'server_DH_params_fail', nonce: a.nonce, serverNonce: a.serverNonce, newNonceHash: sha1(newNonce!).slice(4, 20) }) }, { random, maxRestarts: 1 }),
    ExchangeFailedError,
  );
});

test('a silent server: the client gives up after its timeout with a TransportError', async () => {
  handle = () => undefined;
  const transport = await connectTransport({ host: '127.0.0.1', port: listener.port, carrier: 'tcp', codec: 'abridged' });
  await assert.rejects(
    withTimeout(createAuthKey(transport, { publicKeys: [publicHalf(serverKey())], dcId: 2, timeoutMs: 300 }), 5_000, 'exchange'),
    (e: unknown) => e instanceof TransportError && /no answer within 300 ms/.test(e.message),
  );
});

test('a server that answers garbage: SecurityError(\'response\')', async () => {
  handle = (connection) => {
    connection.onFrame = () => connection.send(new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8]));
  };
  const transport = await connectTransport({ host: '127.0.0.1', port: listener.port, carrier: 'tcp', codec: 'intermediate' });
  await assert.rejects(
    withTimeout(createAuthKey(transport, { publicKeys: [publicHalf(serverKey())], dcId: 2, timeoutMs: 2000 }), 5_000, 'exchange'),
    (e: unknown) => e instanceof SecurityError && e.check === 'response',
  );
});

test('a server that answers with an encrypted-looking message: SecurityError(\'message\')', async () => {
  handle = (connection) => {
    connection.onFrame = () => connection.send(crypto.getRandomValues(new Uint8Array(64)).fill(1, 0, 1));
  };
  const transport = await connectTransport({ host: '127.0.0.1', port: listener.port, carrier: 'tcp', codec: 'intermediate' });
  await assert.rejects(
    withTimeout(createAuthKey(transport, { publicKeys: [publicHalf(serverKey())], dcId: 2, timeoutMs: 2000 }), 5_000, 'exchange'),
    (e: unknown) => e instanceof SecurityError && e.check === 'message',
  );
});

test('checks on values, not just on presence: a g_a just inside the range passes the g_a check', async () => {
  // p − 2^1984 − 1 is a legal g_a: the client goes on and fails only later (the keys no longer agree).
  await assert.rejects(
    runAgainst({ serverDhInnerData: (a) => ({ ...a, gA: bigintToBytes(P - MARGIN - 1n, 256) }) }),
    (e: unknown) => e instanceof SecurityError && e.check === 'new_nonce_hash',
  );
  assert.equal(bigintFromBytes(bigintToBytes(P - MARGIN - 1n, 256)), P - MARGIN - 1n);
});
