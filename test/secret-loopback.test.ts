// Secret chats through our server: two of our clients (MtprotoClient + SecretChats) open a chat via
// SecretRelay, talk both ways (one side missing its pushes for a while and catching up through
// updates.getDifference's qts), re-key on the way, send an encrypted file through the file service,
// close the chat — nothing lost or duplicated, and neither the server's store nor the traffic holds a plaintext.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, newUser, until, type TestUser } from './helpers/cloud.ts';
import { SecretRelay } from '../src/server/cloud/secret.ts';
import { FileService } from '../src/server/cloud/files.ts';
import { SecretChats, type SecretChatsEvent } from '../src/client/secret/manager.ts';
import type { MtprotoServer } from '../src/server/mtproto-server.ts';
import { md5 } from '../src/crypto/md5.ts';
import { serialize } from '../src/tl/codec.ts';
import type { TlObject } from '../src/tl/generated/types.ts';
import type { MethodHandler } from '../src/server/methods.ts';
import { UpdatesEngine } from '../src/client/updates/engine.ts';

const N = Number(process.env.SECRET_N ?? 1000);
const FILE_BYTES = Number(process.env.SECRET_FILE_MB ?? 20) * 1024 * 1024 + 1000;

type Mode = 'raw' | 'engine';

/**
 * A client's secret chats. 'raw': fed MtprotoClient's pushes, the manager keeps qts itself and catches up
 * with catchUp(). 'engine': fed by the updates engine (src/client/updates, as TelegramClient will), which
 * keeps qts and runs getDifference; catching up is engine.sync().
 */
function manager(user: TestUser, mode: Mode, events: SecretChatsEvent[], onRequest?: (chatId: number) => void) {
  const invoke = (r: unknown) => user.client.invoke(r as never) as Promise<unknown>;
  const m = new SecretChats({ invoke, ordered: mode === 'engine', chat: { rekeyAfterMessages: 100 }, onRequest: onRequest && ((r) => onRequest(r.chatId)) });
  m.on((e) => events.push(e));
  const engine = new UpdatesEngine({
    invoker: {
      getState: () => invoke({ _: 'updates.getState' }) as never,
      getDifference: (from) => invoke({ _: 'updates.getDifference', pts: from.pts, date: from.date, qts: from.qts }) as never,
    },
    deliver: (u) => m.handleUpdate(u),
  });
  const listen = () => user.client.updates.on((u) => (mode === 'engine' ? engine.handle(u as never) : m.handleUpdate(u)));
  const init = async () => (mode === 'engine' ? (engine.start(), engine.idle()) : m.init());
  const catchUp = async () => (mode === 'engine' ? (engine.sync('back online'), engine.idle()) : m.catchUp());
  return { m, listen, init, catchUp, engine };
}

for (const mode of ['raw', 'engine'] as const) {
  const n = mode === 'raw' ? N : Math.min(N, 300);
  const fileBytes = mode === 'raw' ? FILE_BYTES : 1024 * 1024 + 1000;
  test(`secret chat through our server (${mode} updates): ${n} messages each way, offline catch-up, re-keys, a file, discard; no plaintext on the server`, { timeout: 180_000 }, async () => {
    const N = n;
    let server: MtprotoServer | undefined;
    const files = new FileService({ dcId: 2 });
    const relay = new SecretRelay(() => server!.cloud, { files });
    // What the server sees of the traffic once MTProto is decrypted: every message body it receives (hook),
    // every answer of the secret and file methods, and (below) every update pushed to the clients.
    const traffic: Uint8Array[] = [];
    const methods: Record<string, MethodHandler> = { ...files.methodRecord(), ...relay.methods() };
    for (const [name, handler] of Object.entries(methods)) {
      methods[name] = async (r, ctx) => {
        const answer: unknown = await handler(r, ctx);
        if (typeof answer === 'object' && answer !== null && !Array.isArray(answer)) traffic.push(serialize(answer as TlObject));
        return answer as boolean;
      };
    }
    server = await startServer({ methods, hooks: { badMsg: (m) => void traffic.push(m.body.slice()) } });
    const alice = await newUser(server, 'Alice');
    const bob = await newUser(server, 'Bob');
    const evA: SecretChatsEvent[] = [];
    const evB: SecretChatsEvent[] = [];
    const A = manager(alice, mode, evA);
    let bobAccept: Promise<unknown> | undefined;
    const B = manager(bob, mode, evB, (chatId) => (bobAccept = B.m.accept(chatId)));
    await A.init();
    await B.init();
    A.listen();
    let stopB = B.listen();
    try {
      const chatA = await A.m.request({ _: 'inputUser', userId: bob.id, accessHash: bob.accessHash });
      await until(() => bobAccept !== undefined, 5000, 'request at bob');
      await bobAccept;
      const chatB = B.m.chats.get(chatA.id)!;
      assert.equal(chatA.keyFingerprint, chatB.keyFingerprint);
      assert.ok(!chatA.originator === chatB.originator);
      const texts = (ev: SecretChatsEvent[]) => ev.flatMap((e) => (e.type === 'message' ? [e.message.message] : []));
      const secretWord = (who: string, i: number) => `plaintext-${who}-${i}-zebra`;
      // First half: both online, in bursts of 20 (a burst is encrypted before the other side's answers are read).
      for (let i = 0; i < N / 2; i++) {
        chatA.sendText(secretWord('a', i));
        chatB.sendText(secretWord('b', i));
        if (i % 20 === 19) await until(() => texts(evB).length > i && texts(evA).length > i, 20_000, `message ${i}`);
      }
      await until(() => texts(evB).length >= N / 2 && texts(evA).length >= N / 2, 60_000, 'first half');
      // Second half: bob's app misses its pushes, alice keeps writing; bob catches up by qts.
      stopB();
      for (let i = N / 2; i < N; i++) {
        chatA.sendText(secretWord('a', i));
        if (i % 20 === 19) await A.m.flush();
      }
      await A.m.flush();
      assert.equal(texts(evB).length, N / 2);
      stopB = B.listen();
      await B.catchUp();
      await until(() => texts(evB).length >= N, 20_000, 'bob caught up');
      for (let i = N / 2; i < N; i++) {
        chatB.sendText(secretWord('b', i));
        if (i % 20 === 19) await until(() => texts(evA).length > i, 20_000, `message ${i}`);
      }
      await until(() => texts(evB).length >= N && texts(evA).length >= N, 60_000, 'second half');
      const settled = () => chatA.counters.in === chatB.counters.out && chatB.counters.in === chatA.counters.out;
      await until(() => settled() && chatA.counters.held === 0 && chatB.counters.held === 0, 10_000, 'both sides settled');
      assert.deepEqual(texts(evB), Array.from({ length: N }, (_, i) => secretWord('a', i)));
      assert.deepEqual(texts(evA), Array.from({ length: N }, (_, i) => secretWord('b', i)));
      const keysA = evA.filter((e) => e.type === 'key').length;
      assert.ok(keysA >= Math.floor(N / 100), `${keysA} re-keys ${JSON.stringify(chatA.counters)} ${JSON.stringify(chatB.counters)} ${evA.filter((e) => e.type === "action").map((e) => e.type === "action" && e.action._).join(",").slice(0, 3000)}`);
      assert.equal(chatA.keyFingerprint, chatB.keyFingerprint);
      assert.deepEqual(evA.filter((e) => e.type === 'error'), []);
      assert.deepEqual(evB.filter((e) => e.type === 'error'), []);

      // An encrypted file: uploaded in parts (the ciphertext), sent with sendEncryptedFile, downloaded, checked.
      const data = new Uint8Array(fileBytes).map((_, i) => (i * 7 + 3) & 0xff);
      const prepared = chatA.prepareFile(data);
      const fileId = 77n;
      const part = 512 * 1024;
      const parts = Math.ceil(prepared.encrypted.length / part);
      const big = prepared.encrypted.length > 10 * 1024 * 1024;
      const uploads: Promise<unknown>[] = [];
      for (let p = 0; p < parts; p++) {
        const bytes = prepared.encrypted.subarray(p * part, (p + 1) * part);
        uploads.push(alice.client.invoke((big
          ? { _: 'upload.saveBigFilePart', fileId, filePart: p, fileTotalParts: parts, bytes }
          : { _: 'upload.saveFilePart', fileId, filePart: p, bytes }) as never));
      }
      await Promise.all(uploads);
      const input = big
        ? { _: 'inputEncryptedFileBigUploaded', id: fileId, parts, keyFingerprint: prepared.keyFingerprint }
        : { _: 'inputEncryptedFileUploaded', id: fileId, parts, md5Checksum: Buffer.from(md5(prepared.encrypted)).toString('hex'), keyFingerprint: prepared.keyFingerprint };
      chatA.sendFile(prepared, input, { fileName: 'data.bin' });
      await until(() => evB.some((e) => e.type === 'message' && e.file !== undefined), 10_000, 'file message');
      const fileEvent = evB.find((e) => e.type === 'message' && e.file !== undefined)!;
      assert.ok(fileEvent.type === 'message' && fileEvent.file);
      const chunks: Uint8Array[] = [];
      for (let offset = 0; ; offset += 1 << 20) {
        const r = (await bob.client.invoke({ _: 'upload.getFile', location: { _: 'inputEncryptedFileLocation', id: fileEvent.file.id!, accessHash: fileEvent.file.accessHash! }, offset: BigInt(offset), limit: 1 << 20 } as never)) as { _: string; bytes: Uint8Array };
        assert.equal(r._, 'upload.file');
        if (r.bytes.length === 0) break;
        chunks.push(r.bytes);
        if (r.bytes.length < 1 << 20) break;
      }
      const encrypted = Buffer.concat(chunks);
      assert.deepEqual(chatB.decryptFile(fileEvent, encrypted), data);

      // Close the chat: both sides see it discarded.
      await A.m.discard(chatA.id);
      await until(() => evB.some((e) => e.type === 'discarded'), 5000, 'discard at bob');
      assert.equal(relay.chats.get(chatA.id)?.state, 'discarded');

      // Nothing the server stores or relays holds a plaintext: search its state (chats, qts logs) for the words.
      const stored: Uint8Array[] = [];
      for (const c of relay.chats.values()) stored.push(c.gA, c.gB ?? new Uint8Array(0));
      for (const u of [alice, bob]) {
        for (const e of server.cloud.store.qtsUpdatesAfter(Number(u.id), 0, 1_000_000)) {
          const m = (e.update as { message: { bytes: Uint8Array } }).message;
          stored.push(m.bytes);
        }
      }
      assert.ok(stored.length >= 2 * N);
      for (const u of [alice, bob]) for (const p of u.pushed) traffic.push(serialize(p));
      assert.ok(traffic.length > 4 * N);
      const haystack = Buffer.concat([...stored, ...traffic].map((b) => Buffer.from(b)));
      // The search can find: the same word in a plaintext buffer is found (so a miss means something).
      assert.ok(Buffer.concat([haystack.subarray(0, 100), Buffer.from(secretWord('a', 1))]).indexOf('zebra') > 0);
      for (const needle of ['zebra', secretWord('a', 1), secretWord('b', N - 1), 'data.bin']) assert.equal(haystack.indexOf(needle), -1, needle);
      assert.equal(haystack.indexOf(Buffer.from(data.subarray(1000, 1032))), -1);
    } finally {
      A.engine.stop();
      B.engine.stop();
      await alice.client.close();
      await bob.client.close();
      await server.close();
    }
  });
}
