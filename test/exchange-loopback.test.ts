// Our client against our server over real sockets on 127.0.0.1, for every carrier × framing ×
// obfuscation combination the listener serves: both sides must derive the same auth key and salt.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { TransportListener } from '../src/server/listener.ts';
import { handshakeService } from '../src/server/handshake-service.ts';
import { AuthKeyServer, type CreatedAuthKey } from '../src/session/exchange/server.ts';
import { createAuthKey, type AuthKey } from '../src/session/exchange/client.ts';
import { ExchangeFailedError } from '../src/session/exchange/shared.ts';
import { connectTransport, type ConnectOptions } from '../src/transport/connect.ts';
import { parseMtproxySecret } from '../src/transport/mtproxy.ts';
import { SecurityError, TransportError } from '../src/errors.ts';
import { authKeyId } from '../src/crypto/kdf.ts';
import { publicHalf, serverKey, withTimeout } from './helpers/exchange.ts';
import { toHex } from './helpers/vectors.ts';

const ddSecret = parseMtproxySecret('dd0123456789abcdef0123456789abcdef');
const plainSecret = parseMtproxySecret('fedcba9876543210fedcba9876543210');
const created = new Map<string, CreatedAuthKey>();
const serverErrors: Error[] = [];
let listener: TransportListener;
let authKeys: AuthKeyServer;
const taken = new Set<string>();

before(async () => {
  authKeys = new AuthKeyServer({
    privateKey: serverKey(),
    onAuthKey: (key) => created.set(toHex(key.authKeyId), key),
    isAuthKeyIdTaken: (id) => taken.has(toHex(id)),
  });
  listener = await TransportListener.listen(
    { port: 0, secrets: [ddSecret, plainSecret] },
    handshakeService({ authKeys, onError: (e) => serverErrors.push(e) }),
  );
});

after(() => listener.close());

const combinations: Array<Omit<ConnectOptions, 'host' | 'port'>> = [
  ...(['abridged', 'intermediate', 'padded', 'full'] as const).map((codec) => ({ carrier: 'tcp' as const, codec, obfuscated: false })),
  ...(['abridged', 'intermediate', 'padded'] as const).map((codec) => ({ carrier: 'tcp' as const, codec, obfuscated: true })),
  { carrier: 'tcp', codec: 'padded', secret: ddSecret, dcId: 2 },
  { carrier: 'tcp', codec: 'intermediate', secret: plainSecret, dcId: 2 },
  ...(['abridged', 'intermediate', 'padded'] as const).map((codec) => ({ carrier: 'websocket' as const, codec })),
  { carrier: 'http' },
];

async function exchange(combination: Omit<ConnectOptions, 'host' | 'port'>, extra: { expiresIn?: number; dcId?: number } = {}): Promise<AuthKey> {
  const transport = await connectTransport({ host: '127.0.0.1', port: listener.port, ...combination });
  try {
    return await withTimeout(createAuthKey(transport, { publicKeys: [publicHalf(serverKey())], dcId: extra.dcId ?? 2, timeoutMs: 10_000, ...extra }), 20_000, 'createAuthKey');
  } finally {
    transport.close();
  }
}

function assertSameKey(key: AuthKey): CreatedAuthKey {
  assert.equal(key.authKey.length, 256);
  assert.deepEqual(key.authKeyId, authKeyId(key.authKey));
  const server = created.get(toHex(key.authKeyId));
  assert.ok(server, 'the server created a key with this auth_key_id');
  assert.deepEqual(server.authKey, key.authKey);
  assert.deepEqual(server.serverSalt, key.serverSalt);
  assert.ok(Math.abs(key.timeOffset) <= 1, `time offset ${key.timeOffset}`);
  return server;
}

const describe = (c: object) => JSON.stringify(c, (k, v) => (k === 'secret' ? (v.paddedOnly ? 'dd…' : 'plain…') : v));

for (const combination of combinations) {
  test(`auth key over ${describe(combination)}`, async () => {
    const server = assertSameKey(await exchange(combination));
    assert.equal(server.temp, false);
    assert.equal(server.dcId, 2);
    assert.equal(server.innerData, 'p_q_inner_data_dc');
    assert.equal(server.rsaScheme, 'rsa_pad');
  });
}

test('temporary key (p_q_inner_data_temp_dc): both sides know the expiry', async () => {
  const key = await exchange({ carrier: 'tcp', codec: 'intermediate' }, { expiresIn: 3600, dcId: -10003 });
  const server = assertSameKey(key);
  assert.equal(server.temp, true);
  assert.equal(server.dcId, -10003);
  assert.equal(server.innerData, 'p_q_inner_data_temp_dc');
  assert.ok(key.expiresAt !== undefined && Math.abs(key.expiresAt - server.expiresAt!) <= 1);
});

test('20 exchanges at once over different transports give 20 distinct keys, each known to the server', async () => {
  const keys = await Promise.all(Array.from({ length: 20 }, (_, i) => exchange(combinations[i % combinations.length])));
  assert.equal(new Set(keys.map((k) => toHex(k.authKeyId))).size, 20);
  for (const key of keys) assertSameKey(key);
  assert.equal(authKeys.pendingCount, 0, 'no exchange left half-way on the server');
});

test('dh_gen_retry: a colliding auth_key_id makes the client retry with a new b and retry_id', async () => {
  // Mark every key as taken once: the first attempt's id collides, the retry's does not.
  const seen = new Set<string>();
  const collide = authKeys as unknown as { options: { isAuthKeyIdTaken?: (id: Uint8Array) => boolean } };
  const original = collide.options.isAuthKeyIdTaken;
  let retries = 0;
  collide.options.isAuthKeyIdTaken = (id) => {
    if (seen.size === 0) {
      seen.add(toHex(id));
      retries++;
      return true;
    }
    return false;
  };
  try {
    const key = await exchange({ carrier: 'tcp', codec: 'abridged' });
    assert.equal(retries, 1);
    assert.ok(!seen.has(toHex(key.authKeyId)), 'the retried key differs from the colliding one');
    assertSameKey(key);
  } finally {
    collide.options.isAuthKeyIdTaken = original;
  }
});

test('a server that always collides ends the exchange with dh_gen_fail → ExchangeFailedError after the restarts', async () => {
  const collide = authKeys as unknown as { options: { isAuthKeyIdTaken?: (id: Uint8Array) => boolean } };
  const original = collide.options.isAuthKeyIdTaken;
  collide.options.isAuthKeyIdTaken = () => true;
  try {
    await assert.rejects(exchange({ carrier: 'tcp', codec: 'intermediate' }), ExchangeFailedError);
  } finally {
    collide.options.isAuthKeyIdTaken = original;
  }
});

test('a key the server does not hold (fingerprint forged): the server answers -404, the client gets TransportError(-404)', async () => {
  const transport = await connectTransport({ host: '127.0.0.1', port: listener.port, carrier: 'tcp', codec: 'intermediate' });
  const real = serverKey();
  const forged = { n: (1n << 2047n) + 1234567n * 2n + 1n, e: 65537n, fingerprint: real.fingerprint };
  const before = serverErrors.length;
  await assert.rejects(
    createAuthKey(transport, { publicKeys: [forged], dcId: 2, timeoutMs: 5000 }),
    (e: unknown) => e instanceof TransportError && e.code === -404,
  );
  assert.ok(serverErrors.length > before);
  assert.ok(serverErrors.at(-1) instanceof SecurityError, String(serverErrors.at(-1)));
});

test('over HTTP a refused exchange surfaces as TransportError(-404) too', async () => {
  const transport = await connectTransport({ host: '127.0.0.1', port: listener.port, carrier: 'http' });
  const forged = { n: (1n << 2047n) + 7654321n * 2n + 1n, e: 65537n, fingerprint: serverKey().fingerprint };
  await assert.rejects(
    createAuthKey(transport, { publicKeys: [forged], dcId: 2, timeoutMs: 5000 }),
    (e: unknown) => e instanceof TransportError && e.code === -404,
  );
});
