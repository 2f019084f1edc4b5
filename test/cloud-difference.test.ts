// updates.getState / getDifference on the cloud, called directly: replay of everything missed (new
// messages, edits, reads, deletions) with contiguous pts, slices, too-long differences, bad states,
// qts-bearing updates (room for secret chats).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryCloudStore } from '../src/server/cloud/memory-store.ts';
import { DirectCloud, rejects } from './helpers/cloud-direct.ts';

const diff = (d: DirectCloud, ctx: any, pts: number, o: Record<string, unknown> = {}) => d.call(ctx, { _: 'updates.getDifference', pts, date: 0, qts: 0, ...o });

/** Checks that each update's pts - pts_count is the previous pts, starting from `from`. */
function assertContiguous(updates: any[], from: number): number {
  let pts = from;
  for (const u of updates) {
    assert.equal(u.pts - u.ptsCount, pts, `${u._} at pts ${u.pts}`);
    pts = u.pts;
  }
  return pts;
}

test('getDifference: messages, edits, reads and deletions missed, once each, pts contiguous', async () => {
  const d = new DirectCloud();
  const a = await d.user('9996622001', 'A');
  const b = await d.user('9996622002', 'B');
  const start = (await d.call(b.ctx, { _: 'updates.getState' })).pts;
  assert.equal((await diff(d, b.ctx, start))._, 'updates.differenceEmpty');
  for (let i = 1; i <= 4; i++) await d.call(a.ctx, { _: 'messages.sendMessage', peer: b.peer, message: `m${i}`, randomId: BigInt(i) });
  await d.call(a.ctx, { _: 'messages.editMessage', peer: b.peer, id: 2, message: 'm2 edited' });
  await d.call(a.ctx, { _: 'messages.deleteMessages', revoke: true, id: [3] });
  await d.call(b.ctx, { _: 'messages.readHistory', peer: a.peer, maxId: 4 });
  await d.call(b.ctx, { _: 'messages.sendMessage', peer: a.peer, message: 'reply', randomId: 9n });
  const r = await diff(d, b.ctx, start);
  assert.equal(r._, 'updates.difference');
  assert.deepEqual(r.newMessages.map((m: any) => m.message), ['m1', 'm2', 'm3', 'm4', 'reply']);
  assert.deepEqual(r.otherUpdates.map((u: any) => u._), ['updateEditMessage', 'updateDeleteMessages', 'updateReadHistoryInbox']);
  assert.equal(r.state.pts, (await d.call(b.ctx, { _: 'updates.getState' })).pts);
  assert.equal(r.state.unreadCount, 0);
  assert.ok(r.users.some((u: any) => u.id === BigInt(a.id)));
  // pts accounting: the log replays contiguously from the start.
  const log = d.cloud.store.updatesAfter(b.id, start, 1000).map((e) => e.update);
  assert.equal(assertContiguous(log, start), r.state.pts);
  assert.equal((await diff(d, b.ctx, r.state.pts))._, 'updates.differenceEmpty');
  // From the middle: only what came after.
  const mid = await diff(d, b.ctx, start + 2);
  assert.deepEqual(mid.newMessages.map((m: any) => m.message), ['m3', 'm4', 'reply']);
  // Alice's log too.
  const aLog = d.cloud.store.updatesAfter(a.id, 1, 1000).map((e) => e.update);
  assertContiguous(aLog, 1);
  assert.deepEqual(aLog.map((u: any) => u._), ['updateNewMessage', 'updateNewMessage', 'updateNewMessage', 'updateNewMessage', 'updateEditMessage', 'updateDeleteMessages', 'updateReadHistoryOutbox', 'updateNewMessage']);
});

test('getDifference: differenceSlice by pts_limit and the cloud\'s limit, then the rest; differenceTooLong; bad states', async () => {
  const d = new DirectCloud(new MemoryCloudStore({ maxLoggedUpdates: 30 }), { differenceLimit: 10 });
  const a = await d.user('9996622011');
  const b = await d.user('9996622012');
  for (let i = 1; i <= 25; i++) await d.call(a.ctx, { _: 'messages.sendMessage', peer: b.peer, message: `m${i}`, randomId: BigInt(i) });
  const seen: string[] = [];
  let pts = 1;
  let rounds = 0;
  for (;;) {
    const r = await diff(d, b.ctx, pts);
    if (r._ === 'updates.differenceEmpty') break;
    rounds++;
    seen.push(...r.newMessages.map((m: any) => m.message));
    if (r._ === 'updates.differenceSlice') {
      assert.equal(r.intermediateState.pts, pts + r.newMessages.length);
      pts = r.intermediateState.pts;
    } else {
      assert.equal(r._, 'updates.difference');
      pts = r.state.pts;
    }
  }
  assert.equal(rounds, 3);
  assert.deepEqual(seen, Array.from({ length: 25 }, (_, i) => `m${i + 1}`));
  const small = await diff(d, b.ctx, 1, { ptsLimit: 3 });
  assert.deepEqual([small._, small.newMessages.length, small.intermediateState.pts], ['updates.differenceSlice', 3, 4]);
  assert.deepEqual(await diff(d, b.ctx, 1, { ptsTotalLimit: 5 }), { _: 'updates.differenceTooLong', pts: 26 });
  assert.equal((await diff(d, b.ctx, 21, { ptsTotalLimit: 5 }))._, 'updates.difference');
  await rejects(diff(d, b.ctx, 27), 400, 'PERSISTENT_TIMESTAMP_INVALID');
  await rejects(diff(d, b.ctx, 5, { qts: 1 }), 400, 'PERSISTENT_TIMESTAMP_INVALID');
  await rejects(diff(d, b.ctx, 0), 400, 'PERSISTENT_TIMESTAMP_EMPTY');
  // The log keeps 30 updates: older states cannot be replayed.
  for (let i = 26; i <= 40; i++) await d.call(a.ctx, { _: 'messages.sendMessage', peer: b.peer, message: `m${i}`, randomId: BigInt(i) });
  assert.deepEqual(await diff(d, b.ctx, 2), { _: 'updates.differenceTooLong', pts: 41 });
  assert.equal((await diff(d, b.ctx, 11))._, 'updates.differenceSlice');
});

test('qts: updates posted through the cloud (secret chats later) come back in new_encrypted_messages', async () => {
  const d = new DirectCloud();
  const a = await d.user('9996622021');
  const encrypted = (qts: number) => ({ _: 'updateNewEncryptedMessage', message: { _: 'encryptedMessage', randomId: BigInt(qts), chatId: 7, date: 1, bytes: new Uint8Array([qts]), file: { _: 'encryptedFileEmpty' } }, qts }) as any;
  d.pushed.length = 0;
  assert.equal(d.cloud.postQtsUpdate(a.id, encrypted), 1);
  assert.equal(d.cloud.postQtsUpdate(a.id, encrypted), 2);
  assert.equal(d.pushed.length, 2);
  const s = await d.call(a.ctx, { _: 'updates.getState' });
  assert.deepEqual([s.pts, s.qts], [1, 2]);
  const r = await diff(d, a.ctx, 1, { qts: 0 });
  assert.equal(r._, 'updates.difference');
  assert.deepEqual(r.newEncryptedMessages.map((m: any) => m.bytes[0]), [1, 2]);
  assert.equal(r.state.qts, 2);
  assert.deepEqual(r.newMessages, []);
  assert.equal((await diff(d, a.ctx, 1, { qts: 1 })).newEncryptedMessages.length, 1);
  assert.equal((await diff(d, a.ctx, 1, { qts: 2 }))._, 'updates.differenceEmpty');
});
