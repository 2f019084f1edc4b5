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
import { md5 } from '../src/crypto/secret/md5.ts';

const N = Number(process.env.SECRET_N ?? 300);

function manager(user: TestUser, events: SecretChatsEvent[], onRequest?: (chatId: number) => void): { m: SecretChats; listen: () => () => void } {
  const m = new SecretChats({ invoke: (r) => user.client.invoke(r as never) as Promise<unknown>, chat: { rekeyAfterMessages: 100 }, onRequest: onRequest && ((r) => onRequest(r.chatId)) });
  m.on((e) => events.push(e));
  const listen = () => user.client.updates.on((u) => m.handleUpdate(u));
  return { m, listen };
}

test(`secret chat through our server: ${N} messages each way, offline catch-up, re-keys, a file, discard; no plaintext on the server`, { timeout: 120_000 }, async () => {
  let server: MtprotoServer | undefined;
  const files = new FileService({ dcId: 2 });
  const relay = new SecretRelay(() => server!.cloud, { files });
  // Everything the server sends and receives, raw (the test searches it for plaintext).
  server = await startServer({ methods: { ...files.methodRecord(), ...relay.methods() } });
  const alice = await newUser(server, 'Alice');
  const bob = await newUser(server, 'Bob');
  const evA: SecretChatsEvent[] = [];
  const evB: SecretChatsEvent[] = [];
  const A = manager(alice, evA);
  let bobAccept: Promise<unknown> | undefined;
  const B = manager(bob, evB, (chatId) => (bobAccept = B.m.accept(chatId)));
  await A.m.init();
  await B.m.init();
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
    // First half: both online.
    for (let i = 0; i < N / 2; i++) {
      chatA.sendText(secretWord('a', i));
      chatB.sendText(secretWord('b', i));
    }
    await until(() => texts(evB).length >= N / 2 && texts(evA).length >= N / 2, 60_000, 'first half');
    // Second half: bob's app misses its pushes, alice keeps writing; bob catches up by qts.
    stopB();
    for (let i = N / 2; i < N; i++) chatA.sendText(secretWord('a', i));
    await A.m.flush();
    assert.equal(texts(evB).length, N / 2);
    stopB = B.listen();
    const caught = await B.m.catchUp();
    assert.ok(caught >= N / 2 - 5, `caught up ${caught}`);
    for (let i = N / 2; i < N; i++) chatB.sendText(secretWord('b', i));
    await until(() => texts(evB).length >= N && texts(evA).length >= N, 60_000, 'second half');
    await until(() => chatA.counters.held === 0 && chatB.counters.held === 0, 10_000, 'no held messages');
    assert.deepEqual(texts(evB), Array.from({ length: N }, (_, i) => secretWord('a', i)));
    assert.deepEqual(texts(evA), Array.from({ length: N }, (_, i) => secretWord('b', i)));
    const keysA = evA.filter((e) => e.type === 'key').length;
    assert.ok(keysA >= Math.floor(N / 100), `${keysA} re-keys`);
    assert.equal(chatA.keyFingerprint, chatB.keyFingerprint);
    assert.deepEqual(evA.filter((e) => e.type === 'error'), []);
    assert.deepEqual(evB.filter((e) => e.type === 'error'), []);

    // An encrypted file: uploaded in parts (the ciphertext), sent with sendEncryptedFile, downloaded, checked.
    const data = new Uint8Array(3 * 512 * 1024 + 1000).map((_, i) => (i * 7 + 3) & 0xff);
    const prepared = chatA.prepareFile(data);
    const fileId = 77n;
    const part = 512 * 1024;
    const parts = Math.ceil(prepared.encrypted.length / part);
    for (let p = 0; p < parts; p++) {
      await alice.client.invoke({ _: 'upload.saveFilePart', fileId, filePart: p, bytes: prepared.encrypted.subarray(p * part, (p + 1) * part) });
    }
    const md5hex = Buffer.from(md5(prepared.encrypted)).toString('hex');
    chatA.sendFile(prepared, { _: 'inputEncryptedFileUploaded', id: fileId, parts, md5Checksum: md5hex, keyFingerprint: prepared.keyFingerprint }, { fileName: 'data.bin' });
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
    const haystack = Buffer.concat(stored.map((b) => Buffer.from(b)));
    for (const needle of ['zebra', 'plaintext-a-1', 'plaintext-b-1', 'data.bin']) assert.equal(haystack.indexOf(needle), -1, needle);
    assert.equal(haystack.indexOf(Buffer.from(data.subarray(0, 32))), -1);
  } finally {
    await alice.client.close();
    await bob.client.close();
    await server.close();
  }
});
