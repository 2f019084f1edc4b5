// Files through the default server: uploads need a signed-in user, an uploaded document sent with
// messages.sendMedia reaches the recipient as a live update, and the recipient downloads the same bytes.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import { MemoryStorage } from '../src/client/storage/memory.ts';
import { TransferPool, documentLocation, downloadFile, uploadFile } from '../src/client/files/index.ts';
import type { MtprotoServer } from '../src/server/mtproto-server.ts';
import type { TlObject } from '../src/tl/generated/types.ts';
import { connectClient, newUser, rpcError, signIn, nextPhone, startServer, until, randomId } from './helpers/cloud.ts';
import { seededBytes } from './helpers/random.ts';

let server: MtprotoServer;
before(async () => {
  server = await startServer();
});
after(async () => {
  await server.close();
});

test('uploads before sign-in are refused with 401 AUTH_KEY_UNREGISTERED', async () => {
  const client = connectClient(server);
  try {
    await rpcError(client.invoke({ _: 'upload.saveFilePart', fileId: 1n, filePart: 0, bytes: new Uint8Array(1024) }), 401, 'AUTH_KEY_UNREGISTERED');
  } finally {
    await client.close();
  }
});

test('a document sent with sendMedia arrives live and downloads byte for byte', async () => {
  const bob = await newUser(server, 'Bob');
  // Alice's transfer pool shares her signed-in auth key through storage.
  const storage = new MemoryStorage();
  const alice = connectClient(server, { storage });
  await alice.connect();
  await signIn(alice, nextPhone(), 'Alice');
  const pool = await TransferPool.connect({ host: server.host, port: server.port, publicKeys: [server.publicKey], storage, pingIntervalMs: 0 }, 3);
  const data = seededBytes(7, 3 * 1024 * 1024 + 123);
  try {
    const uploaded = await uploadFile(pool, data, { name: 'blob.bin', md5: true });
    const sent = await alice.invoke({
      _: 'messages.sendMedia',
      peer: bob.peer,
      media: { _: 'inputMediaUploadedDocument', file: uploaded.inputFile, mimeType: 'application/octet-stream', attributes: [] },
      message: 'a file',
      randomId: randomId(),
    });
    assert.equal(sent._, 'updates');
    await until(() => bob.pushed.some(hasDocument), 5000, 'the pushed message');
    const update = bob.pushed.find(hasDocument) as any;
    const message = update.updates.find((u: TlObject) => u._ === 'updateNewMessage').message;
    assert.equal(message.message, 'a file');
    const document = message.media.document;
    assert.equal(Number(document.size), data.length);
    const chunks: Uint8Array[] = [];
    const bobPool = new TransferPool([bob.client]);
    await downloadFile(bobPool, documentLocation(document), { write: (bytes: Uint8Array) => void chunks.push(bytes.slice()) });
    const got = Buffer.concat(chunks);
    assert.equal(createHash('sha256').update(got).digest('hex'), createHash('sha256').update(data).digest('hex'));
  } finally {
    await pool.close();
    await alice.close();
    await bob.client.close();
  }
});

function hasDocument(u: TlObject): boolean {
  return u._ === 'updates' && (u as any).updates.some((x: TlObject) => x._ === 'updateNewMessage' && (x as any).message.media?._ === 'messageMediaDocument');
}
