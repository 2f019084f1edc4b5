// The cloud over loopback with our client: two users exchanging messages with pushes received live
// (the sender's other session too, never the sending one), pts contiguous across pushes, a client
// offline while messages, edits and deletions happen catching up with getDifference, and a disk-backed
// server restarted on the same data directory (users, messages, the signed-in auth key survive).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryStorage } from '../src/client/storage/memory.ts';
import { DiskCloudStore } from '../src/server/cloud/disk-store.ts';
import type { TlObject } from '../src/tl/generated/types.ts';
import { connectClient, newUser, rpcError, signIn, startServer, until } from './helpers/cloud.ts';

const T = { timeout: 30_000 };

test('two users chat: pushes arrive live, the sender\'s other session sees its own message, pts contiguous', T, async () => {
  const server = await startServer();
  try {
    const a = await newUser(server, 'Alice');
    const b = await newUser(server, 'Bob');
    // Alice's second device: another auth key signed in to the same account.
    const a2client = connectClient(server);
    const a2pushed: TlObject[] = [];
    a2client.updates.on((u) => a2pushed.push(u));
    await a2client.connect();
    await signIn(a2client, a.phone);
    const bStart = (await b.client.invoke({ _: 'updates.getState' })).pts;
    const aStart = (await a.client.invoke({ _: 'updates.getState' })).pts;
    const N = 20;
    for (let i = 0; i < N; i++) {
      const from = i % 3 === 2 ? b : a;
      const to = from === a ? b : a;
      const sent = await from.client.invoke({ _: 'messages.sendMessage', peer: to.peer, message: `msg ${i}`, randomId: BigInt(1000 + i) });
      assert.equal(sent._, 'updateShortSentMessage');
    }
    const fromA = N - Math.floor(N / 3);
    await until(() => b.pushed.filter((u) => u._ === 'updateShortMessage').length === fromA, 5000, 'Bob\'s pushes');
    await until(() => a2pushed.filter((u) => u._ === 'updateShortMessage').length === N, 5000, 'Alice\'s second device');
    await until(() => a.pushed.filter((u) => u._ === 'updateShortMessage').length === N - fromA, 5000, 'Alice\'s pushes');
    // The sending session never gets its own message pushed; the other device gets both directions.
    assert.ok(a.pushed.filter((u) => u._ === 'updateShortMessage').every((u: any) => !u.out));
    const mine = a2pushed.filter((u: any) => u._ === 'updateShortMessage' && u.out).length;
    assert.equal(mine, fromA);
    // pts: Bob's pushes and his own sends' answers tile his pts range.
    const bPts = b.pushed.filter((u) => u._ === 'updateShortMessage').map((u: any) => u.pts);
    const a2Pts = a2pushed.filter((u) => u._ === 'updateShortMessage').map((u: any) => [u.pts, u.ptsCount]);
    let p = aStart;
    for (const [pts, count] of a2Pts) {
      assert.equal(pts - count, p);
      p = pts;
    }
    assert.equal(p, aStart + N);
    assert.ok(bPts.every((x, i) => i === 0 || x > bPts[i - 1]));
    assert.equal((await b.client.invoke({ _: 'updates.getState' })).pts, bStart + N);
    // Messages carry the text in order.
    const h = await b.client.invoke({ _: 'messages.getHistory', peer: a.peer, offsetId: 0, offsetDate: 0, addOffset: 0, limit: 100, maxId: 0, minId: 0, hash: 0n });
    assert.deepEqual((h as any).messages.map((m: any) => m.message).reverse(), Array.from({ length: N }, (_, i) => `msg ${i}`));
    // Reads and edits are pushed too.
    await b.client.invoke({ _: 'messages.readHistory', peer: a.peer, maxId: 0 });
    await until(() => a.pushed.some((u: any) => u.updates?.[0]?._ === 'updateReadHistoryOutbox'), 5000, 'read receipt');
    await a.client.invoke({ _: 'messages.editMessage', peer: b.peer, id: 1, message: 'msg 0 (edited)' });
    await until(() => b.pushed.some((u: any) => u.updates?.[0]?._ === 'updateEditMessage'), 5000, 'edit');
    for (const c of [a.client, a2client, b.client]) await c.close();
  } finally {
    await server.close();
  }
});

test('offline client: getDifference brings the messages, edits and deletions it missed, none twice', T, async () => {
  const server = await startServer();
  try {
    const a = await newUser(server, 'Alice');
    const storage = new MemoryStorage();
    const bClient = connectClient(server, { storage, storageName: 'bob' });
    await bClient.connect();
    const bob = await signIn(bClient, '9996629001', 'Bob');
    const bPeer = { _: 'inputPeerUser' as const, userId: bob.id, accessHash: bob.accessHash! };
    await a.client.invoke({ _: 'messages.sendMessage', peer: bPeer, message: 'before', randomId: 1n });
    const saved = await bClient.invoke({ _: 'updates.getState' });
    await bClient.close();
    // While Bob is away.
    for (let i = 1; i <= 5; i++) await a.client.invoke({ _: 'messages.sendMessage', peer: bPeer, message: `away ${i}`, randomId: BigInt(10 + i) });
    await a.client.invoke({ _: 'messages.editMessage', peer: bPeer, id: 3, message: 'away 2 (edited)' });
    await a.client.invoke({ _: 'messages.deleteMessages', revoke: true, id: [4] });
    // Bob comes back on the same auth key: still signed in, catches up.
    const back = connectClient(server, { storage, storageName: 'bob' });
    const live: TlObject[] = [];
    back.updates.on((u) => live.push(u));
    await back.connect();
    const d = await back.invoke({ _: 'updates.getDifference', pts: saved.pts, date: saved.date, qts: saved.qts }) as any;
    assert.equal(d._, 'updates.difference');
    assert.deepEqual(d.newMessages.map((m: any) => m.message), ['away 1', 'away 2', 'away 3', 'away 4', 'away 5']);
    assert.deepEqual(d.otherUpdates.map((u: any) => u._), ['updateEditMessage', 'updateDeleteMessages']);
    assert.equal(d.otherUpdates[0].message.message, 'away 2 (edited)');
    assert.equal(d.state.pts, saved.pts + 7);
    assert.equal((await back.invoke({ _: 'updates.getDifference', pts: d.state.pts, date: d.state.date, qts: 0 }))._, 'updates.differenceEmpty');
    // Live again from here.
    await a.client.invoke({ _: 'messages.sendMessage', peer: bPeer, message: 'welcome back', randomId: 99n });
    await until(() => live.some((u: any) => u.message === 'welcome back'), 5000, 'live push');
    assert.equal((live.find((u: any) => u.message === 'welcome back') as any).pts, d.state.pts + 1);
    await back.close();
    await a.client.close();
  } finally {
    await server.close();
  }
});

test('disk store: a restarted server keeps users, messages, pts and the signed-in auth key', T, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cloud-'));
  try {
    let server = await startServer({ dataDir: dir });
    const storage = new MemoryStorage();
    const aClient = connectClient(server, { storage, storageName: 'alice' });
    await aClient.connect();
    const alice = await signIn(aClient, '9996628101', 'Alice');
    const b = await newUser(server, 'Bob');
    await aClient.invoke({ _: 'account.updateUsername', username: 'alice_disk' });
    for (let i = 1; i <= 3; i++) await aClient.invoke({ _: 'messages.sendMessage', peer: b.peer, message: `kept ${i}`, randomId: BigInt(i) });
    await b.client.invoke({ _: 'messages.sendMessage', peer: { _: 'inputPeerUser', userId: alice.id, accessHash: alice.accessHash! }, message: 'reply', randomId: 1n });
    const before = await aClient.invoke({ _: 'updates.getState' });
    await aClient.close();
    await b.client.close();
    await server.close();

    server = await startServer({ dataDir: dir }); // a new port, the same data
    const again = connectClient(server, { storage, storageName: 'alice' });
    await again.connect();
    const state = await again.invoke({ _: 'updates.getState' }); // no sign-in: the key is known and bound
    assert.equal(state.pts, before.pts);
    const h = await again.invoke({ _: 'messages.getHistory', peer: b.peer, offsetId: 0, offsetDate: 0, addOffset: 0, limit: 10, maxId: 0, minId: 0, hash: 0n }) as any;
    assert.deepEqual(h.messages.map((m: any) => m.message), ['reply', 'kept 3', 'kept 2', 'kept 1']);
    const r = await again.invoke({ _: 'contacts.resolveUsername', username: 'alice_disk' }) as any;
    assert.equal(r.peer.userId, alice.id);
    // New messages continue the ids and pts.
    const sent = await again.invoke({ _: 'messages.sendMessage', peer: b.peer, message: 'after restart', randomId: 50n }) as any;
    assert.deepEqual([sent.id, sent.pts], [5, before.pts + 1]);
    await rpcError(again.invoke({ _: 'messages.sendMessage', peer: b.peer, message: 'dup', randomId: 3n }), 400, 'RANDOM_ID_DUPLICATE');
    await again.close();
    await server.close();

    // A torn last record (a crash mid-write) is dropped; everything before it stays.
    const log = join(dir, 'cloud.log');
    const size = readFileSync(log).length;
    appendFileSync(log, '[{"t":"user","user":{"id":99,');
    const store = new DiskCloudStore(dir);
    assert.equal(readFileSync(log).length, size);
    assert.equal(store.user(99), undefined);
    assert.equal(store.userByUsername('alice_disk')?.id, Number(alice.id));
    assert.equal(store.history(Number(alice.id), Number(b.id)).length, 5);
    store.createUser({ accessHash: 1n, phone: '9996628199', firstName: 'Z', lastName: '', createdAt: 0 });
    store.close();
    const reopened = new DiskCloudStore(dir);
    assert.equal(reopened.userByPhone('9996628199')?.firstName, 'Z');
    reopened.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
