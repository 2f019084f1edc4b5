// Secret chats through TelegramClient (client.secretChats, fed by its updates engine) and MtprotoServer:
// updateEncryption reaching a user who was offline (getDifference's other_updates, once), state that
// survives a restart of the server (dataDir) and of a client (its Storage), and the pieces underneath —
// the cloud's seq log and the idempotent handling of a repeated updateEncryption.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MtprotoServer } from '../src/server/mtproto-server.ts';
import { TelegramClient, type TelegramClientOptions } from '../src/client/telegram-client.ts';
import { FileStorage } from '../src/client/storage/file.ts';
import { SecretChats, type SecretChatsEvent } from '../src/client/secret/manager.ts';
import { SecretChat } from '../src/client/secret/secret-chat.ts';
import type { Storage } from '../src/client/storage/storage.ts';
import type { TypeUpdate } from '../src/tl/generated/types.ts';
import { MemoryCloudStore } from '../src/server/cloud/memory-store.ts';
import { serverKey } from './helpers/exchange.ts';
import { DirectCloud } from './helpers/cloud-direct.ts';
import { Relay } from './helpers/secret-relay.ts';
import { until } from './helpers/cloud.ts';
import { signInAndOpenSecretChat } from './helpers/secret-pair.ts';
import { SecretRelay } from '../src/server/cloud/secret.ts';
import type { MethodContext } from '../src/server/methods.ts';
import type { RpcError } from '../src/errors.ts';
import { bigintToBytes } from '../src/crypto/bytes.ts';
import { TELEGRAM_DH_PRIME } from '../src/crypto/dh.ts';

let phones = 5000;
const nextPhone = () => `9996625${String(phones++).slice(-3)}`;

interface Tg {
  tg: TelegramClient;
  events: SecretChatsEvent[];
  got: TypeUpdate[];
}

function open(server: MtprotoServer, storage: Storage, options: Partial<TelegramClientOptions> = {}): Tg {
  const tg = new TelegramClient({ host: server.host, port: server.port, publicKeys: [server.publicKey], pingIntervalMs: 0, timeoutMs: 10_000, storage, updatesGapMs: 100, ...options });
  const events: SecretChatsEvent[] = [];
  const got: TypeUpdate[] = [];
  tg.secretChats.on((e) => events.push(e));
  tg.updates.on((u) => got.push(u));
  return { tg, events, got };
}

const texts = (ev: SecretChatsEvent[]) => ev.flatMap((e) => (e.type === 'message' ? [e.message.message] : []));
const errors = (ev: SecretChatsEvent[]) => ev.filter((e) => e.type === 'error').map((e) => e.type === 'error' && `${e.error.name}: ${e.error.message}`);
const count = (ev: SecretChatsEvent[], type: SecretChatsEvent['type']) => ev.filter((e) => e.type === type).length;
const encryptionUpdates = (got: TypeUpdate[]) => got.filter((u) => u._ === 'updateEncryption').map((u) => (u as { chat: { _: string } }).chat._);

test('updateEncryption reaches an offline user through getDifference, once; a request and its acceptance survive restarts of either side', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'secret-client-'));
  const server = await MtprotoServer.listen({ port: 0, privateKey: serverKey() });
  const storageA = new FileStorage(join(dir, 'alice.json'));
  const storageB = new FileStorage(join(dir, 'bob.json'));
  let alice = open(server, storageA);
  let bob = open(server, storageB);
  try {
    const a = await alice.tg.signIn(nextPhone(), undefined, { firstName: 'Alice' });
    const b = await bob.tg.signIn(nextPhone(), undefined, { firstName: 'Bob' });
    await alice.tg.sendMessage({ _: 'inputPeerUser', userId: b.id, accessHash: b.accessHash! }, 'hi');
    assert.notEqual(a.id, b.id);
    await until(() => bob.got.some((u) => u._ === 'updateNewMessage'), 5000, 'hi at bob');

    // Bob goes offline; Alice asks for a secret chat; Bob is back (restarted from storage) and learns of it.
    await bob.tg.close();
    const requested = alice.tg.secretChats.request({ _: 'inputUser', userId: b.id, accessHash: b.accessHash! }).then(() => 'accepted', () => 'closed');
    await until(() => [...server.secretChats.chats.values()].length === 1, 5000, 'request at the server');
    bob = open(server, storageB);
    await bob.tg.connect();
    await until(() => count(bob.events, 'requested') === 1, 5000, 'request at bob after his restart');
    const chatId = bob.tg.secretChats.requests[0].chatId;

    // Alice goes offline before Bob accepts: her pending request (with its DH half) waits in her storage.
    await alice.tg.close();
    assert.equal(await requested, 'closed'); // this run's promise ends with the client
    const chatB = await bob.tg.secretChats.accept(chatId);
    bob.tg.secretChats.send(chatId, 'written before alice was back');
    await bob.tg.secretChats.flush();
    alice = open(server, storageA);
    await alice.tg.connect();
    await until(() => texts(alice.events).length === 1, 5000, 'acceptance and the first message at alice after her restart');
    assert.deepEqual(texts(alice.events), ['written before alice was back']);
    const chatA = alice.tg.secretChats.chat(chatId);
    assert.equal(chatA.keyFingerprint, chatB.keyFingerprint);
    assert.equal(count(alice.events, 'ready'), 1);

    // Later getDifference runs (a gap, a reconnection) do not bring the updateEncryption again.
    alice.tg.secretChats.send(chatId, 'and back');
    await until(() => texts(bob.events).length === 1, 5000, 'reply at bob');
    bob.tg.mtproto.dropConnection(); // reconnection → getDifference
    await until(() => bob.tg.mtproto.connected, 5000, 'bob reconnected');
    alice.tg.secretChats.send(chatId, 'after the reconnection');
    await until(() => texts(bob.events).length === 2, 5000, 'second reply at bob');
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(encryptionUpdates(bob.got), ['encryptedChatRequested']);
    assert.deepEqual(encryptionUpdates(alice.got), ['encryptedChat']);
    assert.equal(count(bob.events, 'requested'), 1);

    // Discarded while Alice is offline: she learns it on her return.
    await alice.tg.close();
    await bob.tg.secretChats.discard(chatId);
    alice = open(server, storageA);
    await alice.tg.connect();
    await until(() => count(alice.events, 'discarded') === 1, 5000, 'discard at alice after her restart');
    assert.equal(alice.tg.secretChats.chats.size, 0);
    assert.deepEqual(errors(alice.events), []);
    assert.deepEqual(errors(bob.events), []);
  } finally {
    await alice.tg.close();
    await bob.tg.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('restart of the server (dataDir) and of one client mid-chat: the chat goes on, nothing lost or duplicated', { timeout: 90_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'secret-restart-'));
  const dataDir = join(dir, 'server');
  let server = await MtprotoServer.listen({ port: 0, privateKey: serverKey(), dataDir });
  const port = server.port;
  const storageB = new FileStorage(join(dir, 'bob.json'));
  const chatOptions = { secretChats: { chat: { rekeyAfterMessages: 25 } } };
  const alice = open(server, new FileStorage(join(dir, 'alice.json')), chatOptions);
  let bob = open(server, storageB, chatOptions);
  const word = (who: string, i: number) => `${who}-${i}`;
  try {
    const chatA = await signInAndOpenSecretChat(alice.tg, bob.tg);
    const id = chatA.id;
    const M = 40;
    for (let i = 0; i < M; i++) {
      alice.tg.secretChats.send(id, word('a', i));
      bob.tg.secretChats.send(id, word('b', i));
      if (i % 10 === 9) await until(() => texts(bob.events).length > i && texts(alice.events).length > i, 10_000, `message ${i}`);
    }
    // Mid re-key if it happens to be: both stop here with whatever exchange is under way.
    await alice.tg.secretChats.flush();
    await bob.tg.secretChats.flush();
    await until(() => texts(bob.events).length === M && texts(alice.events).length === M, 10_000, 'first part');

    // Bob's client stops; the server restarts on its data directory; Alice writes while Bob is away.
    await bob.tg.close();
    await server.close();
    server = await MtprotoServer.listen({ port, privateKey: serverKey(), dataDir });
    assert.equal(server.secretChats.chats.get(id)?.state, 'ready');
    await until(() => alice.tg.mtproto.connected, 15_000, 'alice reconnected');
    for (let i = M; i < M + 20; i++) alice.tg.secretChats.send(id, word('a', i));
    await alice.tg.secretChats.flush();

    // Bob is back from his storage: he reads what Alice wrote and the chat goes on both ways.
    const before = texts(bob.events).length;
    bob = open(server, storageB, chatOptions);
    await bob.tg.connect();
    assert.ok(bob.tg.secretChats.chats.has(id), 'chat restored from storage');
    await until(() => texts(bob.events).length === 20, 10_000, 'alice\'s messages at bob after the restarts');
    for (let i = M; i < 2 * M; i++) {
      bob.tg.secretChats.send(id, word('b', i));
      if (i < M + 20) continue;
      alice.tg.secretChats.send(id, word('a', i));
    }
    await until(() => texts(alice.events).length === 2 * M && texts(bob.events).length === 2 * M - before, 15_000, 'second part');
    assert.deepEqual(texts(alice.events), Array.from({ length: 2 * M }, (_, i) => word('b', i)));
    assert.deepEqual(texts(bob.events), Array.from({ length: M }, (_, i) => word('a', M + i)));
    const chatB = bob.tg.secretChats.chat(id);
    await until(() => chatA.counters.in === chatB.counters.out && chatB.counters.in === chatA.counters.out, 10_000, 'settled');
    assert.equal(chatA.keyFingerprint, chatB.keyFingerprint);
    assert.ok(alice.events.filter((e) => e.type === 'key').length >= 2, 're-keyed on the way');
    assert.deepEqual(errors(alice.events), []);
    assert.deepEqual(errors(bob.events), []);
  } finally {
    await alice.tg.close();
    await bob.tg.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('cloud: updateEncryption is seq-ordered and logged; getDifference replays exactly those after the state date', async () => {
  const d = new DirectCloud(new MemoryCloudStore());
  const a = await d.user('9996620001', 'Alice');
  const s0 = await d.call(a.ctx, { _: 'updates.getState' });
  const chat = (id: number) => ({ _: 'encryptedChatDiscarded', historyDeleted: false, id });
  const seqs = [1, 2, 3].map((id) => d.cloud.postSeqUpdate(a.id, (date) => ({ _: 'updateEncryption', chat: chat(id), date }) as never));
  assert.deepEqual(seqs, [s0.seq + 1, s0.seq + 2, s0.seq + 3]);
  const dates = d.cloud.store.seqUpdatesAfter(a.id, 0, 10).map((e) => e.date);
  assert.ok(dates[0] < dates[1] && dates[1] < dates[2], `strictly increasing dates ${dates}`);
  const r = await d.call(a.ctx, { _: 'updates.getDifference', pts: s0.pts, qts: s0.qts, date: s0.date });
  assert.equal(r._, 'updates.difference');
  assert.deepEqual(r.otherUpdates.map((u: { chat: { id: number } }) => u.chat.id), [1, 2, 3]);
  assert.equal(r.state.seq, s0.seq + 3);
  // From the state it handed out: nothing again; from the second update's date: the third only.
  assert.equal((await d.call(a.ctx, { _: 'updates.getDifference', pts: s0.pts, qts: s0.qts, date: r.state.date }))._, 'updates.differenceEmpty');
  const third = await d.call(a.ctx, { _: 'updates.getDifference', pts: s0.pts, qts: s0.qts, date: dates[1] });
  assert.deepEqual(third.otherUpdates.map((u: { chat: { id: number } }) => u.chat.id), [3]);
  // A state handed out now is dated before any later seq update.
  const s1 = await d.call(a.ctx, { _: 'updates.getState' });
  d.cloud.postSeqUpdate(a.id, (date) => ({ _: 'updateEncryption', chat: chat(4), date }) as never);
  const late = await d.call(a.ctx, { _: 'updates.getDifference', pts: s1.pts, qts: s1.qts, date: s1.date });
  assert.deepEqual(late.otherUpdates.map((u: { chat: { id: number } }) => u.chat.id), [4]);
});

test('cloud: a clock stepped back after a state was handed out does not date a later seq update before it', async () => {
  const d = new DirectCloud(new MemoryCloudStore());
  const a = await d.user('9996620002', 'Alice');
  const s0 = await d.call(a.ctx, { _: 'updates.getState' });
  d.clock -= 60_000; // an NTP step back
  d.cloud.postSeqUpdate(a.id, (date) => ({ _: 'updateEncryption', chat: { _: 'encryptedChatDiscarded', historyDeleted: false, id: 9 }, date }) as never);
  const r = await d.call(a.ctx, { _: 'updates.getDifference', pts: s0.pts, qts: s0.qts, date: s0.date });
  assert.equal(r._, 'updates.difference', 'the update logged after the step back is missed');
  assert.deepEqual(r.otherUpdates.map((u: { chat: { id: number } }) => u.chat.id), [9]);
  assert.ok(r.state.date >= s0.date, 'state dates never go back');
});

test('relay: a user cannot pile up secret-chat requests in another user\'s updates (ENCRYPTION_REQUESTS_TOO_MUCH)', async () => {
  const d = new DirectCloud(new MemoryCloudStore());
  const relay = new SecretRelay(d.cloud, { maxWaitingRequests: 3 }).methods();
  const call = async (ctx: MethodContext, r: Record<string, unknown> & { _: string }) => (await relay[r._](r as never, ctx)) as any;
  const [a, b, c] = [await d.user('9996620003', 'A'), await d.user('9996620004', 'B'), await d.user('9996620005', 'C')];
  const gA = bigintToBytes(3n ** 2000n % TELEGRAM_DH_PRIME, 256);
  const request = (from: typeof a, to: typeof a) => call(from.ctx, { _: 'messages.requestEncryption', userId: to.input, randomId: 1, gA });
  const chats = [await request(a, b), await request(a, b), await request(a, c)];
  await assert.rejects(request(a, b), (e: RpcError) => e.code === 400 && e.text === 'ENCRYPTION_REQUESTS_TOO_MUCH');
  assert.equal(d.pushed.filter((p) => p.userId === b.id).length, 2);
  // Others are not limited by a's requests; a declined, accepted or withdrawn request frees a place.
  assert.equal((await request(b, a))._, 'encryptedChatWaiting');
  await call(b.ctx, { _: 'messages.discardEncryption', chatId: chats[0].id });
  assert.equal((await request(a, b))._, 'encryptedChatWaiting');
  await call(c.ctx, { _: 'messages.acceptEncryption', peer: { _: 'inputEncryptedChat', chatId: chats[2].id, accessHash: chats[2].accessHash }, gB: gA, keyFingerprint: 1n });
  await call(a.ctx, { _: 'messages.discardEncryption', chatId: chats[1].id });
  assert.equal((await request(a, c))._, 'encryptedChatWaiting');
  assert.equal((await request(a, c))._, 'encryptedChatWaiting');
  await assert.rejects(request(a, c), (e: RpcError) => e.text === 'ENCRYPTION_REQUESTS_TOO_MUCH');
});

test('cloud store: answered secret sends are kept for repeats up to maxAnsweredSends, the oldest dropped first', () => {
  const store = new MemoryCloudStore({ maxAnsweredSends: 2 });
  for (const key of ['1:1:1', '1:1:2', '1:1:3']) store.putEncryptedSend(key, { _: 'messages.sentEncryptedMessage', date: 1 } as never);
  assert.deepEqual(['1:1:1', '1:1:2', '1:1:3'].map((k) => store.encryptedSend(k) !== undefined), [false, true, true]);
});

test('SecretChats: a repeated updateEncryption is harmless (requested, accepted, discarded)', async () => {
  const calls: string[] = [];
  const m = new SecretChats({ invoke: async (r) => (calls.push(r._), true), ordered: true });
  const events: SecretChatsEvent[] = [];
  m.on((e) => events.push(e));
  const requested = { _: 'encryptedChatRequested', id: 5, accessHash: 1n, date: 1, adminId: 2n, participantId: 3n, gA: new Uint8Array(256).fill(7) };
  for (let i = 0; i < 3; i++) m.handleUpdate({ _: 'updateEncryption', chat: requested, date: 1 });
  assert.deepEqual(events.map((e) => e.type), ['requested']);
  assert.equal(m.requests.length, 1);
  // Exported and imported (a restart): still one request, and the same update again changes nothing.
  const m2 = new SecretChats({ invoke: async () => true, ordered: true });
  m2.importState(structuredClone(m.exportState()));
  const events2: SecretChatsEvent[] = [];
  m2.on((e) => events2.push(e));
  m2.handleUpdate({ _: 'updateEncryption', chat: requested, date: 1 });
  assert.equal(events2.length, 0);
  assert.equal(m2.requests.length, 1);
  const discarded = { _: 'encryptedChatDiscarded', historyDeleted: false, id: 5 };
  for (let i = 0; i < 3; i++) m2.handleUpdate({ _: 'updateEncryption', chat: discarded, date: 2 });
  m2.handleUpdate({ _: 'updateEncryption', chat: requested, date: 1 }); // an old copy after the discard
  assert.deepEqual(events2.map((e) => e.type), ['discarded']);
  assert.equal(m2.requests.length, 0);
  await assert.rejects(m2.accept(5));
});

test('SecretChats: ciphertexts of a chat it is not opening (accepted on another device, or unknown) are not kept', () => {
  const m = new SecretChats({ invoke: async () => true, ordered: true });
  const requested = { _: 'encryptedChatRequested', id: 5, accessHash: 1n, date: 1, adminId: 2n, participantId: 3n, gA: new Uint8Array(256).fill(7) };
  m.handleUpdate({ _: 'updateEncryption', chat: requested, date: 1 });
  for (const chatId of [5, 77]) {
    for (let i = 0; i < 3; i++) {
      m.handleUpdate({ _: 'updateNewEncryptedMessage', qts: 0, message: { _: 'encryptedMessage', randomId: BigInt(i), chatId, date: 1, bytes: new Uint8Array(1024), file: { _: 'encryptedFileEmpty' } } });
    }
  }
  assert.deepEqual(m.exportState().early, []);
});

test('SecretChat.exportState / restore: a pending re-key and messages held behind a gap carry over', () => {
  const relay = new Relay();
  relay.a.chat.start();
  relay.b.chat.start();
  relay.pump();
  for (let i = 0; i < 5; i++) relay.a.chat.sendText(`x ${i}`);
  relay.pump();
  // Bob accepts a re-key Alice asked for, but Alice does not see his AcceptKey yet.
  relay.a.offline = true;
  relay.a.chat.rekey();
  relay.pump();
  assert.equal(relay.b.chat.counters.rekeying, true);
  // One of Alice's messages is lost: the next ones are held at Bob, who asks for a resend.
  let drop = true;
  relay.filter = (to, out) => (to === 'b' && drop ? ((drop = false), undefined) : out.data);
  for (let i = 5; i < 9; i++) relay.a.chat.sendText(`x ${i}`);
  relay.pump();
  assert.equal(relay.b.chat.counters.held, 3);
  // Bob restarts: his chat comes back from its state (through the JSON form FileStorage writes).
  const state = relay.b.chat.exportState();
  const restored = SecretChat.restore(structuredClone(state), { send: (out) => (relay as unknown as { route(to: 'a' | 'b', o: unknown): void }).route('a', out) });
  restored.on((e) => relay.b.events.push(e));
  relay.b.chat.close();
  relay.b.chat = restored;
  assert.deepEqual(restored.counters, { ...state && relay.b.chat.counters });
  relay.a.offline = false;
  relay.pump();
  relay.a.chat.sendText('after');
  relay.b.chat.sendText('from b');
  relay.pump();
  assert.deepEqual(relay.texts(relay.b), [...Array.from({ length: 9 }, (_, i) => `x ${i}`), 'after']);
  assert.deepEqual(relay.texts(relay.a), ['from b']);
  assert.deepEqual(relay.errors(relay.a), []);
  assert.deepEqual(relay.errors(relay.b), []);
  assert.equal(relay.a.chat.keyFingerprint, relay.b.chat.keyFingerprint);
  assert.equal(relay.b.events.filter((e) => e.type === 'key').length, 1);
  assert.equal(relay.b.chat.counters.held, 0);
});
