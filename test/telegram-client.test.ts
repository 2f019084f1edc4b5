// TelegramClient against our server's cloud over loopback: sign-in (sign-up, stored session), peers,
// messages both ways with live updates, history, dialogs, edit/read/delete, a client offline (closed, then
// restarted from its FileStorage) catching up through getDifference.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MtprotoServer } from '../src/server/mtproto-server.ts';
import { TelegramClient, type TelegramClientOptions } from '../src/client/telegram-client.ts';
import { FileStorage } from '../src/client/storage/file.ts';
import { RpcError } from '../src/errors.ts';
import type { RawMessage, TypeUpdate } from '../src/tl/generated/types.ts';
import { serverKey } from './helpers/exchange.ts';

const T = { timeout: 30_000 };
let server: MtprotoServer;
let dir: string;
const clients: TelegramClient[] = [];

before(async () => {
  server = await MtprotoServer.listen({ port: 0, privateKey: serverKey() });
  dir = mkdtempSync(join(tmpdir(), 'tg-client-'));
});

after(async () => {
  for (const c of clients) await c.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

let phones = 3000;
const nextPhone = () => `99966 2 ${phones++}`;

function client(options: Partial<TelegramClientOptions> = {}): { tg: TelegramClient; got: TypeUpdate[] } {
  const tg = new TelegramClient({ host: server.host, port: server.port, publicKeys: [server.publicKey], pingIntervalMs: 0, timeoutMs: 10_000, ...options });
  clients.push(tg);
  const got: TypeUpdate[] = [];
  tg.updates.on((u) => got.push(u));
  return { tg, got };
}

async function until(predicate: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const messagesOf = (got: TypeUpdate[]) => got.filter((u) => u._ === 'updateNewMessage').map((u) => u.message as RawMessage);

test('sign up, sign in again from the stored session, getMe, usernames', T, async () => {
  const storage = new FileStorage(join(dir, 'alice.json'));
  const phone = nextPhone();
  const { tg } = client({ storage });
  assert.equal(tg.signedIn, false);
  const asked: string[] = [];
  const user = await tg.signIn(phone, async ({ phone: p }) => (asked.push(p), '22222'), { firstName: 'Alice', lastName: 'A' });
  assert.deepEqual(asked, [phone.replace(/\s/g, '')]);
  assert.equal(user.firstName, 'Alice');
  assert.equal(tg.signedIn, true);
  assert.equal((await tg.getMe()).id, user.id);
  await tg.invoke({ _: 'account.updateUsername', username: 'alice_tc' });
  await tg.close();

  // A new client on the same storage is signed in already (same auth key, stored user id and pts).
  const again = client({ storage }).tg;
  await again.connect();
  assert.equal(again.signedIn, true);
  assert.equal(again.selfId, user.id);
  assert.equal((await again.getMe()).username, 'alice_tc');

  const { tg: other } = client();
  await other.signIn(nextPhone(), undefined, { firstName: 'Other' });
  const resolved = await other.resolveUsername('@alice_tc');
  assert.equal(resolved.id, user.id);
  await assert.rejects(other.signIn('12345'), (e: unknown) => e instanceof RpcError && e.text === 'PHONE_NUMBER_INVALID');
  await assert.rejects(other.signIn(nextPhone(), '11111'), (e: unknown) => e instanceof RpcError && e.text === 'PHONE_CODE_INVALID');
  await assert.rejects(other.resolveUsername('@nobody_here'), (e: unknown) => e instanceof RpcError);
  await assert.rejects(other.sendMessage(123456789, 'x'), RangeError); // no access hash known
});

test('two clients chat: live updates both ways, own messages in the sender\'s stream, history, dialogs, edit, read, delete', T, async () => {
  const a = client();
  const b = client();
  const alice = await a.tg.signIn(nextPhone(), undefined, { firstName: 'Alice' });
  const bob = await b.tg.signIn(nextPhone(), undefined, { firstName: 'Bob' });
  await b.tg.invoke({ _: 'account.updateUsername', username: 'bob_chat' });

  const m1 = await a.tg.sendMessage('@bob_chat', 'hello Bob');
  assert.equal(m1.out, true);
  assert.ok(m1.id > 0 && m1.date > 0);
  assert.deepEqual(m1.peerId, { _: 'peerUser', userId: bob.id });
  await until(() => messagesOf(b.got).length === 1, 'Bob receives');
  const in1 = messagesOf(b.got)[0];
  assert.equal(in1.message, 'hello Bob');
  assert.ok(!in1.out);
  assert.deepEqual(in1.peerId, { _: 'peerUser', userId: alice.id });
  // Bob learned Alice's access hash from the pushed users / or answers alike: he can answer by id.
  await b.tg.getDialogs();
  const m2 = await b.tg.sendMessage(Number(alice.id), 'hi Alice');
  await until(() => messagesOf(a.got).length === 2, 'Alice receives');
  assert.deepEqual(messagesOf(a.got).map((m) => [m.message, !!m.out]), [['hello Bob', true], ['hi Alice', false]]);
  assert.deepEqual(messagesOf(b.got).map((m) => [m.message, !!m.out]), [['hello Bob', false], ['hi Alice', true]]);

  const history = await a.tg.getHistory(bob.id, { limit: 10 });
  assert.deepEqual(history.map((m) => (m as RawMessage).message), ['hi Alice', 'hello Bob']);
  const older = await a.tg.getHistory(bob.id, { limit: 10, offsetId: history[0].id });
  assert.deepEqual(older.map((m) => (m as RawMessage).message), ['hello Bob']);
  const dialogs = await a.tg.getDialogs();
  assert.equal(dialogs.length, 1);
  assert.equal(dialogs[0].user?.id, bob.id);
  assert.equal((dialogs[0].message as RawMessage).message, 'hi Alice');

  const edited = await a.tg.editMessage(bob.id, m1.id, 'hello Bob (edited)');
  assert.equal(edited.message, 'hello Bob (edited)');
  await until(() => b.got.some((u) => u._ === 'updateEditMessage'), 'Bob sees the edit');
  await a.tg.readHistory(bob.id);
  await until(() => b.got.some((u) => u._ === 'updateReadHistoryOutbox'), 'Bob sees the read');
  const deleted = await b.tg.deleteMessages([m2.id], { revoke: true });
  assert.equal(deleted, 1);
  await until(() => a.got.some((u) => u._ === 'updateDeleteMessages'), 'Alice sees the deletion');
  assert.ok(b.got.some((u) => u._ === 'updateDeleteMessages'), 'the deleting client\'s own stream has it too');
  // pts: every client's state equals the server's.
  for (const c of [a.tg, b.tg]) assert.equal(c.updatesState!.pts, (await c.invoke({ _: 'updates.getState' })).pts);
});

test('offline: missed messages arrive through getDifference, after a reconnection and after a restart from storage', T, async () => {
  const storage = new FileStorage(join(dir, 'carol.json'));
  const a = client();
  const c = client({ storage });
  await a.tg.signIn(nextPhone(), undefined, { firstName: 'Alice' });
  const carol = await c.tg.signIn(nextPhone(), undefined, { firstName: 'Carol' });
  await a.tg.invoke({ _: 'users.getUsers', id: [{ _: 'inputUser', userId: carol.id, accessHash: carol.accessHash! }] });
  await a.tg.sendMessage(carol.id, 'before');
  await until(() => messagesOf(c.got).length === 1, 'first message');

  // 1. The connection drops and stays down while messages are sent; pushes to the dead connection are lost or late.
  c.tg.mtproto.dropConnection();
  for (let i = 0; i < 5; i++) await a.tg.sendMessage(carol.id, `while away ${i}`);
  await until(() => messagesOf(c.got).length === 6, 'catch-up after reconnecting');
  assert.deepEqual(messagesOf(c.got).map((m) => m.message), ['before', ...Array.from({ length: 5 }, (_, i) => `while away ${i}`)]);

  // 2. Carol's app is closed; more happens; a new process starts from the stored session.
  await c.tg.close();
  const sent: RawMessage[] = [];
  for (let i = 0; i < 7; i++) sent.push(await a.tg.sendMessage(carol.id, `offline ${i}`));
  await a.tg.editMessage(carol.id, sent[0].id, 'offline 0 (edited)');
  await a.tg.deleteMessages([sent[1].id], { revoke: true });
  const restarted = client({ storage });
  await restarted.tg.connect();
  assert.equal(restarted.tg.selfId, carol.id);
  await until(() => messagesOf(restarted.got).length === 7 && restarted.got.some((u) => u._ === 'updateDeleteMessages'), 'catch-up after a restart');
  // Only what was missed, once, in order (the first 6 are not replayed).
  assert.deepEqual(messagesOf(restarted.got).map((m) => m.message), Array.from({ length: 7 }, (_, i) => `offline ${i}`));
  assert.deepEqual(restarted.got.map((u) => u._), [...Array(7).fill('updateNewMessage'), 'updateEditMessage', 'updateDeleteMessages']);
  // Live again.
  await a.tg.sendMessage(carol.id, 'welcome back');
  await until(() => messagesOf(restarted.got).length === 8, 'live after the restart');
  assert.equal(restarted.got.length, 10);
});
