// Private chats on the cloud, called directly: per-user boxes and pts, pushes (who gets what, with
// which `except`), every documented error of sendMessage/editMessage, history paging, dialogs, read
// state, edits and deletions on both sides, Saved Messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DirectCloud, rejects } from './helpers/cloud-direct.ts';

const send = (d: DirectCloud, ctx: any, peer: any, message: string, randomId: bigint) => d.call(ctx, { _: 'messages.sendMessage', peer, message, randomId });
const history = (d: DirectCloud, ctx: any, peer: any, o: Record<string, number> = {}) =>
  d.call(ctx, { _: 'messages.getHistory', peer, offsetId: 0, offsetDate: 0, addOffset: 0, limit: 100, maxId: 0, minId: 0, hash: 0n, ...o });
const state = (d: DirectCloud, ctx: any) => d.call(ctx, { _: 'updates.getState' });

test('sendMessage: per-user ids and pts, the answer, pushes to the peer and to the sender\'s other sessions', async () => {
  const d = new DirectCloud();
  const a = await d.user('9996621001', 'Alice');
  const a2 = await d.sessionOf('9996621001');
  const b = await d.user('9996621002', 'Bob');
  d.pushed.length = 0;
  const sent = await send(d, a.ctx, b.peer, 'hello', 11n);
  assert.deepEqual([sent._, sent.out, sent.id, sent.pts, sent.ptsCount], ['updateShortSentMessage', true, 1, 2, 1]);
  assert.equal(d.pushed.length, 2);
  const toB = d.pushed.find((p) => p.userId === b.id)!;
  assert.equal(toB.except, undefined);
  assert.deepEqual([toB.update._, toB.update.out, toB.update.id, toB.update.userId, toB.update.message, toB.update.pts], ['updateShortMessage', undefined, 1, BigInt(a.id), 'hello', 2]);
  const toA = d.pushed.find((p) => p.userId === a.id)!;
  assert.deepEqual(toA.except, { authKeyId: a.ctx.authKeyId, sessionId: a.ctx.sessionId });
  assert.deepEqual([toA.update._, toA.update.out, toA.update.userId, toA.update.pts], ['updateShortMessage', true, BigInt(b.id), 2]);
  assert.ok(a2);
  // Bob's box has its own ids: his first outgoing is id 2 there, and id 2 in Alice's box too (after her 1).
  const back = await send(d, b.ctx, a.peer, 'hi', 12n);
  assert.deepEqual([back.id, back.pts], [2, 3]);
  await send(d, a.ctx, { _: 'inputPeerSelf' }, 'note to self', 13n);
  const c = await d.user('9996621003', 'Carol');
  const toC = await send(d, a.ctx, c.peer, 'hey carol', 14n);
  assert.deepEqual([toC.id, toC.pts], [4, 5]); // Alice: ids 1 out, 2 in, 3 saved, 4 out; pts from 1: 2, 3, 4, 5
  const carolHas = await history(d, c.ctx, a.peer);
  assert.deepEqual(carolHas.messages.map((m: any) => [m.id, m.out, m.message, m.peerId.userId, m.fromId]), [[1, undefined, 'hey carol', BigInt(a.id), undefined]]);
  const aliceHas = await history(d, a.ctx, b.peer);
  assert.deepEqual(aliceHas.messages.map((m: any) => [m.id, m.out, m.fromId?.userId]), [[2, undefined, undefined], [1, true, BigInt(a.id)]]);
  assert.equal((await state(d, a.ctx)).pts, 5);
  assert.equal((await state(d, b.ctx)).pts, 3);
});

test('sendMessage errors: MESSAGE_EMPTY, MESSAGE_TOO_LONG, PEER_ID_INVALID, RANDOM_ID_DUPLICATE (no duplicate stored)', async () => {
  const d = new DirectCloud();
  const a = await d.user('9996621011');
  const b = await d.user('9996621012');
  await rejects(send(d, a.ctx, b.peer, '', 1n), 400, 'MESSAGE_EMPTY');
  await rejects(send(d, a.ctx, b.peer, ' \n\t ', 1n), 400, 'MESSAGE_EMPTY');
  await rejects(send(d, a.ctx, b.peer, 'x'.repeat(4097), 1n), 400, 'MESSAGE_TOO_LONG');
  assert.equal((await send(d, a.ctx, b.peer, 'x'.repeat(4096), 1n)).id, 1);
  for (const peer of [
    { _: 'inputPeerUser', userId: BigInt(b.id), accessHash: b.accessHash ^ 1n },
    { _: 'inputPeerUser', userId: 12345n, accessHash: 0n },
    { _: 'inputPeerUser', userId: -1n, accessHash: 0n },
    { _: 'inputPeerEmpty' },
    { _: 'inputPeerChat', chatId: 1n },
  ]) await rejects(send(d, a.ctx, peer, 'x', 2n), 400, 'PEER_ID_INVALID');
  await rejects(send(d, a.ctx, b.peer, 'again', 1n), 400, 'RANDOM_ID_DUPLICATE');
  assert.equal((await history(d, b.ctx, a.peer)).messages.length, 1);
  assert.equal((await state(d, b.ctx)).pts, 2);
  // The same random_id from another sender is fine.
  assert.equal((await send(d, b.ctx, a.peer, 'mine', 1n)).id, 2);
});

test('Saved Messages: one copy, out, pts once, pushed only to the user\'s other sessions', async () => {
  const d = new DirectCloud();
  const a = await d.user('9996621021');
  d.pushed.length = 0;
  const sent = await send(d, a.ctx, { _: 'inputPeerSelf' }, 'remember', 1n);
  assert.deepEqual([sent.id, sent.pts], [1, 2]);
  assert.equal(d.pushed.length, 1);
  assert.deepEqual(d.pushed[0].except?.authKeyId, a.ctx.authKeyId);
  const h = await history(d, a.ctx, a.peer);
  assert.deepEqual(h.messages.map((m: any) => [m.id, m.out, m.peerId.userId]), [[1, true, BigInt(a.id)]]);
  const edited = await d.call(a.ctx, { _: 'messages.editMessage', peer: { _: 'inputPeerSelf' }, id: 1, message: 'remember this' });
  assert.equal(edited.updates[0].message.message, 'remember this');
  assert.equal((await state(d, a.ctx)).pts, 3);
});

test('getHistory: offset_id, add_offset, limit, max_id, min_id, offset_date; messages vs messagesSlice', async () => {
  const d = new DirectCloud();
  const a = await d.user('9996621031');
  const b = await d.user('9996621032');
  for (let i = 1; i <= 25; i++) {
    d.clock += 1000;
    await send(d, i % 2 ? a.ctx : b.ctx, i % 2 ? b.peer : a.peer, `m${i}`, BigInt(i));
  }
  const ids = (r: any) => r.messages.map((m: any) => m.id);
  const range = (from: number, to: number) => Array.from({ length: from - to + 1 }, (_, i) => from - i);
  const first = await history(d, a.ctx, b.peer, { limit: 10 });
  assert.equal(first._, 'messages.messagesSlice');
  assert.equal(first.count, 25);
  assert.deepEqual(ids(first), range(25, 16));
  assert.deepEqual(ids(await history(d, a.ctx, b.peer, { limit: 10, offsetId: 16 })), range(15, 6));
  assert.equal((await history(d, a.ctx, b.peer, { limit: 10, offsetId: 16 })).offsetIdOffset, 10);
  assert.deepEqual(ids(await history(d, a.ctx, b.peer, { limit: 10, offsetId: 6 })), range(5, 1));
  assert.deepEqual(ids(await history(d, a.ctx, b.peer, { limit: 10, offsetId: 16, addOffset: -5 })), range(20, 11));
  assert.deepEqual(ids(await history(d, a.ctx, b.peer, { limit: 10, offsetId: 3, addOffset: -10 })), range(12, 3));
  // The window [pos-15, pos-5) starts before the newest message: only what is inside it (id 25) comes back.
  assert.deepEqual(ids(await history(d, a.ctx, b.peer, { limit: 10, offsetId: 20, addOffset: -15 })), [25]);
  assert.deepEqual(ids(await history(d, a.ctx, b.peer, { limit: 100, maxId: 10, minId: 4 })), range(9, 5));
  assert.deepEqual(ids(await history(d, a.ctx, b.peer, { limit: 3, minId: 20 })), range(25, 23));
  const all = await history(d, a.ctx, b.peer, { limit: 100 });
  assert.equal(all._, 'messages.messages');
  assert.deepEqual(ids(all), range(25, 1));
  assert.deepEqual(ids(await history(d, a.ctx, b.peer, { limit: 200 })), range(25, 1)); // limit capped at 100, still all
  const date10 = all.messages.find((m: any) => m.id === 10).date;
  assert.deepEqual(ids(await history(d, a.ctx, b.peer, { limit: 3, offsetDate: date10 })), range(9, 7));
  assert.deepEqual(ids(await history(d, a.ctx, b.peer, { limit: 0 })), []);
  assert.equal((await history(d, a.ctx, a.peer)).messages.length, 0);
  await rejects(history(d, a.ctx, { _: 'inputPeerUser', userId: BigInt(b.id), accessHash: 1n }), 400, 'PEER_ID_INVALID');
  assert.equal(all.users.length, 2);
});

test('getDialogs: newest first, paging, unread counts, read state from both sides', async () => {
  const d = new DirectCloud();
  const a = await d.user('9996621041', 'A');
  const b = await d.user('9996621042', 'B');
  const c = await d.user('9996621043', 'C');
  await send(d, b.ctx, a.peer, 'b1', 1n);
  await send(d, b.ctx, a.peer, 'b2', 2n);
  await send(d, a.ctx, { _: 'inputPeerSelf' }, 'self', 3n);
  await send(d, c.ctx, a.peer, 'c1', 4n);
  const dialogs = (o: Record<string, unknown> = {}) => d.call(a.ctx, { _: 'messages.getDialogs', offsetDate: 0, offsetId: 0, offsetPeer: { _: 'inputPeerEmpty' }, limit: 100, hash: 0n, ...o });
  const all = await dialogs();
  assert.equal(all._, 'messages.dialogs');
  assert.deepEqual(all.dialogs.map((x: any) => [Number(x.peer.userId), x.topMessage, x.unreadCount]), [[c.id, 4, 1], [a.id, 3, 0], [b.id, 2, 2]]);
  assert.deepEqual(all.messages.map((m: any) => m.message), ['c1', 'self', 'b2']);
  assert.equal(all.users.length, 3);
  const page = await dialogs({ limit: 2 });
  assert.equal(page._, 'messages.dialogsSlice');
  assert.equal(page.count, 3);
  assert.equal(page.dialogs.length, 2);
  const rest = await dialogs({ limit: 2, offsetId: page.dialogs[1].topMessage, offsetDate: page.messages[1].date, offsetPeer: { _: 'inputPeerSelf' } });
  assert.deepEqual(rest.dialogs.map((x: any) => Number(x.peer.userId)), [b.id]);

  // Alice reads Bob's first message, then all.
  d.pushed.length = 0;
  const r1 = await d.call(a.ctx, { _: 'messages.readHistory', peer: b.peer, maxId: 1 });
  assert.deepEqual([r1._, r1.ptsCount], ['messages.affectedMessages', 1]);
  const inbox = d.pushed.find((p) => p.userId === a.id)!;
  assert.equal(inbox.except?.authKeyId, a.ctx.authKeyId);
  assert.deepEqual([inbox.update.updates[0]._, inbox.update.updates[0].maxId, inbox.update.updates[0].stillUnreadCount], ['updateReadHistoryInbox', 1, 1]);
  const outbox = d.pushed.find((p) => p.userId === b.id)!;
  assert.deepEqual([outbox.update.updates[0]._, outbox.update.updates[0].maxId, Number(outbox.update.updates[0].peer.userId)], ['updateReadHistoryOutbox', 1, a.id]);
  const r2 = await d.call(a.ctx, { _: 'messages.readHistory', peer: b.peer, maxId: 0 });
  assert.equal(r2.ptsCount, 1);
  assert.equal(r2.pts, r1.pts + 1);
  const r3 = await d.call(a.ctx, { _: 'messages.readHistory', peer: b.peer, maxId: 0 });
  assert.deepEqual([r3.pts, r3.ptsCount], [r2.pts, 0]); // nothing new to read
  const after = await dialogs();
  assert.deepEqual(after.dialogs.find((x: any) => Number(x.peer.userId) === b.id).unreadCount, 0);
  assert.equal((await state(d, a.ctx)).unreadCount, 1);
  // Bob sees his messages read (ids in his box: 1 and 2).
  const bobs = await d.call(b.ctx, { _: 'messages.getDialogs', offsetDate: 0, offsetId: 0, offsetPeer: { _: 'inputPeerEmpty' }, limit: 10, hash: 0n });
  assert.equal(bobs.dialogs[0].readOutboxMaxId, 2);
});

test('editMessage: both sides get updateEditMessage; MESSAGE_ID_INVALID, MESSAGE_AUTHOR_REQUIRED, MESSAGE_NOT_MODIFIED, MESSAGE_EMPTY, MESSAGE_EDIT_TIME_EXPIRED', async () => {
  const d = new DirectCloud();
  const a = await d.user('9996621051');
  const b = await d.user('9996621052');
  const c = await d.user('9996621053');
  await send(d, a.ctx, b.peer, 'draft', 1n); // a:1 b:1
  await send(d, b.ctx, a.peer, 'reply', 2n); // a:2 b:2
  await send(d, a.ctx, c.peer, 'to carol', 3n); // a:3
  const edit = (ctx: any, peer: any, id: number, fields: Record<string, unknown>) => d.call(ctx, { _: 'messages.editMessage', peer, id, ...fields });
  await rejects(edit(a.ctx, b.peer, 99, { message: 'x' }), 400, 'MESSAGE_ID_INVALID');
  await rejects(edit(a.ctx, b.peer, 3, { message: 'x' }), 400, 'MESSAGE_ID_INVALID'); // in another chat
  await rejects(edit(a.ctx, b.peer, 2, { message: 'x' }), 403, 'MESSAGE_AUTHOR_REQUIRED');
  await rejects(edit(a.ctx, b.peer, 1, { message: 'draft' }), 400, 'MESSAGE_NOT_MODIFIED');
  await rejects(edit(a.ctx, b.peer, 1, {}), 400, 'MESSAGE_NOT_MODIFIED');
  await rejects(edit(a.ctx, b.peer, 1, { message: '  ' }), 400, 'MESSAGE_EMPTY');
  await rejects(edit(a.ctx, b.peer, 1, { message: 'x'.repeat(4097) }), 400, 'MESSAGE_TOO_LONG');
  d.pushed.length = 0;
  d.clock += 5000;
  const res = await edit(a.ctx, b.peer, 1, { message: 'final', entities: [{ _: 'messageEntityBold', offset: 0, length: 5 }] });
  assert.equal(res._, 'updates');
  assert.deepEqual([res.updates[0]._, res.updates[0].message.message, res.updates[0].message.editDate, res.updates[0].pts], ['updateEditMessage', 'final', d.ctx().now, 5]);
  const toB = d.pushed.find((p) => p.userId === b.id)!.update.updates[0];
  assert.deepEqual([toB._, toB.message.id, toB.message.message, toB.message.out, toB.message.entities[0]._], ['updateEditMessage', 1, 'final', undefined, 'messageEntityBold']);
  assert.equal((await history(d, b.ctx, a.peer)).messages.find((m: any) => m.id === 1).message, 'final');
  // Entities alone are a change.
  await edit(a.ctx, b.peer, 1, { message: 'final' });
  await rejects(edit(a.ctx, b.peer, 1, { message: 'final' }), 400, 'MESSAGE_NOT_MODIFIED');
  d.clock += 172_801_000;
  await rejects(edit(a.ctx, b.peer, 1, { message: 'late' }), 400, 'MESSAGE_EDIT_TIME_EXPIRED');
});

test('deleteMessages: own copies only, or both with revoke; pts_count is the number deleted', async () => {
  const d = new DirectCloud();
  const a = await d.user('9996621061');
  const b = await d.user('9996621062');
  for (let i = 1; i <= 5; i++) await send(d, a.ctx, b.peer, `m${i}`, BigInt(i));
  const before = (await state(d, a.ctx)).pts;
  d.pushed.length = 0;
  const del = await d.call(a.ctx, { _: 'messages.deleteMessages', id: [1, 2, 2, 77] });
  assert.deepEqual([del.pts, del.ptsCount], [before + 2, 2]);
  assert.equal(d.pushed.length, 1); // only Alice's other sessions
  assert.deepEqual(d.pushed[0].update.updates[0].messages, [1, 2]);
  assert.deepEqual((await history(d, a.ctx, b.peer)).messages.map((m: any) => m.id), [5, 4, 3]);
  assert.equal((await history(d, b.ctx, a.peer)).messages.length, 5);
  const bBefore = (await state(d, b.ctx)).pts;
  const rev = await d.call(a.ctx, { _: 'messages.deleteMessages', revoke: true, id: [3, 4] });
  assert.equal(rev.ptsCount, 2);
  const toB = d.pushed.find((p) => p.userId === b.id)!.update.updates[0];
  assert.deepEqual([toB._, toB.messages, toB.pts, toB.ptsCount], ['updateDeleteMessages', [3, 4], bBefore + 2, 2]);
  assert.deepEqual((await history(d, b.ctx, a.peer)).messages.map((m: any) => m.id), [5, 2, 1]);
  const none = await d.call(a.ctx, { _: 'messages.deleteMessages', revoke: true, id: [1, 3] });
  assert.deepEqual([none.pts, none.ptsCount], [rev.pts, 0]);
  // Bob revokes his copy of 5 (incoming): gone on both sides.
  await d.call(b.ctx, { _: 'messages.deleteMessages', revoke: true, id: [5] });
  assert.equal((await history(d, a.ctx, b.peer)).messages.length, 0);
});
