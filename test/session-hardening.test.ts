// The server's session layer under pressure and abuse: new_session_created names the lowest msg_id of
// the first packet (no call run twice), large answers split over packets, per-key session caps and a
// byte budget for unacknowledged messages, replayed packets not moving the session, bounded timers.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { SessionManager, type SessionManagerOptions } from '../src/server/sessions.ts';
import { FakeConnection } from './helpers/fake-connection.ts';
import { loadAuthKey, type LoadedAuthKey } from '../src/crypto/message.ts';
import { authKeyId } from '../src/crypto/kdf.ts';
import { openPacket, sealPacket, unpackContainer, bodyId, type OutgoingMessage } from '../src/session/envelope.ts';
import { MSG_CONTAINER } from '../src/session/ids.ts';
import { deserialize, type TlSerializable } from '../src/tl/codec.ts';
import type { TlObject } from '../src/tl/generated/types.ts';
import type { CreatedAuthKey } from '../src/session/exchange/server.ts';
import { seededBytes } from './helpers/random.ts';

const T = { timeout: 15_000 };
const cleanups: Array<() => Promise<void> | void> = [];
after(async () => {
  for (const f of cleanups.reverse()) await f();
});


type Out = Array<{ msgId: bigint; seqNo: number; o: Record<string, unknown> }>;

/** A SessionManager driven by hand-made packets, with one auth key per `keySeed`. */
function harness(options: Partial<SessionManagerOptions> = {}) {
  let now = 1_700_000_000_000;
  let runs = 0;
  const methods = new Map<string, SessionManagerOptions['methods'] extends Map<string, infer H> ? H : never>([
    ['help.getCountriesList', (r) => {
      runs++;
      return { _: 'help.countriesList', countries: [], hash: (r as { hash: number }).hash };
    }],
  ]);
  const manager = new SessionManager({ host: '127.0.0.1', port: 1, dcId: 2, methods, now: () => now, ...options });
  cleanups.push(() => manager.close());
  const keys = new Map<number, LoadedAuthKey>();
  const keyFor = (seed: number) => {
    let key = keys.get(seed);
    if (!key) {
      const authKey = seededBytes(seed, 256);
      manager.addKey({ authKey, authKeyId: authKeyId(authKey), serverSalt: new Uint8Array(8), temp: false } as CreatedAuthKey);
      key = loadAuthKey(authKey);
      keys.set(seed, key);
      const k = key;
      cleanups.push(() => k.dispose());
    }
    return key;
  };
  const second = Math.floor(now / 1000);
  const id = (n: number) => (BigInt(second) << 32n) | BigInt(n * 4);
  const seal = (keySeed: number, sessionId: bigint, messages: OutgoingMessage[], container?: { msgId: bigint; seqNo: number }) =>
    sealPacket({ key: keyFor(keySeed), x: 0, salt: manager.salts.current, sessionId }, messages, container).slice();
  const read = (keySeed: number, sessionId: bigint, packets: Uint8Array[]): Out => {
    const out: Out = [];
    for (const p of packets) {
      const opened = openPacket(keyFor(keySeed), 8, sessionId, p);
      const items = bodyId(opened.body) === MSG_CONTAINER ? unpackContainer(opened.body, opened.msgId) : [opened];
      for (const m of items) out.push({ msgId: m.msgId, seqNo: m.seqNo, o: deserialize(m.body) as Record<string, unknown> });
    }
    return out;
  };
  const call = (hash: number): TlSerializable => ({ _: 'help.getCountriesList', langCode: 'en', hash });
  return { manager, methods, id, seal, read, call, keyFor, runs: () => runs, tick: (ms: number) => (now += ms) };
}

test('new_session_created names the lowest msg_id of a first container: every call in it runs once', T, () => {
  const h = harness();
  const sessionId = 7n;
  const n = 5;
  const calls: OutgoingMessage[] = Array.from({ length: n }, (_, i) => ({ msgId: h.id(10 + i), seqNo: 2 * i + 1, body: h.call(i) }));
  const connection = new FakeConnection();
  h.manager.handle(h.seal(1, sessionId, calls, { msgId: h.id(20), seqNo: 2 * n }), connection);
  const out = h.read(1, sessionId, connection.packets);
  const created = out.find((m) => m.o._ === 'new_session_created');
  assert.equal(created?.o.firstMsgId, h.id(10), 'first_msg_id is the first call, not the container');
  assert.equal(h.runs(), n);
  // A client does what the spec says: resends the calls below first_msg_id (none here). Resending those
  // at or above it would be answered from the stored answers, not run again.
  const below = calls.filter((c) => c.msgId < (created!.o.firstMsgId as bigint));
  assert.equal(below.length, 0);
  connection.packets.length = 0;
  h.manager.handle(h.seal(1, sessionId, calls, { msgId: h.id(30), seqNo: 2 * n }), connection);
  assert.equal(h.runs(), n, 'each call ran exactly once');
});

test('30 parallel calls with ~133 KB incompressible answers: all answered over several packets, the auth key kept', T, async () => {
  const { MtprotoServer } = await import('../src/server/mtproto-server.ts');
  const { MtprotoClient } = await import('../src/client/client.ts');
  const { serverKey } = await import('./helpers/exchange.ts');
  let keys = 0;
  const errors: Error[] = [];
  const s = await MtprotoServer.listen({
    host: '127.0.0.1', port: 0, privateKey: serverKey(), onAuthKey: () => keys++, onError: (e) => errors.push(e),
    methods: { 'help.getCountriesList': (r) => ({ _: 'upload.file', type: { _: 'storage.fileUnknown' }, mtime: (r as { hash: number }).hash, bytes: seededBytes((r as { hash: number }).hash, 133_000) } as unknown as TlObject) },
  });
  cleanups.push(() => s.close());
  const c = new MtprotoClient({ host: s.host, port: s.port, publicKeys: [s.publicKey], pingIntervalMs: 0, reconnectMinMs: 5, reconnectMaxMs: 50 });
  cleanups.push(() => c.close());
  await c.invoke({ _: 'help.getNearestDc' });
  const results = await Promise.all(Array.from({ length: 30 }, (_, i) => c.invoke({ _: 'help.getCountriesList', langCode: 'en', hash: i + 1 }, { timeoutMs: 10_000 })));
  results.forEach((r, i) => {
    const file = r as unknown as { mtime: number; bytes: Uint8Array };
    assert.equal(file.mtime, i + 1);
    assert.equal(file.bytes.length, 133_000);
  });
  assert.equal(keys, 1, 'no new auth key');
  assert.deepEqual(errors, []);
});

test('a message no packet can carry: its request gets rpc_error 500 RESULT_TOO_LARGE, the session goes on', T, () => {
  const h = harness();
  h.methods.set('help.getCountriesList', () => ({ _: 'upload.file', type: { _: 'storage.fileUnknown' }, mtime: 1, bytes: seededBytes(3, 2_100_000) } as unknown as TlObject));
  const connection = new FakeConnection();
  h.manager.handle(h.seal(1, 9n, [{ msgId: h.id(10), seqNo: 1, body: h.call(1) }]), connection);
  const out = h.read(1, 9n, connection.packets);
  const result = out.find((m) => m.o._ === 'rpc_result');
  assert.deepEqual(result?.o.result, { _: 'rpc_error', errorCode: 500, errorMessage: 'RESULT_TOO_LARGE' });
});

test('one auth key opening many sessions forgets its own oldest, never another key\'s session', T, () => {
  const h = harness({ maxSessions: 100, maxSessionsPerKey: 8 });
  const first = new FakeConnection();
  h.manager.handle(h.seal(2, 1000n, [{ msgId: h.id(1), seqNo: 1, body: h.call(1) }]), first);
  for (let i = 0; i < 300; i++) {
    h.manager.handle(h.seal(1, BigInt(i + 1), [{ msgId: h.id(1), seqNo: 1, body: h.call(i) }]), new FakeConnection());
  }
  const sessions = [...h.manager.allSessions()];
  assert.ok(sessions.some((s) => s.sessionId === 1000n), 'the other key\'s session is still there');
  assert.equal(sessions.length, 9);
  assert.deepEqual(sessions.filter((s) => s.sessionId !== 1000n).map((s) => s.sessionId), [293n, 294n, 295n, 296n, 297n, 298n, 299n, 300n]);
});

test('a peer that never acknowledges: the stored unacknowledged bytes stay under the budget, the outbox is bounded', T, () => {
  const budget = 64 << 10;
  const h = harness({ maxUnackedBytes: budget, maxOutbox: 50 });
  h.methods.set('help.getCountriesList', (r) => ({ _: 'upload.file', type: { _: 'storage.fileUnknown' }, mtime: 1, bytes: seededBytes((r as { hash: number }).hash, 10_000) } as unknown as TlObject));
  const connection = new FakeConnection();
  for (let i = 0; i < 40; i++) {
    h.manager.handle(h.seal(1, 5n, [{ msgId: h.id(10 + i), seqNo: 2 * i + 1, body: h.call(i) }]), connection);
  }
  const session = [...h.manager.allSessions()][0];
  assert.ok(session.sent.unackedBytes <= budget, `${session.sent.unackedBytes} bytes kept`);
  assert.ok(session.sent.unacked.size >= 5, 'the newest are kept');
  // No connection at all: pushed updates pile up in the outbox only up to its cap.
  h.manager.dropConnections();
  for (let i = 0; i < 200; i++) session.push({ _: 'updatesTooLong' });
  assert.equal(session.outbox.length, 50);
});

test('a packet replayed on another connection does not move the session there: pushes still reach the original connection', T, () => {
  const h = harness();
  const original = new FakeConnection();
  const captured = h.seal(1, 11n, [{ msgId: h.id(10), seqNo: 1, body: h.call(1) }]);
  h.manager.handle(captured, original);
  assert.ok(h.read(1, 11n, original.packets).some((m) => m.o._ === 'rpc_result'));
  const replayer = new FakeConnection();
  h.manager.handle(captured, replayer);
  original.packets.length = 0;
  replayer.packets.length = 0;
  assert.equal(h.manager.push({ _: 'updatesTooLong' }), 1);
  assert.deepEqual(h.read(1, 11n, original.packets).map((m) => m.o._), ['updatesTooLong']);
  assert.equal(replayer.packets.length, 0, 'nothing for the replaying connection');
  assert.equal(h.runs(), 1, 'the replayed call was not run again');
  // A stale packet for a session that does not exist (msg_id far in the past) does not create one.
  h.tick(600_000);
  h.manager.handle(h.seal(1, 12n, [{ msgId: h.id(20), seqNo: 1, body: h.call(2) }]), replayer);
  assert.equal([...h.manager.allSessions()].length, 1, 'no session for a rejected packet');
  assert.equal(h.runs(), 1);
});

test('ping_delay_disconnect with a huge disconnect_delay does not close the connection at once', T, async () => {
  const h = harness();
  const connection = new FakeConnection();
  h.manager.handle(h.seal(1, 13n, [{ msgId: h.id(10), seqNo: 0, body: { _: 'ping_delay_disconnect', pingId: 1n, disconnectDelay: 2_147_483_647 } }]), connection);
  assert.ok(h.read(1, 13n, connection.packets).some((m) => m.o._ === 'pong'));
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(connection.closed, false);
});
