// Unit tests of the session layer's pure parts: msg_id / seq_no generation, the received-msg_id checks,
// salts (client list and server schedule), ack batching, packets (single, container, gzip) sealed and
// opened through the fused message crypto, container checks, rpc_result reading, RpcError parsing,
// the update stream and the file storage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MsgIdGenerator, SeqNo, msgIdSeconds } from '../src/session/msg-id.ts';
import { ReceivedMsgIds } from '../src/session/received-ids.ts';
import { ServerSalts } from '../src/session/salts.ts';
import { AckQueue } from '../src/session/acks.ts';
import { openPacket, openPacketAnySession, sealPacket, unpackContainer, bodyId } from '../src/session/envelope.ts';
import { readRpcResult } from '../src/session/rpc.ts';
import { GZIP_PACKED, MSG_CONTAINER } from '../src/session/ids.ts';
import { SaltSchedule } from '../src/server/salt-schedule.ts';
import { UpdateStream } from '../src/client/updates.ts';
import { FileStorage } from '../src/client/storage/file.ts';
import { MemoryStorage } from '../src/client/storage/memory.ts';
import { loadAuthKey } from '../src/crypto/message.ts';
import { deserialize, serialize } from '../src/tl/codec.ts';
import { TlWriter } from '../src/tl/binary/writer.ts';
import { gzip } from '../src/tl/binary/gzip.ts';
import { RpcError, SecurityError, TlError } from '../src/errors.ts';
import { seededBytes } from './helpers/random.ts';

test('msg_id: client ids are ≡ 0 mod 4, strictly increasing even with a frozen clock, low 32 bits non-zero', () => {
  const g = new MsgIdGenerator(() => 1_700_000_000_000); // exactly on a second: fraction 0
  let last = 0n;
  for (let i = 0; i < 1000; i++) {
    const id = g.next();
    assert.equal(id % 4n, 0n);
    assert.ok(id > last);
    assert.notEqual(id & 0xffffffffn, 0n);
    last = id;
  }
  assert.equal(Number(last >> 32n), 1_700_000_000);
});

test('msg_id: server responses ≡ 1 mod 4, server-initiated ≡ 3 mod 4, one increasing sequence', () => {
  const g = new MsgIdGenerator(() => 1_700_000_000_123);
  const a = g.next('response');
  const b = g.next('push');
  const c = g.next('response');
  assert.equal(a % 4n, 1n);
  assert.equal(b % 4n, 3n);
  assert.ok(a < b && b < c);
});

test('msg_id: the time offset moves ids to the server clock; syncFrom learns it from a server msg_id', () => {
  let now = 1_700_000_000_500;
  const g = new MsgIdGenerator(() => now);
  g.timeOffset = 3600;
  assert.ok(Math.abs(msgIdSeconds(g.next()) - (now / 1000 + 3600)) < 0.01);
  const server = new MsgIdGenerator(() => now - 7200_000);
  g.syncFrom(server.next('response'));
  assert.ok(Math.abs(g.timeOffset + 7200) < 0.01);
  g.reset();
  now += 10;
  assert.ok(Math.abs(msgIdSeconds(g.next()) - (now / 1000 - 7200)) < 0.01);
});

test('msg_id: a server generator follows its clock back after a jump of more than 30 s, a client one never goes back', () => {
  let now = 1_700_000_000_000;
  const server = new MsgIdGenerator(() => now, true);
  const client = new MsgIdGenerator(() => now);
  const a = server.next('response');
  const b = client.next();
  now -= 10_000;
  assert.ok(server.next('response') > a, 'a small step back: still increasing');
  now -= 3600_000;
  const c = server.next('response');
  assert.ok(c < a && Math.abs(msgIdSeconds(c) - now / 1000) < 0.01);
  assert.ok(client.next() > b);
});

test('seq_no: content-related 2n+1, others 2n', () => {
  const s = new SeqNo();
  assert.deepEqual([s.next(false), s.next(true), s.next(true), s.next(false), s.next(true)], [0, 1, 3, 4, 5]);
  s.reset();
  assert.equal(s.next(true), 1);
});

test('received msg_ids: parity, too old (300 s), too new (30 s), duplicates, below the window', () => {
  const now = 1_700_000_000;
  const server = new MsgIdGenerator(() => now * 1000);
  const r = new ReceivedMsgIds({ sender: 'server', window: 4 });
  const id = server.next('response');
  assert.equal(r.check(id, now), 'ok');
  assert.equal(r.check(id, now), 'duplicate');
  assert.equal(r.check(id + 1n, now), 'parity'); // ≡ 2 mod 4
  assert.equal(r.check(id - 1n, now), 'parity'); // ≡ 0: a client id
  assert.equal(r.check((BigInt(now - 301) << 32n) | 1n, now), 'too_old');
  assert.equal(r.check((BigInt(now + 31) << 32n) | 1n, now), 'too_new');
  assert.equal(r.check((BigInt(now - 299) << 32n) | 5n, now), 'ok');
  const ids = Array.from({ length: 10 }, () => server.next('push'));
  for (const x of ids) assert.equal(r.check(x, now), 'ok');
  assert.equal(r.check(id + 4n, now), 'below_window'); // older than everything still remembered
  const c = new ReceivedMsgIds({ sender: 'client' });
  assert.equal(c.check(new MsgIdGenerator(() => now * 1000).next(), now), 'ok');
  assert.equal(c.check(id, now), 'parity');
});

test('client salts: future salts take over when their window opens, expired ones are dropped', () => {
  const s = new ServerSalts(1n);
  assert.equal(s.pick(1000), 1n);
  s.addFuture([{ validSince: 2000, validUntil: 5600, salt: 3n }, { validSince: 500, validUntil: 3800, salt: 2n }]);
  assert.equal(s.pick(1000), 2n);
  assert.equal(s.pick(2500), 3n);
  assert.equal(s.pick(4000), 3n);
  assert.equal(s.futureCount, 1);
  assert.equal(s.coverage(4000), 1600);
  s.set(9n); // bad_server_salt wins until the next window opens
  assert.equal(s.current, 9n);
});

test('server salt schedule: current and previous slot accepted, future salts chain, rotate() refuses old salts', () => {
  let now = 1_700_000_000;
  const s = new SaltSchedule(() => now);
  const first = s.current;
  assert.ok(s.accepts(first));
  now += 1800;
  assert.notEqual(s.current, first);
  assert.ok(s.accepts(first), 'the previous salt is still accepted for one more period');
  now += 1800;
  assert.ok(!s.accepts(first));
  const future = s.future(3);
  assert.equal(future.length, 3);
  assert.equal(future[0].salt, s.current);
  assert.equal(future[1].validSince, future[0].validSince + 1800);
  assert.equal(s.future(1000).length, 64);
  const before = s.current;
  s.rotate();
  assert.ok(!s.accepts(before));
});

test('acks: sent when enough gather, or after the delay; one msgs_ack holds at most 8192 ids', async () => {
  let flushes = 0;
  const q = new AckQueue(() => flushes++, 20, 3);
  q.push(1n);
  q.push(2n);
  assert.equal(flushes, 0);
  q.push(3n);
  await new Promise((r) => setImmediate(r));
  assert.equal(flushes, 1);
  assert.deepEqual(q.take(), [1n, 2n, 3n]);
  q.push(4n);
  await new Promise((r) => setTimeout(r, 40));
  assert.equal(flushes, 2);
  const big = new AckQueue(() => undefined, 1000, 100_000);
  for (let i = 0; i < 9000; i++) big.push(BigInt(i));
  assert.equal(big.take().length, 8192);
  assert.equal(big.take().length, 808);
  big.cancel();
});

const authKey = seededBytes(5, 256);
const key = loadAuthKey(authKey);
const fields = { salt: 0x1122334455667788n, sessionId: -5n };

test('packets: one message, sealed in the arena and opened again (both directions)', () => {
  const msgId = new MsgIdGenerator().next();
  const packet = sealPacket({ key, x: 0, ...fields }, [{ msgId, seqNo: 1, body: { _: 'help.getConfig' } }]).slice();
  assert.deepEqual(packet.subarray(0, 8), key.id);
  const opened = openPacket(key, 0, fields.sessionId, packet);
  assert.equal(opened.msgId, msgId);
  assert.equal(opened.seqNo, 1);
  assert.equal(opened.salt, fields.salt);
  assert.deepEqual(deserialize(opened.body), { _: 'help.getConfig' });
  // Server direction, session unknown in advance: the packet's own session_id is read and returned.
  const back = sealPacket({ key, x: 0, ...fields }, [{ msgId, seqNo: 3, body: serialize({ _: 'ping', pingId: 7n }) }]).slice();
  const any = openPacketAnySession(key, back);
  assert.equal(any.sessionId, fields.sessionId);
  assert.deepEqual(deserialize(any.body), { _: 'ping', pingId: 7n });
  assert.throws(() => openPacket(key, 8, fields.sessionId, back), (e: unknown) => e instanceof SecurityError && e.check === 'msg_key');
  const tampered = back.slice();
  tampered[40] ^= 1;
  assert.throws(() => openPacketAnySession(key, tampered), (e: unknown) => e instanceof SecurityError && e.check === 'msg_key');
});

test('packets: a container of several messages, and gzip_packed for a large compressible body', () => {
  const g = new MsgIdGenerator();
  const big = { _: 'help.getAppConfig', hash: 0 } as const;
  const messages = [
    { msgId: g.next(), seqNo: 1, body: { _: 'ping', pingId: 1n } as const },
    { msgId: g.next(), seqNo: 0, body: { _: 'msgs_ack', msgIds: Array.from({ length: 600 }, (_, i) => BigInt(i)) } as const, gzipMin: 256 },
    { msgId: g.next(), seqNo: 3, body: big },
  ];
  const container = { msgId: g.next(), seqNo: 4 };
  const packet = sealPacket({ key, x: 8, ...fields }, messages, container).slice();
  const opened = openPacket(key, 8, fields.sessionId, packet);
  assert.equal(opened.msgId, container.msgId);
  assert.equal(bodyId(opened.body), MSG_CONTAINER);
  const items = unpackContainer(opened.body, opened.msgId);
  assert.deepEqual(items.map((i) => [i.msgId, i.seqNo]), messages.map((m) => [m.msgId, m.seqNo]));
  assert.equal(bodyId(items[1].body), GZIP_PACKED);
  assert.ok(items[1].body.length < 600 * 8 / 2, 'the ack list was compressed');
  assert.deepEqual(deserialize(items[1].body), messages[1].body); // gzip_packed is transparent
  assert.deepEqual(deserialize(items[2].body), big);
  assert.throws(() => sealPacket({ key, x: 8, ...fields }, messages), RangeError); // no container id given
});

function container(items: Array<{ msgId: bigint; seqNo: number; body: Uint8Array; length?: number }>, count = items.length): Uint8Array {
  const w = new TlWriter();
  w.uint(MSG_CONTAINER);
  w.int(count);
  for (const i of items) {
    w.long(i.msgId);
    w.int(i.seqNo);
    w.int(i.length ?? i.body.length);
    w.raw(i.body);
  }
  return w.result().slice();
}

test('containers: every violation rejects the whole container', () => {
  const body = serialize({ _: 'ping', pingId: 1n });
  const ok = container([{ msgId: 8n, seqNo: 1, body }, { msgId: 12n, seqNo: 3, body }]);
  assert.equal(unpackContainer(ok, 16n).length, 2);
  const rejects: Array<[string, Uint8Array, bigint]> = [
    ['item msg_id not below the container', ok, 12n],
    ['nested container', container([{ msgId: 8n, seqNo: 0, body: ok }]), 100n],
    ['duplicate msg_id', container([{ msgId: 8n, seqNo: 1, body }, { msgId: 8n, seqNo: 3, body }]), 16n],
    ['length past the end', container([{ msgId: 8n, seqNo: 1, body, length: 400 }]), 16n],
    ['length not a multiple of 4', container([{ msgId: 8n, seqNo: 1, body, length: 6 }]), 16n],
    ['count over 1024', container([], 1025), 16n],
    ['count beyond the items', container([{ msgId: 8n, seqNo: 1, body }], 2), 16n],
    ['trailing bytes', new Uint8Array([...ok, 0, 0, 0, 0]), 16n],
  ];
  for (const [what, bytes, id] of rejects) assert.throws(() => unpackContainer(bytes, id), TlError, what);
});

test('rpc_result: plain, gzip_packed and rpc_error results', () => {
  const result = serialize({ _: 'nearestDc', country: 'ZZ', thisDc: 2, nearestDc: 2 });
  const plain = serialize({ _: 'rpc_result', reqMsgId: 44n, result: { _: 'nearestDc', country: 'ZZ', thisDc: 2, nearestDc: 2 } });
  assert.deepEqual(readRpcResult(plain), { reqMsgId: 44n, result });
  const packed = serialize({ _: 'rpc_result', reqMsgId: 45n, result: { _: 'gzip_packed', packedData: gzip(result) } });
  assert.deepEqual(readRpcResult(packed).result, result);
  const error = serialize({ _: 'rpc_result', reqMsgId: 46n, result: { _: 'rpc_error', errorCode: 420, errorMessage: 'FLOOD_WAIT_7' } });
  assert.deepEqual(readRpcResult(error), { reqMsgId: 46n, error: { code: 420, message: 'FLOOD_WAIT_7' } });
  assert.throws(() => readRpcResult(serialize({ _: 'ping', pingId: 1n })), TlError);
  assert.throws(() => readRpcResult(plain.subarray(0, 12)), TlError);
});

test('RpcError: FLOOD_WAIT_X seconds and *_MIGRATE_X dc parsed', () => {
  const flood = new RpcError(420, 'FLOOD_WAIT_30', 'messages.sendMessage');
  assert.equal(flood.seconds, 30);
  assert.equal(flood.dcId, undefined);
  assert.equal(flood.kind, 'FLOOD_WAIT_X');
  assert.match(flood.message, /420 FLOOD_WAIT_30 \(in messages.sendMessage\)/);
  const migrate = new RpcError(303, 'PHONE_MIGRATE_4');
  assert.equal(migrate.dcId, 4);
  assert.equal(new RpcError(303, 'FILE_MIGRATE_5').dcId, 5);
  assert.equal(new RpcError(420, 'SLOWMODE_WAIT_12').seconds, 12);
  const plain = new RpcError(400, 'PEER_ID_INVALID');
  assert.equal(plain.seconds, undefined);
  assert.equal(plain.kind, 'PEER_ID_INVALID');
});

test('update stream: listeners, a bounded async iterator, end()', async () => {
  const s = new UpdateStream<number>(3);
  const seen: number[] = [];
  const off = s.on((u) => seen.push(u));
  s.push(0); // nobody iterates yet: not buffered
  const it = s[Symbol.asyncIterator]();
  for (let i = 1; i <= 5; i++) s.push(i);
  assert.equal(s.dropped, 2);
  assert.deepEqual([(await it.next()).value, (await it.next()).value, (await it.next()).value], [3, 4, 5]);
  const pending = it.next();
  s.push(6);
  assert.deepEqual(await pending, { value: 6, done: false });
  off();
  s.push(7);
  assert.deepEqual(seen, [0, 1, 2, 3, 4, 5, 6]);
  s.end();
  assert.equal((await it.next()).value, 7);
  assert.equal((await it.next()).done, true);
});

test('storage: memory and file storage round-trip a session; the file is 0600 and survives a new instance', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mtproto-storage-'));
  try {
    const path = join(dir, 'session.json');
    const session = { dcId: 2, authKey: seededBytes(9, 256), salt: -123456789012345678n, timeOffset: -3600.5 };
    const memory = new MemoryStorage();
    memory.set('a', session);
    assert.deepEqual(memory.get('a'), session);
    const file = new FileStorage(path);
    assert.equal(await file.get('a'), undefined);
    await file.set('a', session);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.deepEqual(await new FileStorage(path).get('a'), session);
    await file.delete('a');
    assert.equal(await new FileStorage(path).get('a'), undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
