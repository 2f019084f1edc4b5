// Our client against our server over real sockets on 127.0.0.1: every transport, thousands of
// concurrent calls, connections dropped at random moments, a forced salt change, clocks an hour off on
// either side, every bad_msg_notification code injected, updates, timeouts and cancellation,
// invokeAfterMsg, the in-flight bound, and the file storage reusing a key across client instances.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MtprotoServer, type MtprotoServerOptions } from '../src/server/mtproto-server.ts';
import { MtprotoClient, type ClientEvent, type MtprotoClientOptions } from '../src/client/client.ts';
import { FileStorage } from '../src/client/storage/file.ts';
import { MemoryStorage } from '../src/client/storage/memory.ts';
import { CallError, RpcError } from '../src/errors.ts';
import type { TlObject } from '../src/tl/generated/types.ts';
import { serverKey, withTimeout } from './helpers/exchange.ts';
import { seededBytes } from './helpers/random.ts';

const T = { timeout: 20_000 };
let server: MtprotoServer;
const keysCreated: string[] = [];
let stall: Promise<never> = new Promise(() => undefined);
const clients: MtprotoClient[] = [];

/** Test methods: help.getCountriesList echoes `hash` (to match answers to calls), a slow one, a stuck one, a failing one. */
const methods: MtprotoServerOptions['methods'] = {
  'help.getCountriesList': (r) => ({ _: 'help.countriesList', countries: [], hash: (r as { hash: number }).hash }),
  'help.getPremiumPromo': () => new Promise((resolve) => setTimeout(() => resolve({ _: 'help.premiumPromo', statusText: 'slow', statusEntities: [], videoSections: [], videos: [], periodOptions: [], users: [] } as unknown as TlObject), 60)),
  'help.getSupport': () => stall,
  'help.getPassportConfig': () => ({ _: 'help.passportConfig', hash: 1, countriesLangs: { _: 'dataJSON', data: JSON.stringify(Array.from({ length: 500 }, (_, i) => ({ country: i, lang: 'en' }))) } }),
  'help.getAppConfig': () => {
    throw new RpcError(420, 'FLOOD_WAIT_3');
  },
};

before(async () => {
  server = await MtprotoServer.listen({ port: 0, privateKey: serverKey(), methods, onAuthKey: (k) => keysCreated.push(Buffer.from(k.authKeyId).toString('hex')) });
});

after(async () => {
  for (const c of clients) await c.close();
  await server.close();
  stall = Promise.resolve() as never;
});

function client(options: Partial<MtprotoClientOptions> = {}, on: MtprotoServer = server): MtprotoClient {
  const c = new MtprotoClient({ host: on.host, port: on.port, publicKeys: [on.publicKey], pingIntervalMs: 0, ...options });
  clients.push(c);
  return c;
}

const echo = (c: MtprotoClient, hash: number) => c.invoke({ _: 'help.getCountriesList', langCode: 'en', hash }).then((r) => (r as { hash: number }).hash);

const transports: Array<[string, MtprotoClientOptions['transport']]> = [
  ['tcp intermediate', { carrier: 'tcp', codec: 'intermediate' }],
  ['tcp abridged', { carrier: 'tcp', codec: 'abridged' }],
  ['tcp full', { carrier: 'tcp', codec: 'full' }],
  ['tcp obfuscated padded', { carrier: 'tcp', codec: 'padded', obfuscated: true }],
  ['websocket obfuscated', { carrier: 'websocket', codec: 'intermediate' }],
  ['http', { carrier: 'http' }],
];

for (const [name, transport] of transports) {
  test(`${name}: auth key, help.getConfig, ping, help.getNearestDc, an unknown method, 200 calls at once`, T, async () => {
    const c = client({ transport });
    await withTimeout(c.connect(), 10_000, 'connect');
    const config = await withTimeout(c.invoke({ _: 'help.getConfig' }), 5000, 'help.getConfig');
    assert.equal(config._, 'config');
    assert.equal(config.thisDc, 2);
    assert.ok(config.dcOptions.some((o) => o.port === server.port && o.ipAddress === server.host));
    const pong = await withTimeout(c.invoke({ _: 'ping', pingId: 77n }), 5000, 'ping');
    assert.deepEqual([pong._, pong.pingId], ['pong', 77n]);
    assert.equal((await c.invoke({ _: 'help.getNearestDc' })).thisDc, 2);
    await assert.rejects(c.invoke({ _: 'help.getTermsOfServiceUpdate' }), (e: unknown) => e instanceof RpcError && e.code === 400 && e.text === 'METHOD_NOT_IMPLEMENTED');
    const hashes = await withTimeout(Promise.all(Array.from({ length: 200 }, (_, i) => echo(c, i))), 10_000, '200 calls');
    assert.deepEqual(hashes, Array.from({ length: 200 }, (_, i) => i));
    await c.close();
  });
}

test('3000 concurrent invokes on one connection all complete with their own answers (in-flight bound 1024)', T, async () => {
  const c = client();
  await c.connect();
  const n = 3000;
  const results = await withTimeout(Promise.all(Array.from({ length: n }, (_, i) => (i % 2 ? echo(c, i) : c.invoke({ _: 'ping', pingId: BigInt(i) }).then((p) => Number(p.pingId))))), 15_000, '3000 calls');
  assert.deepEqual(results, Array.from({ length: n }, (_, i) => i));
  assert.equal(c.pendingCalls, 0);
  await c.close();
});

test('the server drops connections at random moments: every call completes exactly once', T, async () => {
  let seed = 12345;
  const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const flaky = await MtprotoServer.listen({ port: 0, privateKey: serverKey(), methods, hooks: { dropRate: 0.15, random } });
  try {
    for (const transport of [{ carrier: 'tcp' as const }, { carrier: 'websocket' as const }]) {
      const events: ClientEvent[] = [];
      const c = client({ transport, reconnectMinMs: 5, reconnectMaxMs: 50, onEvent: (e) => events.push(e) }, flaky);
      const settled = new Map<number, number>();
      const calls = Array.from({ length: 400 }, async (_, i) => {
        await new Promise((r) => setTimeout(r, (i % 40) * 12)); // spread over time, across many connections
        const hash = await echo(c, i);
        settled.set(i, (settled.get(i) ?? 0) + 1);
        return hash;
      });
      // Drops from the outside too, at arbitrary points.
      const chaos = setInterval(() => (random() < 0.5 ? flaky.dropConnections() : c.dropConnection()), 37);
      const hashes = await withTimeout(Promise.all(calls), 15_000, 'calls under drops').finally(() => clearInterval(chaos));
      assert.deepEqual(hashes, Array.from({ length: 400 }, (_, i) => i));
      assert.ok([...settled.values()].every((n) => n === 1));
      assert.ok(events.filter((e) => e.type === 'disconnected').length >= 2, 'connections were really dropped');
      assert.equal(c.pendingCalls, 0);
      await c.close();
    }
  } finally {
    await flaky.close();
  }
});

test('a forced salt change: bad_server_salt, the new salt stored, the call sent again', T, async () => {
  const events: ClientEvent[] = [];
  const storage = new MemoryStorage();
  const c = client({ storage, onEvent: (e) => events.push(e) });
  await c.invoke({ _: 'help.getNearestDc' });
  server.rotateSalt();
  const results = await withTimeout(Promise.all([echo(c, 1), echo(c, 2), c.invoke({ _: 'ping', pingId: 3n })]), 5000, 'after rotation');
  assert.deepEqual(results.slice(0, 2), [1, 2]);
  const salted = events.find((e) => e.type === 'bad_server_salt');
  assert.ok(salted && salted.type === 'bad_server_salt');
  assert.equal(c.serverSalt, server.sessions.salts.current);
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(storage.get(`${server.host}:${server.port}`)?.salt, server.sessions.salts.current);
  await c.close();
});

test('clock skew ±1 h on the client: a fresh key syncs from the handshake, a stale offset from bad_msg 16/17', T, async () => {
  for (const skew of [3600_000, -3600_000]) {
    const fresh = client({ now: () => Date.now() + skew });
    assert.equal(await echo(fresh, 5), 5);
    assert.ok(Math.abs(fresh.timeOffset * 1000 + skew) < 5000, 'offset learned in the key exchange');
    await fresh.close();
    // Same key, but the stored offset says the clocks agree: the server refuses the msg_id and tells the time.
    const storage = new MemoryStorage();
    const first = client({ storage });
    await first.connect();
    await first.close();
    const events: ClientEvent[] = [];
    const skewed = client({ storage, now: () => Date.now() + skew, onEvent: (e) => events.push(e) });
    assert.equal(await withTimeout(echo(skewed, 6), 5000, 'skewed call'), 6);
    const bad = events.find((e) => e.type === 'bad_msg');
    assert.ok(bad && bad.type === 'bad_msg' && bad.code === (skew > 0 ? 17 : 16), JSON.stringify(events.map((e) => e.type)));
    assert.ok(Math.abs(skewed.timeOffset * 1000 + skew) < 5000);
    await skewed.close();
  }
});

test('clock skew ±1 h on the server after the key exchange: the client resyncs and goes on', T, async () => {
  let skew = 0;
  const s = await MtprotoServer.listen({ port: 0, privateKey: serverKey(), methods, now: () => Date.now() + skew });
  try {
    for (const jump of [3600_000, -3600_000]) {
      skew = 0;
      const events: ClientEvent[] = [];
      const c = client({ onEvent: (e) => events.push(e) }, s);
      assert.equal(await echo(c, 1), 1);
      skew = jump;
      assert.equal(await withTimeout(echo(c, 2), 5000, 'after the server clock jumped'), 2);
      assert.ok(events.some((e) => e.type === 'bad_msg' && e.code === (jump > 0 ? 16 : 17)));
      assert.ok(Math.abs(c.timeOffset * 1000 - jump) < 5000);
      await c.close();
    }
  } finally {
    await s.close();
  }
});

test('every bad_msg_notification code, injected by the server, is recovered from', T, async () => {
  let inject: number | undefined;
  const s = await MtprotoServer.listen({
    port: 0, privateKey: serverKey(), methods,
    hooks: {
      badMsg: ({ body }) => {
        // The first help.getCountriesList (id 0x735787a8) after `inject` is set.
        const id = body.length >= 4 ? new DataView(body.buffer, body.byteOffset).getUint32(0, true) : 0;
        if (inject === undefined || (id !== 0x735787a8 && id !== 0xda9b0d0d)) return undefined;
        const code = inject;
        inject = undefined;
        return code;
      },
    },
  });
  try {
    const events: ClientEvent[] = [];
    const c = client({ onEvent: (e) => events.push(e) }, s);
    await c.connect();
    for (const code of [16, 17, 18, 19, 20, 32, 33, 34, 35, 48, 64]) {
      inject = code;
      const session = c.session;
      assert.equal(await withTimeout(echo(c, code), 5000, `after bad_msg ${code}`), code);
      assert.equal(inject, undefined, `code ${code} was injected`);
      assert.ok(events.some((e) => e.type === 'bad_msg' && e.code === code));
      if (code === 32 || code === 33) assert.notEqual(c.session, session, 'a new session after a seq_no error');
    }
    await c.close();
  } finally {
    await s.close();
  }
});

test('updates pushed by the server reach the async iterator and listeners', T, async () => {
  const c = client();
  await c.connect();
  await c.invoke({ _: 'help.getNearestDc' });
  const seen: TlObject[] = [];
  c.onUpdate((u) => seen.push(u));
  const iterator = c.updates[Symbol.asyncIterator]();
  const next = iterator.next();
  const mine = (sess: { sessionId: bigint }) => sess.sessionId === c.session;
  assert.equal(server.push({ _: 'updatesTooLong' }, mine), 1);
  assert.deepEqual((await withTimeout(next, 5000, 'update')).value, { _: 'updatesTooLong' });
  server.push({ _: 'updateShort', update: { _: 'updateLoginToken' }, date: 1 } as TlObject, mine);
  assert.deepEqual((await withTimeout(iterator.next(), 5000, 'second update')).value, { _: 'updateShort', update: { _: 'updateLoginToken' }, date: 1 });
  assert.equal(seen.length, 2);
  await iterator.return?.();
  await c.close();
});

test('timeouts, AbortSignal, RpcError with FLOOD_WAIT seconds, a closed client', T, async () => {
  const c = client();
  await c.connect();
  await assert.rejects(c.invoke({ _: 'help.getSupport' }, { timeoutMs: 50 }), (e: unknown) => e instanceof CallError && e.reason === 'timeout');
  const abort = new AbortController();
  const pending = c.invoke({ _: 'help.getSupport' }, { signal: abort.signal, timeoutMs: 0 });
  setTimeout(() => abort.abort(), 20);
  await assert.rejects(pending, (e: unknown) => e instanceof CallError && e.reason === 'aborted');
  await assert.rejects(c.invoke({ _: 'help.getSupport' }, { signal: AbortSignal.abort() }), (e: unknown) => e instanceof CallError && e.reason === 'aborted');
  await assert.rejects(c.invoke({ _: 'help.getAppConfig', hash: 0 }), (e: unknown) => e instanceof RpcError && e.seconds === 3 && e.code === 420);
  assert.equal(await echo(c, 9), 9, 'the session goes on');
  const stuck = c.invoke({ _: 'help.getSupport' }, { timeoutMs: 0 });
  await c.close();
  await assert.rejects(stuck, (e: unknown) => e instanceof CallError && e.reason === 'closed');
  await assert.rejects(c.invoke({ _: 'help.getNearestDc' }), (e: unknown) => e instanceof CallError && e.reason === 'closed');
});

test('invokeAfterMsg: a call made to run after a slow one is answered after it', T, async () => {
  const c = client();
  await c.connect();
  const order: string[] = [];
  const slowCall = c.invoke({ _: 'help.getPremiumPromo' });
  const slow = slowCall.then(() => order.push('slow'));
  const fast = c.invoke({ _: 'help.getNearestDc' }, { after: slowCall }).then(() => order.push('after'));
  const free = c.invoke({ _: 'help.getNearestDc' }).then(() => order.push('free'));
  await withTimeout(Promise.all([slow, fast, free]), 5000, 'ordered calls');
  assert.deepEqual(order, ['free', 'slow', 'after'], order.join());
  await c.close();
});

test('the in-flight bound: extra calls wait in a bounded queue, beyond it they fail at once', T, async () => {
  const c = client({ maxInFlight: 4, maxQueued: 6, futureSalts: false });
  await c.connect();
  const calls = Array.from({ length: 14 }, (_, i) => echo(c, i).then((h) => h, (e: unknown) => e));
  const results = await withTimeout(Promise.all(calls), 5000, 'bounded');
  assert.deepEqual(results.slice(0, 10), Array.from({ length: 10 }, (_, i) => i));
  for (const r of results.slice(10)) assert.ok(r instanceof CallError && r.reason === 'queue_full');
  await c.close();
});

test('file storage: a second client instance reuses the auth key; an unknown key is replaced', T, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mtproto-session-'));
  try {
    const path = join(dir, 'state.json');
    const connected: ClientEvent[] = [];
    const before = keysCreated.length;
    const first = client({ storage: new FileStorage(path), onEvent: (e) => e.type === 'connected' && connected.push(e) });
    assert.equal(await echo(first, 1), 1);
    await first.close();
    const second = client({ storage: new FileStorage(path), onEvent: (e) => e.type === 'connected' && connected.push(e) });
    assert.equal(await echo(second, 2), 2);
    await second.close();
    assert.deepEqual(connected.map((e) => e.type === 'connected' && e.authKeyCreated), [true, false]);
    assert.equal(keysCreated.length, before + 1, 'one key for both runs');
    // A key the server never made: transport error -404, then a new key, and the call still completes.
    const storage = new MemoryStorage();
    storage.set(`${server.host}:${server.port}`, { dcId: 2, authKey: seededBytes(77, 256), salt: 1n, timeOffset: 0 });
    const third = client({ storage, reconnectMinMs: 5 });
    assert.equal(await withTimeout(echo(third, 3), 10_000, 'after -404'), 3);
    assert.equal(keysCreated.length, before + 2);
    await third.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('service methods over the wire: get_future_salts, msgs_state_req, destroy_session, rpc_drop_answer; gzip_packed both ways', T, async () => {
  const c = client({ futureSalts: false });
  await c.connect();
  const salts = await c.invoke({ _: 'get_future_salts', num: 3 });
  assert.equal(salts._, 'future_salts');
  assert.equal(salts.salts.length, 3);
  assert.equal(salts.salts[0].salt, server.sessions.salts.current);
  // msgs_state_req is a service constructor, not a schema method: invoke takes it untyped.
  const invokeAny = c.invoke.bind(c) as unknown as (r: object) => Promise<{ _: string; info: Uint8Array }>;
  const state = await invokeAny({ _: 'msgs_state_req', msgIds: [4n] });
  assert.equal(state._, 'msgs_state_info');
  assert.deepEqual([...state.info], [1]);
  assert.deepEqual(await c.invoke({ _: 'destroy_session', sessionId: 12345n }), { _: 'destroy_session_none', sessionId: 12345n });
  assert.deepEqual(await c.invoke({ _: 'rpc_drop_answer', reqMsgId: 8n }), { _: 'rpc_answer_unknown' });
  // A large result comes gzip_packed inside rpc_result; a large request goes out gzip_packed.
  const big = await c.invoke({ _: 'help.getPassportConfig', hash: 0 });
  assert.ok(big._ === 'help.passportConfig' && big.countriesLangs.data.length > 10_000);
  assert.equal(await c.invoke({ _: 'help.getCountriesList', langCode: 'x'.repeat(20_000), hash: 4 }).then((r) => (r as { hash: number }).hash), 4);
  await c.close();
});
