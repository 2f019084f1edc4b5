// Nothing lost in flight: the server keeps what it sent until acknowledged and sends it again (new
// connection, msg_resend_req, a request received again), answers msgs_state_req from that state, and
// checks seq_no order (32/33) and container msg_ids (19); over HTTP, a request the server ends without
// data (dropped, or http_wait ran out) never leaves a call waiting for its timeout.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { MtprotoServer, type MtprotoServerOptions } from '../src/server/mtproto-server.ts';
import { SessionManager } from '../src/server/sessions.ts';
import { FakeConnection } from './helpers/fake-connection.ts';
import { MtprotoClient, type MtprotoClientOptions } from '../src/client/client.ts';
import { loadAuthKey } from '../src/crypto/message.ts';
import { authKeyId } from '../src/crypto/kdf.ts';
import { openPacket, sealPacket, unpackContainer, bodyId, type OutgoingMessage } from '../src/session/envelope.ts';
import { MSG_CONTAINER } from '../src/session/ids.ts';
import { deserialize, type TlSerializable } from '../src/tl/codec.ts';
import type { TlObject } from '../src/tl/generated/types.ts';
import type { CreatedAuthKey } from '../src/session/exchange/server.ts';
import { serverKey, withTimeout } from './helpers/exchange.ts';
import { seededBytes } from './helpers/random.ts';

const T = { timeout: 20_000 };
const cleanups: Array<() => Promise<void> | void> = [];
after(async () => {
  for (const f of cleanups.reverse()) await f();
});

let executions = 0;
const methods: MtprotoServerOptions['methods'] = {
  'help.getCountriesList': (r) => {
    executions++;
    return { _: 'help.countriesList', countries: [], hash: (r as { hash: number }).hash };
  },
  'help.getPremiumPromo': () => new Promise((resolve) => setTimeout(() => resolve({ _: 'help.premiumPromo', statusText: 'slow', statusEntities: [], videoSections: [], videos: [], periodOptions: [], users: [] } as unknown as TlObject), 300)),
};

async function serverWith(options: Partial<MtprotoServerOptions>): Promise<MtprotoServer> {
  const s = await MtprotoServer.listen({ port: 0, privateKey: serverKey(), methods, ...options });
  cleanups.push(() => s.close());
  return s;
}

function client(s: MtprotoServer, options: Partial<MtprotoClientOptions> = {}): MtprotoClient {
  const c = new MtprotoClient({ host: s.host, port: s.port, publicKeys: [s.publicKey], pingIntervalMs: 0, reconnectMinMs: 5, reconnectMaxMs: 50, ...options });
  cleanups.push(() => c.close());
  return c;
}

const echo = (c: MtprotoClient, hash: number, timeoutMs?: number) =>
  c.invoke({ _: 'help.getCountriesList', langCode: 'en', hash }, { timeoutMs }).then((r) => (r as { hash: number }).hash);

test('a pushed update lost in flight when the connection dropped arrives after the client reconnects', T, async () => {
  let lose = false;
  const s = await serverWith({ hooks: { loseSent: () => (lose ? !(lose = false) : false) } });
  const c = client(s);
  await echo(c, 1);
  const next = c.updates[Symbol.asyncIterator]().next();
  lose = true;
  assert.equal(s.push({ _: 'updatesTooLong' }, (sess) => sess.sessionId === c.session), 1);
  assert.equal(lose, false, 'the packet was lost');
  assert.deepEqual((await withTimeout(next, 5000, 'update after reconnect')).value, { _: 'updatesTooLong' });
});

for (const detailedInfoMin of [1024, 0]) {
  test(`an rpc_result lost in flight is sent again, the call not run twice (${detailedInfoMin ? 'the answer again' : 'msg_detailed_info, then msg_resend_req'})`, T, async () => {
    let lose = false;
    const s = await serverWith({ detailedInfoMin, hooks: { loseSent: () => (lose ? !(lose = false) : false) } });
    const c = client(s, { futureSalts: false });
    await echo(c, 1);
    executions = 0;
    lose = true;
    assert.equal(await withTimeout(echo(c, 2), 5000, 'call whose answer was lost'), 2);
    assert.equal(executions, 1, 'run once: the same msg_id was answered from the stored answer');
    assert.equal(c.pendingCalls, 0);
  });
}

test('HTTP: requests the server drops are noticed and sent again: no call waits for its timeout', T, async () => {
  let seed = 99;
  const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const s = await serverWith({ hooks: { dropRate: 0.3, random } });
  // Acks held back for a minute: only noticing the empty answers can bring the lost calls back.
  const c = client(s, { transport: { carrier: 'http' }, timeoutMs: 8000, ackDelayMs: 60_000 });
  const calls = Array.from({ length: 40 }, async (_, i) => {
    await new Promise((r) => setTimeout(r, (i % 10) * 30)); // spread over many requests
    return echo(c, i);
  });
  const hashes = await withTimeout(Promise.all(calls), 15_000, 'http calls under drops');
  assert.deepEqual(hashes, Array.from({ length: 40 }, (_, i) => i));
});

test('HTTP: a held request that ends empty (http_wait ran out) makes the client poll again', T, async () => {
  const s = await serverWith({});
  const events: string[] = [];
  const c = client(s, { transport: { carrier: 'http' }, httpWaitMs: 50, futureSalts: false, ackDelayMs: 60_000, onEvent: (e) => events.push(e.type) });
  await c.connect();
  // Answered after 300 ms: every request held for it times out empty before then.
  const r = await withTimeout(c.invoke({ _: 'help.getPremiumPromo' }, { timeoutMs: 3000 }), 5000, 'slow call over http');
  assert.equal(r._, 'help.premiumPromo');
  assert.ok(!events.includes('disconnected'), 'an empty answer is not a broken connection');
});

// ---- the server's session side, driven by hand-made packets ----


test('server: msgs_state_req from the session state, seq_no too low/high (32/33), a reused container msg_id (19), resending what was not acknowledged', T, () => {
  let now = 1_700_000_000_000;
  const manager = new SessionManager({ host: '127.0.0.1', port: 1, dcId: 2, methods: new Map(Object.entries(methods!)), now: () => now });
  cleanups.push(() => manager.close());
  const authKey = seededBytes(5, 256);
  manager.addKey({ authKey, authKeyId: authKeyId(authKey), serverSalt: new Uint8Array(8), temp: false } as CreatedAuthKey);
  const key = loadAuthKey(authKey);
  cleanups.push(() => key.dispose());
  const sessionId = 42n;
  const connection = new FakeConnection();
  const second = Math.floor(now / 1000);
  const id = (n: number) => (BigInt(second) << 32n) | BigInt(n * 4);
  const send = (messages: OutgoingMessage[], container?: { msgId: bigint; seqNo: number }, on: FakeConnection = connection) => {
    const packet = sealPacket({ key, x: 0, salt: manager.salts.current, sessionId }, messages, container).slice();
    on.packets.length = 0;
    manager.handle(packet, on);
    const out: Array<{ msgId: bigint; seqNo: number; o: Record<string, unknown> }> = [];
    for (const p of on.packets) {
      const opened = openPacket(key, 8, sessionId, p);
      const items = bodyId(opened.body) === MSG_CONTAINER ? unpackContainer(opened.body, opened.msgId) : [opened];
      for (const m of items) out.push({ msgId: m.msgId, seqNo: m.seqNo, o: deserialize(m.body) as Record<string, unknown> });
    }
    return out;
  };
  const call = (hash: number): TlSerializable => ({ _: 'help.getCountriesList', langCode: 'en', hash });
  const named = (out: ReturnType<typeof send>, name: string) => out.filter((m) => m.o._ === name);

  // A first call (content: seq_no 1): new_session_created and the answer.
  let out = send([{ msgId: id(10), seqNo: 1, body: call(1) }]);
  const answer = named(out, 'rpc_result')[0];
  assert.ok(answer && answer.o.reqMsgId === id(10));
  // Received again (same msg_id): the stored answer goes out again, with its own msg_id.
  out = send([{ msgId: id(10), seqNo: 1, body: call(1) }, { msgId: id(11), seqNo: 2, body: { _: 'msgs_ack', msgIds: [] } }], { msgId: id(12), seqNo: 2 });
  assert.deepEqual(named(out, 'rpc_result').map((m) => m.msgId), [answer.msgId]);
  // seq_no checks: the same odd seq_no after a higher msg_id (32); a higher one below a lower msg_id (33).
  out = send([{ msgId: id(20), seqNo: 1, body: call(2) }]);
  assert.equal(named(out, 'bad_msg_notification')[0]?.o.errorCode, 32);
  out = send([{ msgId: id(5), seqNo: 7, body: call(3) }]);
  assert.equal(named(out, 'bad_msg_notification')[0]?.o.errorCode, 33);
  // A container reusing a msg_id already received: 19.
  out = send([{ msgId: id(9), seqNo: 0, body: { _: 'msgs_ack', msgIds: [] } }], { msgId: id(10), seqNo: 2 });
  assert.equal(named(out, 'bad_msg_notification')[0]?.o.errorCode, 19);
  // msgs_state_req: received and answered (4+32+64), not received in range (2), too far ahead (3), too old (1).
  const ahead = (BigInt(second + 60) << 32n) | 4n;
  const old = (BigInt(second - 600) << 32n) | 4n;
  out = send([{ msgId: id(30), seqNo: 2, body: { _: 'msgs_state_req', msgIds: [id(10), id(25), ahead, old] } }]);
  assert.deepEqual([...(named(out, 'msgs_state_info')[0].o.info as Uint8Array)], [4 | 32 | 64, 2, 3, 1]);
  // The answer was never acknowledged: a new connection gets it again; msg_resend_req too; after msgs_ack, neither.
  const other = new FakeConnection();
  out = send([{ msgId: id(40), seqNo: 4, body: { _: 'ping', pingId: 1n } }], undefined, other);
  assert.ok(named(out, 'rpc_result').some((m) => m.msgId === answer.msgId), 'resent on the new connection');
  out = send([{ msgId: id(41), seqNo: 4, body: { _: 'msg_resend_req', msgIds: [answer.msgId] } }], undefined, other);
  assert.deepEqual(named(out, 'rpc_result').map((m) => m.msgId), [answer.msgId]);
  const unacked = [...manager.allSessions()][0].sent.unacked;
  send([{ msgId: id(42), seqNo: 4, body: { _: 'msgs_ack', msgIds: [...unacked.keys()] } }], undefined, other);
  assert.equal(unacked.size, 0);
  out = send([{ msgId: id(43), seqNo: 4, body: { _: 'ping', pingId: 2n } }], undefined, connection);
  assert.deepEqual(named(out, 'rpc_result'), [], 'nothing left to resend once acknowledged');
});

test('new_session_created whose first_msg_id is the first packet\'s container id: the calls inside are not sent again (nor run twice)', T, async () => {
  const s = await serverWith({});
  let firstMsgId: bigint | undefined;
  const c = client(s, { onEvent: (e) => { if (e.type === 'new_session') firstMsgId ??= e.firstMsgId; } });
  executions = 0;
  // Calls made in one tick go out in the session's first packet, one container (with get_future_salts).
  const answers = await withTimeout(Promise.all([echo(c, 1), echo(c, 2), echo(c, 3)]), 5000, 'first calls');
  assert.deepEqual(answers, [1, 2, 3]);
  assert.ok(firstMsgId !== undefined);
  await new Promise((resolve) => setTimeout(resolve, 100)); // a second run would have happened by now
  assert.equal(executions, 3, 'each call ran once');
  assert.equal(c.pendingCalls, 0);
});
